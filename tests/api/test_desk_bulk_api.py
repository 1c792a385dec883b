"""POST /api/v1/claims/bulk and GET /api/v1/articles/<id>/needs-me: the same service and
rules as the workspace; responses checked against the OpenAPI document by the Api client."""

from __future__ import annotations

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Claim
from factcheck.services import reviews

LINK = [{"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}]
THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"


def review(actor, claim_id, verdict="confirmed"):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict, links=LINK)


def test_bulk_approve_over_the_api(make_user, make_article, api_as, snapshot):
    r1, r2, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    review(r1, ids[0])
    review(r1, ids[1])
    review(r2, ids[1], "disputed")
    api = api_as(lead)
    assert api.get(f"/articles/{article.id}/needs-me").json["items"] == [
        {"claim_id": ids[0], "reason": "approval", "label": "awaiting your approval"},
        {"claim_id": ids[1], "reason": "conflict", "label": "the reviews disagree"},
    ]
    resp = api.post(
        "/claims/bulk",
        json={
            "action": "approve",
            "claim_ids": ids,
            "note": "",
            "versions": {str(ids[0]): db.session.get(Claim, ids[0]).version},
        },
    )
    assert resp.status_code == 200 and resp.json["done"] == 1
    assert [r["ok"] for r in resp.json["results"]] == [True, False, False]
    assert "disagree" in resp.json["results"][1]["detail"]
    before = snapshot()
    reviewer_api = api_as(r1)
    before = snapshot()
    assert (
        reviewer_api.post("/claims/bulk", json={"action": "approve", "claim_ids": ids}).status_code
        == 403
    )
    for bad in (
        {"action": "approve", "claim_ids": []},
        {"action": "nuke", "claim_ids": ids},
        {"action": "approve", "claim_ids": ids, "extra": 1},
        {"action": "assign", "claim_ids": ids},
    ):
        assert api.post("/claims/bulk", json=bad).status_code == 422, bad
    assert snapshot() == before


def test_bulk_assign_and_due_over_the_api(make_user, make_article, api_as):
    r1, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=THREE)
    ids = [c.id for c in article.claims]
    api = api_as(lead)
    resp = api.post(
        "/claims/bulk",
        json={"action": "assign", "claim_ids": ids[:2], "user_id": r1.id, "due_on": "2030-01-01"},
    )
    assert [r["detail"] for r in resp.json["results"]] == ["assigned", "assigned"]
    resp = api.post(
        "/claims/bulk", json={"action": "due", "claim_ids": ids, "due_on": "2030-02-02"}
    )
    assert [r["ok"] for r in resp.json["results"]] == [True, True, False]
    assert (
        api_as(r1).get(f"/articles/{article.id}/needs-me").json["items"][0]["reason"] == "assigned"
    )
