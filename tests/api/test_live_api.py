"""GET /articles/{id}/changes: the workspace's live state, its ETag, and blind review."""

from __future__ import annotations

import pytest

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


@pytest.fixture
def desk(make_user, api_as, make_article):
    """Reviewers A and B, lead L (named Ana), and a short article with two claims."""
    a, b, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead", name="Ana")

    class Desk:
        pass

    d = Desk()
    d.a, d.b, d.lead = a, b, lead
    d.api_a, d.api_b, d.api_lead = api_as(a), api_as(b), api_as(lead)
    d.article = make_article(text=SHORT, actor=a)
    d.url = f"/articles/{d.article.id}/changes"
    d.c1, d.c2 = (c.id for c in d.article.claims)
    return d


def _review(api, claim_id, verdict="confirmed", note=""):
    resp = api.put(
        f"/claims/{claim_id}/reviews/me", json={"verdict": verdict, "note": note, "links": [LINK]}
    )
    assert resp.status_code == 201, resp.get_json()
    return resp


def _state(api, url):
    resp = api.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.headers["ETag"], resp.get_json()


def test_the_same_state_answers_304_with_its_etag(desk):
    tag, body = _state(desk.api_a, desk.url)
    assert tag.startswith('"') and not tag.startswith("W/"), tag  # strong
    assert [c["id"] for c in body["claims"]] == [desk.c1, desk.c2]
    assert body["claims"][0]["number"] == 1 and body["claims"][0]["status"] == "open"
    assert body["viewer_id"] == desk.a.id and body["status"] == "draft"
    assert body["changed_by_id"] == desk.a.id  # the import, A's
    _review(desk.api_b, desk.c1)  # the first review starts the article's review: B's change
    tag_b, body = _state(desk.api_a, desk.url)
    assert body["status"] == "in_review" and body["changed_by_id"] == desk.b.id and tag_b != tag
    tag = tag_b
    again = desk.api_a.get(desk.url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag and again.data == b""
    other = desk.api_a.get(desk.url, headers={"If-None-Match": '"not-it"'})
    assert other.status_code == 200 and other.headers["ETag"] == tag


def test_a_visible_change_changes_the_etag_and_names_who(desk):
    _review(desk.api_a, desk.c1)
    tag, before = _state(desk.api_lead, desk.url)
    v = desk.api_lead.get(f"/claims/{desk.c1}").get_json()["version"]
    resp = desk.api_lead.post(
        f"/claims/{desk.c1}/approve", json={"verdict": "confirmed", "note": "", "version": v}
    )
    assert resp.status_code == 200, resp.get_json()
    for api in (desk.api_lead, desk.api_a, desk.api_b):  # everyone sees an approval
        resp = api.get(desk.url, headers={"If-None-Match": tag})
        assert resp.status_code == 200
        c1 = resp.get_json()["claims"][0]
        assert c1["status"] == "approved" and c1["verdict"] == "confirmed"
        assert (c1["changed_by"], c1["changed_by_id"], c1["change"]) == (
            "Ana",
            desk.lead.id,
            "claim.approved",
        )
    assert before["claims"][0]["status"] == "reviewed"


def test_a_review_the_viewer_may_not_see_leaves_the_etag_unchanged(desk):
    _review(desk.api_a, desk.c2)  # the article is in review now: that is no secret
    tag_b, body_b = _state(desk.api_b, desk.url)
    tag_lead, _ = _state(desk.api_lead, desk.url)
    _review(desk.api_a, desk.c1, verdict="disputed", note="SECRET-NOTE")
    # B has not reviewed claim 1: the review is blind to B, so nothing changed for B
    resp = desk.api_b.get(desk.url, headers={"If-None-Match": tag_b})
    assert resp.status_code == 304
    tag_now, body_now = _state(desk.api_b, desk.url)
    assert tag_now == tag_b and body_now == body_b
    assert body_now["claims"][0]["status"] == "open" and body_now["claims"][0]["changed_by"] is None
    assert "SECRET" not in desk.api_b.get(desk.url).get_data(as_text=True)
    # the lead sees every review: for the lead it is a change, by A
    resp = desk.api_lead.get(desk.url, headers={"If-None-Match": tag_lead})
    assert resp.status_code == 200
    c1 = resp.get_json()["claims"][0]
    assert c1["status"] == "reviewed" and (c1["change"], c1["changed_by_id"]) == (
        "review.saved",
        desk.a.id,
    )
    # A revision hidden from B changes nothing either; once B reviews, B sees it all
    resp = desk.api_a.put(f"/claims/{desk.c1}/reviews/me",
                          json={"verdict": "unconfirmed", "note": "", "links": [LINK], "version": 1})  # fmt: skip
    assert resp.status_code == 200, resp.get_json()
    assert desk.api_b.get(desk.url, headers={"If-None-Match": tag_b}).status_code == 304
    _review(desk.api_b, desk.c1)
    resp = desk.api_b.get(desk.url, headers={"If-None-Match": tag_b})
    assert resp.status_code == 200 and resp.get_json()["claims"][0]["status"] == "reviewed"


def test_a_claim_split_changes_the_list(desk):
    tag, before = _state(desk.api_a, desk.url)
    claim = desk.api_lead.get(f"/claims/{desk.c1}").get_json()
    resp = desk.api_lead.post(f"/claims/{desk.c1}/split",
                              json={"at": claim["start"] + 12, "version": claim["version"]})  # fmt: skip
    assert resp.status_code in (200, 201), resp.get_json()
    tag_now, now = _state(desk.api_a, desk.url)
    assert tag_now != tag and len(now["claims"]) == len(before["claims"]) + 1


def test_strangers_are_refused(desk, client, problem, make_user, api_as):
    problem(client.get(f"/api/v1{desk.url}"), 401)
    problem(desk.api_a.get("/articles/999999/changes"), 404)
