"""Assignments and queues: reviewer and lead queues, due dates, bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, PermissionDenied
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim
from factcheck.services import approvals, assignments, reviews, users


def _assign(actor, user, article, **kw):
    with transaction() as s:
        return len(assignments.assign(s, actor=actor, user_id=user.id, article_id=article.id, **kw))


def _review(actor, cid, verdict="unconfirmed"):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=cid, verdict=verdict)


def test_assign_article_and_reviewer_queue(make_article, make_user):
    lead, rev = make_user("lead"), make_user("reviewer")
    article = make_article()
    assert _assign(lead, rev, article, due_on="2030-05-01") == 1
    assert _assign(lead, rev, article) == 0  # already assigned: nothing new, no event
    queue = assignments.reviewer_queue(db.session, rev)
    assert [c.id for c in queue["assigned"]] == [c.id for c in article.claims]
    _review(rev, article.claims[0].id)
    db.session.expire_all()
    queue = assignments.reviewer_queue(db.session, rev)
    assert article.claims[0].id not in [c.id for c in queue["assigned"]]
    assert assignments.queue_counts(db.session, rev)["mine"] == len(article.claims) - 1
    lead_counts = assignments.queue_counts(db.session, lead)
    assert (
        lead_counts["awaiting_approval"] == 1 and lead_counts["total"] == 1
    )  # the badge counts it
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assignment.created")
    ).all()
    assert len(events) == 1 and events[0].after["due_on"] == "2030-05-01"


def test_the_badge_counts_returned_claims_and_conflicts(make_article, make_user):
    lead, rev, other = make_user("lead"), make_user("reviewer"), make_user("reviewer")
    article = make_article()
    first, second = article.claims[0].id, article.claims[1].id
    _review(rev, first)
    _review(rev, second)
    with transaction() as s:
        reviews.submit_review(s, actor=other, claim_id=second, verdict="disputed",
                              links=[{"url": "https://example.org/x", "title": "X", "stance": "contradicts"}])  # fmt: skip
        approvals.return_claim(s, actor=lead, claim_id=first, comment="the date?",
                               version=s.get(Claim, first).version)  # fmt: skip
    db.session.expire_all()
    assert assignments.queue_counts(db.session, rev) == {"mine": 0, "returned": 1, "total": 1}
    counts = assignments.queue_counts(db.session, lead)
    assert counts["conflicts"] == 1 and counts["awaiting_approval"] == 0 and counts["total"] == 1


def test_the_badge_stops_counting_at_its_cap(make_article, make_user):
    """Each count of the badge stops at the cap and so does the total; below it, and
    without a cap (the queue page's totals), the counts are exact."""
    lead, rev = make_user("lead"), make_user("reviewer")
    article = make_article()
    assert _assign(lead, rev, article) == 1
    n = len(article.claims)
    for claim in article.claims[:3]:
        _review(rev, claim.id)
    db.session.expire_all()
    assert assignments.queue_counts(db.session, rev, cap=2) == {
        "mine": 2,
        "returned": 0,
        "total": 2,
    }
    assert assignments.queue_counts(db.session, rev, cap=n) == {"mine": n - 3, "returned": 0,
                                                               "total": n - 3}  # fmt: skip
    counts = assignments.queue_counts(db.session, lead, cap=2)
    assert counts["awaiting_approval"] == 2 and counts["total"] == 2
    assert assignments.queue_counts(db.session, lead)["awaiting_approval"] == 3  # uncapped


def test_assign_selected_claims(make_article, make_user):
    lead, rev = make_user("lead"), make_user("reviewer")
    article = make_article()
    ids = [article.claims[1].id, article.claims[3].id]
    assert _assign(lead, rev, article, claim_ids=ids) == 2
    assert sorted(c.id for c in assignments.reviewer_queue(db.session, rev)["assigned"]) == sorted(
        ids
    )


@pytest.mark.parametrize(
    "kw",
    [{"claim_ids": [999_999]}, {"claim_ids": []}, {"claim_ids": "1"}, {"due_on": "31/01/2030"}],
)
def test_bad_assignments_change_nothing(make_article, make_user, snapshot, kw):
    lead, rev = make_user("lead"), make_user("reviewer")
    article = make_article()
    before = snapshot()
    with pytest.raises(InvalidInput):
        _assign(lead, rev, article, **kw)
    assert snapshot() == before


def test_deactivated_or_unknown_assignee_and_reviewer_actor(make_article, make_user, snapshot):
    admin, lead, rev, other = (
        make_user("admin"),
        make_user("lead"),
        make_user("reviewer"),
        make_user("reviewer"),
    )
    article = make_article()
    with transaction() as s:
        users.update_user(s, actor=admin, user_id=rev.id, active=False)
    before = snapshot()
    with pytest.raises(InvalidInput, match="deactivated"):
        _assign(lead, db.session.get(type(rev), rev.id), article)
    with pytest.raises(PermissionDenied):
        _assign(other, lead, article)
    assert snapshot() == before


def test_lead_queues(make_article, make_user):
    lead, r1, r2 = make_user("lead"), make_user("reviewer"), make_user("reviewer")
    article = make_article()
    c0, c1, c2 = (c.id for c in article.claims[:3])
    _review(r1, c0, "unconfirmed")
    _review(r1, c1, "unconfirmed")
    _review(r2, c1, "disputed")
    _review(r1, c2)
    with transaction() as s:
        approvals.return_claim(
            s,
            actor=lead,
            claim_id=c2,
            comment="source?",
            version=s.get(type(article.claims[2]), c2).version,
        )
    _assign(lead, r2, article, claim_ids=[article.claims[4].id], due_on="2000-01-01")
    db.session.expire_all()
    desk = assignments.lead_queue(db.session)
    assert [c.id for c in desk["awaiting_approval"]] == [c0]
    assert [c.id for c in desk["conflicts"]] == [c1]
    assert [c.id for c in desk["returned"]] == [c2]
    assert [c.id for _a, c in desk["overdue"]] == [article.claims[4].id]
    assert [c.id for c in assignments.reviewer_queue(db.session, r1)["returned"]] == [c2]


def test_queue_page_and_api(make_article, make_user, client, login, api_as):
    lead, rev = make_user("lead"), make_user("reviewer")
    article = make_article()
    _assign(lead, rev, article)
    login(rev)
    page = client.get("/queue").get_data(as_text=True)
    assert "Assigned to me, not yet reviewed" in page and article.claims[0].text[:30] in page
    assert "Overdue" not in page
    data = api_as(rev).get("/queue").get_json()
    assert len(data["assigned"]) == len(article.claims) and "conflicts" not in data
    lead_api = api_as(lead)
    assert "conflicts" in lead_api.get("/queue").get_json()
    resp = lead_api.post(
        "/assignments",
        json={"user_id": rev.id, "article_id": article.id, "claim_ids": [article.claims[0].id]},
    )
    assert resp.status_code == 201 and resp.get_json()["created"] == 1
    assert (
        api_as(rev)
        .post("/assignments", json={"user_id": rev.id, "article_id": article.id})
        .status_code
        == 403
    )


def test_queues_page_every_section(make_article, make_user, client, login, api_as):
    """A big desk's sections hold 100,000s: each is read a page at a time, in the same order
    as a whole read, pages neither overlap nor skip, ``totals`` count every page (overdue:
    not counted, ``more`` says whether it goes on), on the page and over the API."""
    lead, r1, r2 = make_user("lead"), make_user("reviewer"), make_user("reviewer")
    article = make_article()
    ids = [c.id for c in article.claims]
    assert len(ids) >= 7
    _assign(lead, r1, article, due_on="2000-01-01")  # overdue: every claim r1 has not reviewed
    _assign(lead, r2, article, claim_ids=ids[:3], due_on="2001-01-01")
    for cid in ids[:3]:
        _review(r1, cid, "unconfirmed")
    _review(r2, ids[0], "disputed")  # a conflict; ids[1], ids[2] await approval
    whole = assignments.lead_queue(db.session, per_page=500)
    mine = assignments.reviewer_queue(db.session, r1, per_page=500)
    assert [c.id for c in whole["awaiting_approval"]] == ids[1:3]
    assert [c.id for c in whole["conflicts"]] == [ids[0]]
    assert [c.id for c in mine["assigned"]] == ids[3:]
    overdue = [(a.user_id, c.id) for a, c in whole["overdue"]]
    assert overdue == [(r1.id, c) for c in ids[3:]] + [(r2.id, c) for c in ids[1:3]]
    pages, seen_mine = [], []
    for page in range(1, 20):
        desk = assignments.lead_queue(db.session, page=page, per_page=2)
        q = assignments.reviewer_queue(db.session, r1, page=page, per_page=2)
        pages += [(a.user_id, c.id) for a, c in desk["overdue"]]
        seen_mine += [c.id for c in q["assigned"]]
        assert desk["totals"] == {"awaiting_approval": 2, "conflicts": 1, "returned": 0}
        assert q["totals"] == {"assigned": len(ids) - 3, "returned": 0}
        if not desk["more"]["overdue"] and not q["more"]["assigned"]:
            break
    assert pages == overdue and seen_mine == ids[3:]
    assert desk["overdue"] and not desk["more"]["overdue"]  # the last page says so

    api = api_as(lead)
    first = api.get("/queue?per_page=2").get_json()
    second = api.get("/queue?per_page=2&page=2").get_json()
    assert (first["page"], first["per_page"], second["page"]) == (1, 2, 2)
    assert [o["claim"]["id"] for o in first["overdue"] + second["overdue"]] == [
        c for _u, c in overdue[:4]
    ]
    assert first["more"]["overdue"] and first["totals"]["conflicts"] == 1
    assert api.get("/queue?per_page=501").status_code == 422
    login(lead)
    html = client.get("/queue?page=2").get_data(as_text=True)
    assert "Previous page" in html and "Page 2" in html
