"""GET/POST /claims/{id}/comments, PATCH/DELETE /comments/{id}: the same rules as the page."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import AuditEvent, Notification

LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


def test_the_thread_through_the_api(make_user, make_article, api_as, snapshot):
    ana = make_user("reviewer", email="ana@desk.org", name="Ana")
    bo = make_user("reviewer", email="bo@desk.org", name="Bo")
    lead = make_user("lead", email="lena@desk.org")
    cid = make_article(actor=ana).claims[0].id
    api_ana, api_bo, api_lead = api_as(ana), api_as(bo), api_as(lead)

    r = api_ana.post(f"/claims/{cid}/comments", json={"body": "**Check** this, @bo"})
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["body"] == "**Check** this, @bo" and "<strong>Check</strong>" in made["body_html"]
    assert made["author"] == "Ana" and made["claim_id"] == cid
    assert (
        db.session.scalar(select(Notification.kind).where(Notification.user_id == bo.id))
        == "mentioned"
    )

    seen = api_bo.get(f"/claims/{cid}/comments").get_json()
    assert seen == {"items": [], "hidden": 1}  # blind review: Bo has no review yet
    assert api_lead.get(f"/claims/{cid}/comments").get_json()["items"][0]["id"] == made["id"]
    api_bo.put(f"/claims/{cid}/reviews/me", json={"verdict": "confirmed", "links": [LINK]})
    assert [c["id"] for c in api_bo.get(f"/claims/{cid}/comments").get_json()["items"]] == [
        made["id"]
    ]

    before = snapshot()
    assert api_bo.patch(f"/comments/{made['id']}", json={"body": "mine now"}).status_code == 403
    assert api_bo("DELETE", f"/comments/{made['id']}").status_code == 403
    r = api_ana.post(f"/claims/{cid}/comments", json={"body": "  "})
    assert r.status_code == 422 and r.get_json()["errors"] == {"body": "required"}
    assert api_ana.post(f"/claims/{cid}/comments", json={"body": 5}).status_code == 422
    assert api_ana.post("/claims/999999/comments", json={"body": "hi"}).status_code == 404
    assert snapshot() == before

    r = api_ana.patch(f"/comments/{made['id']}", json={"body": "Changed"})
    assert r.status_code == 200 and r.get_json()["body"] == "Changed" and r.get_json()["edited_at"]
    r = api_lead("DELETE", f"/comments/{made['id']}")
    assert r.status_code == 200 and r.get_json()["body"] is None and r.get_json()["deleted_at"]
    assert api_ana.patch(f"/comments/{made['id']}", json={"body": "again"}).status_code == 409
    db.session.rollback()
    actions = list(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "comment"))
    )
    assert actions == ["comment.added", "comment.edited", "comment.deleted"]
