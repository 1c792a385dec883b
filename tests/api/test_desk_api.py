"""The desk's coordination endpoints: agreement, assignments and queues, similar claims, OpenAPI."""

from __future__ import annotations

import pytest

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
MARK = "AGREE-NOTE-marker-55"


def test_agreement(make_user, api_as, make_article):
    a, b, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT, actor=a)
    api_a, api_b, api_lead = api_as(a), api_as(b), api_as(lead)
    first, second = article.claims[0].id, article.claims[1].id
    for api, claim_id, verdict in ((api_a, first, "confirmed"), (api_b, first, "confirmed"),
                                   (api_a, second, "confirmed"), (api_b, second, "disputed")):  # fmt: skip
        resp = api.put(
            f"/claims/{claim_id}/reviews/me",
            json={"verdict": verdict, "note": MARK, "links": [LINK]},
        )
        assert resp.status_code == 201
    lead_view = api_lead.get(f"/articles/{article.id}/agreement")
    assert lead_view.status_code == 200
    body = lead_view.get_json()
    assert body["claims_with_reviews"] == 2 and body["agreeing"] == 1
    assert second in body["conflicts"] and first not in body["conflicts"]
    assert "alpha" in body
    reviewer_view = api_a.get(f"/articles/{article.id}/agreement").get_json()
    assert reviewer_view["conflicts"] == [] and MARK not in str(reviewer_view)


def test_agreement_of_missing_article(make_user, api_as, problem):
    problem(api_as(make_user("lead")).get("/articles/987654/agreement"), 404)


def test_assignments_and_queue(
    make_user, api_as, make_article, audit_mark, new_events, snapshot, problem
):
    rev, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT, actor=lead)
    api_rev, api_lead = api_as(rev), api_as(lead)
    before = snapshot()
    problem(api_rev.post("/assignments", json={"user_id": rev.id, "article_id": article.id}), 403)
    problem(api_lead.post("/assignments", json={"user_id": rev.id}), 422, "article_id")
    problem(
        api_lead.post(
            "/assignments", json={"user_id": rev.id, "article_id": article.id, "claim_ids": []}
        ),
        422,
    )
    problem(
        api_lead.post(
            "/assignments", json={"user_id": rev.id, "article_id": article.id, "role": "x"}
        ),
        422,
    )
    problem(api_lead.post("/assignments", json={"user_id": 987654, "article_id": article.id}), 404)
    assert snapshot() == before
    mark = audit_mark()
    resp = api_lead.post("/assignments", json={"user_id": rev.id, "article_id": article.id})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["created"] >= 1
    assert {e.action for e in new_events(mark)} == {"assignment.created"}
    again = api_lead.post("/assignments", json={"user_id": rev.id, "article_id": article.id})
    assert again.status_code == 200 and again.get_json()["created"] == 0
    queue = api_rev.get("/queue")
    assert queue.status_code == 200
    assigned = {c["id"] for c in queue.get_json()["assigned"]}
    assert assigned == {c.id for c in article.claims}
    # once reviewed, a claim leaves the reviewer's queue and waits for the lead
    resp = api_rev.put(
        f"/claims/{article.claims[0].id}/reviews/me", json={"verdict": "confirmed", "links": [LINK]}
    )
    assert resp.status_code == 201
    assert article.claims[0].id not in {
        c["id"] for c in api_rev.get("/queue").get_json()["assigned"]
    }
    desk = api_lead.get("/queue").get_json()
    assert article.claims[0].id in {c["id"] for c in desk["awaiting_approval"]}


def test_similar_claims(make_user, api_as, make_article):
    rev, lead = make_user("reviewer"), make_user("lead")
    api_rev, api_lead = api_as(rev), api_as(lead)
    old = make_article(text=SHORT, actor=rev).claims[1]
    assert (
        api_rev.put(
            f"/claims/{old.id}/reviews/me", json={"verdict": "confirmed", "links": [LINK]}
        ).status_code
        == 201
    )
    v = api_lead.get(f"/claims/{old.id}").get_json()["version"]
    assert (
        api_lead.post(
            f"/claims/{old.id}/approve", json={"verdict": "confirmed", "version": v}
        ).status_code
        == 200
    )
    new = make_article(
        text="Unemployment fell to 3.9% in March, officials said.\n", actor=rev
    ).claims[0]
    resp = api_rev.get(f"/claims/{new.id}/similar")
    assert resp.status_code == 200
    items = resp.get_json()["items"]
    assert items and items[0]["claim_id"] == old.id
    assert items[0]["url"].endswith(f"/claims/{old.id}")
    assert api_rev.get(f"/claims/{old.id}/similar").get_json()["items"] == [] or all(
        i["claim_id"] != old.id
        for i in api_rev.get(f"/claims/{old.id}/similar").get_json()["items"]
    )


@pytest.mark.parametrize("auth", [False, True])
def test_openapi_document(client, make_user, token_for, auth):
    headers = {"Authorization": f"Bearer {token_for(make_user('reviewer'))}"} if auth else {}
    resp = client.get("/api/v1/openapi.json", headers=headers)
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.") and "/claims/{claim_id}/reviews/me" in str(doc["paths"])
