"""PUT /claims/{id}/reviews/me, blind review, and the lead's approve / return / reopen."""

from __future__ import annotations

import json

import pytest

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
MARK_A = "NOTE-A-7f3c-marker"


@pytest.fixture
def desk(make_user, api_as, make_article):
    """Reviewers A and B, a lead, and a short article; API clients for each."""
    a, b, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT, actor=a)

    class Desk:
        pass

    d = Desk()
    d.a, d.b, d.lead = a, b, lead
    d.api_a, d.api_b, d.api_lead = api_as(a), api_as(b), api_as(lead)
    d.article = article
    d.claim_id = article.claims[0].id
    d.other_claim_id = article.claims[1].id
    return d


def _version(api, claim_id) -> int:
    return api.get(f"/claims/{claim_id}").get_json()["version"]


# -- my review ------------------------------------------------------------------------


def test_create_then_revise(desk, audit_mark, new_events, snapshot):
    mark = audit_mark()
    resp = desk.api_a.put(f"/claims/{desk.claim_id}/reviews/me",
                          json={"verdict": "confirmed", "note": "Checked *twice*", "links": [LINK]})  # fmt: skip
    assert resp.status_code == 201, resp.get_json()
    review = resp.get_json()
    assert review["verdict"] == "confirmed" and review["reviewer_id"] == desk.a.id
    assert review["links"][0]["url"] == LINK["url"] and review["version"] == 1
    assert resp.headers["ETag"] == '"1"'
    assert "<em>twice</em>" in review["note_html"]
    events = new_events(mark)
    assert [e.action for e in events] == [
        "review.created",
        "article.review_started",
    ]  # its first review
    assert (
        events[0].after["verdict"] == "confirmed" and events[0].after["claim_id"] == desk.claim_id
    )
    claim = desk.api_a.get(f"/claims/{desk.claim_id}").get_json()
    assert claim["status"] == "reviewed"
    assert desk.api_a.get(f"/articles/{desk.article.id}").get_json()["status"] == "in_review"

    mark = audit_mark()
    resp = desk.api_a.put(f"/claims/{desk.claim_id}/reviews/me",
                          json={"verdict": "disputed", "note": "no", "links": [LINK], "version": 1})  # fmt: skip
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["verdict"] == "disputed" and resp.get_json()["version"] == 2
    events = new_events(mark)
    assert [e.action for e in events] == ["review.revised"]
    assert events[0].before["verdict"] == "confirmed" and events[0].after["verdict"] == "disputed"

    # the same content again: 200, nothing written
    before = snapshot()
    resp = desk.api_a.put(f"/claims/{desk.claim_id}/reviews/me",
                          json={"verdict": "disputed", "note": "no", "links": [LINK], "version": 2})  # fmt: skip
    assert resp.status_code == 200
    assert snapshot() == before


def test_revise_with_if_match(desk):
    url = f"/claims/{desk.claim_id}/reviews/me"
    etag = desk.api_a.put(url, json={"verdict": "confirmed", "links": [LINK]}).headers["ETag"]
    resp = desk.api_a.put(url, json={"verdict": "unconfirmed"}, headers={"If-Match": etag})
    assert resp.status_code == 200, resp.get_json()


def test_revise_without_version_is_428(desk, snapshot, problem):
    url = f"/claims/{desk.claim_id}/reviews/me"
    assert desk.api_a.put(url, json={"verdict": "confirmed", "links": [LINK]}).status_code == 201
    before = snapshot()
    problem(desk.api_a.put(url, json={"verdict": "disputed"}), 428)
    assert snapshot() == before


def test_revise_stale_is_409_with_current_version(desk, snapshot, problem):
    url = f"/claims/{desk.claim_id}/reviews/me"
    assert desk.api_a.put(url, json={"verdict": "confirmed"}).status_code == 201
    assert desk.api_a.put(url, json={"verdict": "disputed", "version": 1}).status_code == 200
    before = snapshot()
    resp = desk.api_a.put(url, json={"verdict": "unconfirmed", "version": 1})
    body = problem(resp, 409)
    assert body["current_version"] == 2
    assert resp.headers["ETag"] == '"2"'
    assert snapshot() == before


BAD_REVIEWS = [
    ({"verdict": "true"}, "verdict"),
    ({"verdict": "Confirmed"}, "verdict"),
    ({"verdict": ""}, "verdict"),
    ({"verdict": None}, "verdict"),
    ({"verdict": ["confirmed"]}, "verdict"),
    ({}, "verdict"),
    (
        {
            "verdict": "confirmed",
            "links": [{"url": "javascript:alert(1)", "title": "x", "stance": "context"}],
        },
        "links[0].url",
    ),
    (
        {
            "verdict": "confirmed",
            "links": [{"url": "data:text/html,x", "title": "x", "stance": "context"}],
        },
        "links[0].url",
    ),
    (
        {
            "verdict": "confirmed",
            "links": [{"url": "//evil.example/x", "title": "x", "stance": "context"}],
        },
        "links[0].url",
    ),
    (
        {"verdict": "confirmed", "links": [{**LINK, "archived_url": "javascript:x"}]},
        "links[0].archived_url",
    ),
    ({"verdict": "confirmed", "links": [{**LINK, "stance": "agrees"}]}, "links[0].stance"),
    ({"verdict": "confirmed", "links": [{**LINK, "id": 5}]}, "links[0].id"),
    ({"verdict": "confirmed", "links": "https://example.org"}, "links"),
    ({"verdict": "confirmed", "note": "x" * 20_001}, "note"),
    ({"verdict": "confirmed", "note": "a\x00b"}, "note"),
    ({"verdict": "confirmed", "status": "approved"}, "status"),
    ({"verdict": "confirmed", "final_verdict": "confirmed"}, "final_verdict"),
    ({"verdict": "confirmed", "approved_by": 1}, "approved_by"),
    ({"verdict": "confirmed", "reviewer_id": 1}, "reviewer_id"),
    ({"verdict": "confirmed", "id": 1}, "id"),
    ({"verdict": "confirmed", "created_at": "2020-01-01T00:00:00Z"}, "created_at"),
]


def test_bad_review_is_422_and_changes_nothing(desk, snapshot, problem, subtests):
    before = snapshot()
    for payload, field in BAD_REVIEWS:
        with subtests.test(payload=payload):
            problem(desk.api_a.put(f"/claims/{desk.claim_id}/reviews/me", json=payload), 422, field)
            assert snapshot() == before


def test_review_of_missing_claim_is_404(desk, problem):
    problem(desk.api_a.put("/claims/987654/reviews/me", json={"verdict": "confirmed"}), 404)


def test_review_body_must_be_json(desk, snapshot, problem):
    before = snapshot()
    problem(desk.api_a.put(f"/claims/{desk.claim_id}/reviews/me", data="verdict=confirmed",
                           content_type="application/x-www-form-urlencoded"), 415)  # fmt: skip
    assert snapshot() == before


# -- blind review ---------------------------------------------------------------------


def test_blind_review(desk):
    url = f"/claims/{desk.claim_id}"
    assert desk.api_a.put(f"{url}/reviews/me", json={"verdict": "disputed", "note": MARK_A,
                                                     "links": [LINK]}).status_code == 201  # fmt: skip
    # B has not reviewed: A's verdict and note are nowhere
    for path in (url, f"{url}/history", f"/articles/{desk.article.id}"):
        resp = desk.api_b.get(path)
        assert resp.status_code == 200
        assert MARK_A not in resp.get_data(as_text=True), path
    claim = desk.api_b.get(url).get_json()
    # nor that there is a review at all: no count, no event in the history
    assert claim["reviews"] == [] and claim["reviews_hidden"] is True and claim["review_count"] == 0
    hist = desk.api_b.get(f"{url}/history").get_json()["items"]
    assert "review.created" not in [ev["action"] for ev in hist]
    assert desk.api_b.get("/audit").status_code == 403
    # the lead sees everything
    lead_view = desk.api_lead.get(url).get_json()
    assert [r["note"] for r in lead_view["reviews"]] == [MARK_A]
    assert desk.api_lead.get(f"{url}/history").get_json()["items"][0]["after"]["note"] == MARK_A
    # A sees their own review
    assert [r["note"] for r in desk.api_a.get(url).get_json()["reviews"]] == [MARK_A]
    # once B submits, B sees A's review and history
    assert (
        desk.api_b.put(
            f"{url}/reviews/me", json={"verdict": "unconfirmed", "note": "B"}
        ).status_code
        == 201
    )
    after = desk.api_b.get(url).get_json()
    assert {r["note"] for r in after["reviews"]} == {MARK_A, "B"} and after[
        "reviews_hidden"
    ] is False
    assert after["review_count"] == 2
    assert MARK_A in desk.api_b.get(f"{url}/history").get_data(as_text=True)


def test_blind_review_in_exports(desk):
    assert desk.api_a.put(f"/claims/{desk.claim_id}/reviews/me",
                          json={"verdict": "disputed", "note": MARK_A, "links": [LINK]}).status_code == 201  # fmt: skip
    for fmt in ("html", "md", "csv", "json", "w3c"):  # a draft has no ClaimReview (409)
        resp = desk.api_b.get(f"/articles/{desk.article.id}/export?format={fmt}")
        assert resp.status_code == 200
        assert MARK_A not in resp.get_data(as_text=True), fmt


def test_reviewer_cannot_change_another_reviewers_review(desk):
    url = f"/claims/{desk.claim_id}/reviews/me"
    assert (
        desk.api_a.put(
            url, json={"verdict": "confirmed", "note": MARK_A, "links": [LINK]}
        ).status_code
        == 201
    )
    # B's PUT creates B's own review; A's stays as it was
    assert desk.api_b.put(url, json={"verdict": "disputed", "version": 1}).status_code == 201
    reviews = desk.api_lead.get(f"/claims/{desk.claim_id}").get_json()["reviews"]
    mine = {r["reviewer_id"]: (r["verdict"], r["note"]) for r in reviews}
    assert mine[desk.a.id] == ("confirmed", MARK_A) and mine[desk.b.id][0] == "disputed"


# -- approve / return / reopen --------------------------------------------------------


def _reviewed(desk, verdict="confirmed", links=(LINK,)):
    url = f"/claims/{desk.claim_id}/reviews/me"
    assert desk.api_a.put(url, json={"verdict": verdict, "links": list(links)}).status_code == 201
    return _version(desk.api_lead, desk.claim_id)


def test_approve(desk, audit_mark, new_events):
    v = _reviewed(desk)
    mark = audit_mark()
    resp = desk.api_lead.post(
        f"/claims/{desk.claim_id}/approve",
        json={"verdict": "confirmed", "note": "ok", "version": v},
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "approved" and body["final_verdict"] == "confirmed"
    assert (
        body["approved_by"] == desk.lead.id
        and body["approved_at"].endswith("Z")
        and body["approval_note"] == "ok"
    )
    assert resp.headers["ETag"] == f'"{body["version"]}"' and body["version"] == v + 1
    events = new_events(mark)
    assert [e.action for e in events] == ["claim.approved"]
    assert events[0].actor_id == desk.lead.id and events[0].after["final_verdict"] == "confirmed"
    # an approved claim is locked for reviews
    assert (
        desk.api_b.put(
            f"/claims/{desk.claim_id}/reviews/me", json={"verdict": "disputed"}
        ).status_code
        == 409
    )


def test_approve_with_if_match(desk):
    v = _reviewed(desk)
    resp = desk.api_lead.post(f"/claims/{desk.claim_id}/approve", json={"verdict": "confirmed", "note": ""},
                              headers={"If-Match": f'"{v}"'})  # fmt: skip
    assert resp.status_code == 200, resp.get_json()


def test_reviewer_cannot_approve_return_or_reopen(desk, snapshot, problem):
    v = _reviewed(desk)
    before = snapshot()
    url = f"/claims/{desk.claim_id}"
    problem(
        desk.api_b.post(f"{url}/approve", json={"verdict": "confirmed", "note": "x", "version": v}),
        403,
    )
    problem(desk.api_b.post(f"{url}/return", json={"comment": "x", "version": v}), 403)
    problem(
        desk.api_a.post(f"{url}/approve", json={"verdict": "confirmed", "note": "x", "version": v}),
        403,
    )
    assert snapshot() == before
    assert (
        desk.api_lead.post(
            f"{url}/approve", json={"verdict": "confirmed", "version": v}
        ).status_code
        == 200
    )
    v = _version(desk.api_lead, desk.claim_id)
    before = snapshot()
    problem(desk.api_b.post(f"{url}/reopen", json={"reason": "x", "version": v}), 403)
    assert snapshot() == before


def test_approve_refusals_change_nothing(desk, snapshot, problem):
    url = f"/claims/{desk.claim_id}/approve"
    before = snapshot()
    problem(
        desk.api_lead.post(
            url, json={"verdict": "confirmed", "version": _version(desk.api_lead, desk.claim_id)}
        ),
        409,
    )  # open
    v = _reviewed(desk, verdict="confirmed", links=())
    before = snapshot()
    problem(desk.api_lead.post(url, json={"verdict": "confirmed", "version": v + 1}), 409)
    problem(desk.api_lead.post(url, json={"verdict": "confirmed"}), 428)
    problem(desk.api_lead.post(url, json={"verdict": "maybe", "version": v}), 422, "verdict")
    problem(
        desk.api_lead.post(url, json={"verdict": "confirmed", "version": v, "approved_by": 1}), 422
    )
    # confirmed needs an evidence link; overruling the reviews needs a note
    problem(desk.api_lead.post(url, json={"verdict": "confirmed", "version": v}), 422, "verdict")
    problem(desk.api_lead.post(url, json={"verdict": "unconfirmed", "version": v}), 422, "note")
    assert snapshot() == before
    resp = desk.api_lead.post(
        url, json={"verdict": "unconfirmed", "note": "no source found", "version": v}
    )
    assert resp.status_code == 200


def test_four_eyes(make_user, api_as, make_article, snapshot, problem):
    lead = make_user("lead")
    api = api_as(lead)
    claim = make_article(text=SHORT, actor=lead).claims[0]
    assert (
        api.put(
            f"/claims/{claim.id}/reviews/me", json={"verdict": "confirmed", "links": [LINK]}
        ).status_code
        == 201
    )
    v = _version(api, claim.id)
    before = snapshot()
    body = problem(
        api.post(
            f"/claims/{claim.id}/approve", json={"verdict": "confirmed", "note": "x", "version": v}
        ),
        409,
    )
    assert "four-eyes" in body["detail"]
    assert snapshot() == before
    # another lead may approve
    other = api_as(make_user("lead"))
    assert (
        other.post(
            f"/claims/{claim.id}/approve", json={"verdict": "confirmed", "version": v}
        ).status_code
        == 200
    )


def test_return_then_review_again(desk, audit_mark, new_events, snapshot, problem):
    v = _reviewed(desk)
    url = f"/claims/{desk.claim_id}"
    before = snapshot()
    problem(
        desk.api_lead.post(f"{url}/return", json={"comment": " ", "version": v}), 422, "comment"
    )
    problem(desk.api_lead.post(f"{url}/return", json={"comment": "why?", "version": v - 1}), 409)
    assert snapshot() == before
    mark = audit_mark()
    resp = desk.api_lead.post(
        f"{url}/return", json={"comment": "Find a second source", "version": v}
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "returned"
    assert [e.action for e in new_events(mark)] == ["claim.returned"]
    # reviewers see the comment
    assert desk.api_a.get(url).get_json()["return_comment"] == "Find a second source"
    problem(
        desk.api_lead.post(
            f"{url}/return", json={"comment": "again", "version": resp.get_json()["version"]}
        ),
        409,
    )
    resp = desk.api_a.put(
        f"{url}/reviews/me", json={"verdict": "confirmed", "links": [LINK, LINK], "version": 1}
    )
    assert resp.status_code == 200
    assert desk.api_a.get(url).get_json()["status"] == "reviewed"


def test_reopen(desk, audit_mark, new_events, snapshot, problem):
    v = _reviewed(desk)
    url = f"/claims/{desk.claim_id}"
    v = desk.api_lead.post(
        f"{url}/approve", json={"verdict": "confirmed", "version": v}
    ).get_json()["version"]
    before = snapshot()
    problem(desk.api_lead.post(f"{url}/reopen", json={"reason": "", "version": v}), 422, "reason")
    problem(desk.api_lead.post(f"{url}/reopen", json={"reason": "new facts"}), 428)
    problem(
        desk.api_lead.post(f"{url}/reopen", json={"reason": "new facts", "version": v - 1}), 409
    )
    assert snapshot() == before
    mark = audit_mark()
    resp = desk.api_lead.post(f"{url}/reopen", json={"reason": "new facts", "version": v})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "reviewed" and body["final_verdict"] is None
    events = new_events(mark)
    assert [e.action for e in events] == ["claim.reopened"]
    assert events[0].after["reopen_reason"] == "new facts"
    problem(
        desk.api_lead.post(f"{url}/reopen", json={"reason": "x", "version": body["version"]}), 409
    )


def test_history_redacts_for_blind_reviewer_then_reveals(desk):
    url = f"/claims/{desk.claim_id}/history"
    assert (
        desk.api_a.put(
            f"/claims/{desk.claim_id}/reviews/me", json={"verdict": "disputed", "note": MARK_A}
        ).status_code
        == 201
    )
    text_b = json.dumps(desk.api_b.get(url).get_json())
    assert MARK_A not in text_b and "disputed" not in text_b
    assert MARK_A in json.dumps(desk.api_lead.get(url).get_json())
