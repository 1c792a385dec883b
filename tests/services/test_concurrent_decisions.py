"""Two people deciding on the same claim at once: exactly one wins, nothing is lost."""

from __future__ import annotations

import pytest
from dbtools import race
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.errors import Conflict
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, User
from factcheck.services import approvals, reviews

LINK = [{"url": "https://example.org/e", "title": "E", "stance": "supports"}]


@pytest.mark.parametrize("round_", range(5))
def test_two_leads_approve_the_same_version(app, make_article, make_user, round_):
    article = make_article()
    rev, lead1, lead2 = make_user("reviewer"), make_user("lead"), make_user("lead")
    cid = article.claims[0].id
    with transaction() as s:
        reviews.submit_review(s, actor=rev, claim_id=cid, verdict="confirmed", links=LINK)
    version = db.session.get(Claim, cid).version
    lead1_id, lead2_id = lead1.id, lead2.id
    db.session.rollback()

    def approve(lead_id, verdict, note):
        return lambda s: approvals.approve_claim(s, actor=s.get(User, lead_id), claim_id=cid, verdict=verdict,
                                                 note=note, version=version)  # fmt: skip

    results = race(
        app, [approve(lead1_id, "confirmed", ""), approve(lead2_id, "disputed", "I disagree")]
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    winner = 0 if results[0] == "ok" else 1
    db.session.rollback()
    claim = db.session.get(Claim, cid)
    assert claim.final_verdict == ("confirmed", "disputed")[winner]
    assert claim.approved_by_id == (lead1_id, lead2_id)[winner]
    approved_events = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claim.approved")
    )
    assert approved_events == 1
    loser = results[1 - winner]
    assert loser.extra["current_version"] == claim.version


def test_approve_races_a_new_review(app, make_article, make_user):
    article = make_article()
    r1, r2, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    cid = article.claims[0].id
    with transaction() as s:
        reviews.submit_review(s, actor=r1, claim_id=cid, verdict="confirmed", links=LINK)
    version = db.session.get(Claim, cid).version
    lead_id, r2_id = lead.id, r2.id  # read here: the threads must not touch this thread's session
    db.session.rollback()
    results = race(app, [
        lambda s: approvals.approve_claim(s, actor=s.get(User, lead_id), claim_id=cid, verdict="confirmed", note="", version=version),
        lambda s: reviews.submit_review(s, actor=s.get(User, r2_id), claim_id=cid, verdict="disputed", links=LINK),
    ])  # fmt: skip
    db.session.rollback()
    claim = db.session.get(Claim, cid)
    if results[0] == "ok":  # the approval won: the late review was refused (claim locked)
        assert claim.status == "approved" and len(claim.reviews) == 1
        assert not isinstance(results[1], str)
    else:  # the review won: the approval was based on a stale copy
        assert isinstance(results[0], Conflict) and results[1] == "ok"
        assert claim.status == "reviewed" and len(claim.reviews) == 2
