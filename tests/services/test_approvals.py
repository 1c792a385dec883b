"""A lead's decisions: four-eyes, notes, evidence, locking, return and reopen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim
from factcheck.services import approvals, articles, claims, reviews

LINK = {"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}


def review(actor, claim_id, verdict="confirmed", links=(LINK,)):
    with transaction() as s:
        reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict, links=list(links))


def fresh(claim_id) -> Claim:
    db.session.expire_all()
    return db.session.get(Claim, claim_id)


def approve(actor, claim_id, verdict="confirmed", note="", version=None):
    with transaction() as s:
        version = version if version is not None else s.get(Claim, claim_id).version
        return approvals.approve_claim(
            s, actor=actor, claim_id=claim_id, verdict=verdict, note=note, version=version
        ).id


@pytest.fixture
def desk(make_article, make_user):
    return make_article(), make_user("reviewer"), make_user("reviewer"), make_user("lead")


def test_approve_sets_final_verdict_and_audits(desk):
    article, r1, r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid)
    review(r2, cid)
    approve(lead, cid, note="Both agree")
    claim = fresh(cid)
    assert claim.status == "approved" and claim.final_verdict == "confirmed"
    assert claim.approved_by_id == lead.id and claim.approved_at is not None
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.approved")).one()
    assert ev.before["status"] == "reviewed" and ev.after["status"] == "approved"
    assert ev.after["final_verdict"] == "confirmed" and ev.actor_id == lead.id


def test_reviewer_cannot_approve(desk, snapshot):
    article, r1, r2, _lead = desk
    cid = article.claims[0].id
    review(r1, cid)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        approve(r2, cid)
    assert snapshot() == before


def test_four_eyes(desk, snapshot):
    article, _r1, _r2, lead = desk
    cid = article.claims[0].id
    review(lead, cid)
    before = snapshot()
    with pytest.raises(InvalidTransition, match="four-eyes"):
        approve(lead, cid)
    assert snapshot() == before


def test_note_required_on_disagreement_or_override(desk, snapshot):
    article, r1, r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid, "confirmed")
    review(r2, cid, "disputed")
    before = snapshot()
    with pytest.raises(InvalidInput, match="disagree"):
        approve(lead, cid, "confirmed")
    assert snapshot() == before
    cid2 = article.claims[1].id
    review(r1, cid2, "confirmed")
    with pytest.raises(InvalidInput, match="differs"):
        approve(lead, cid2, "unconfirmed")
    approve(lead, cid2, "unconfirmed", note="Source retracted")
    assert fresh(cid2).final_verdict == "unconfirmed"


def test_confirmed_needs_evidence(desk):
    article, r1, _r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid, "confirmed", links=())
    with pytest.raises(InvalidInput, match="evidence"):
        approve(lead, cid, "confirmed")
    review_version = fresh(cid)  # unconfirmed needs no link
    assert review_version.status == "reviewed"


def test_stale_version_is_a_conflict(desk, snapshot):
    article, r1, _r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid)
    stale = fresh(cid).version
    approve(lead, cid, version=stale)
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        approve(lead, cid, "disputed", note="again", version=stale)
    assert exc.value.extra["current_version"] == fresh(cid).version
    assert snapshot() == before


def test_a_new_review_makes_the_leads_copy_stale(desk):
    article, r1, r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid)
    seen = fresh(cid).version
    review(r2, cid, "disputed")
    with pytest.raises(Conflict):
        approve(lead, cid, note="ok", version=seen)


def test_approved_claim_is_locked_until_reopened(desk):
    article, r1, r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid)
    approve(lead, cid)
    with pytest.raises(InvalidTransition, match="reopen"):
        review(r2, cid)
    with pytest.raises(InvalidTransition), transaction() as s:
        claims.exclude_claim(s, actor=r1, claim_id=cid, reason="x", version=fresh(cid).version)
    with pytest.raises(InvalidInput), transaction() as s:
        approvals.reopen_claim(s, actor=lead, claim_id=cid, reason="  ", version=fresh(cid).version)
    with transaction() as s:
        approvals.reopen_claim(
            s, actor=lead, claim_id=cid, reason="new facts", version=fresh(cid).version
        )
    claim = fresh(cid)
    assert claim.status == "reviewed" and claim.final_verdict is None
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.reopened")).one()
    assert ev.after["reopen_reason"] == "new facts"
    review(r2, cid, "disputed")


def test_return_with_comment(desk):
    article, r1, _r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid)
    with pytest.raises(InvalidInput), transaction() as s:
        approvals.return_claim(s, actor=lead, claim_id=cid, comment="", version=fresh(cid).version)
    with transaction() as s:
        approvals.return_claim(
            s, actor=lead, claim_id=cid, comment="Find a primary source", version=fresh(cid).version
        )
    claim = fresh(cid)
    assert claim.status == "returned" and claim.return_comment == "Find a primary source"
    with transaction() as s:
        reviews.submit_review(s, actor=r1, claim_id=cid, verdict="confirmed", links=[LINK, dict(LINK, url="https://example.org/2")],
                              version=claim.reviews[0].version)  # fmt: skip
    assert fresh(cid).status == "reviewed"


def test_return_of_approved_claim_is_refused(desk):
    article, r1, _r2, lead = desk
    cid = article.claims[0].id
    review(r1, cid)
    approve(lead, cid)
    with pytest.raises(InvalidTransition), transaction() as s:
        approvals.return_claim(
            s, actor=lead, claim_id=cid, comment="no", version=fresh(cid).version
        )


def test_article_approval_needs_every_claim(desk):
    article, r1, _r2, lead = desk
    with pytest.raises(InvalidTransition, match="not yet approved"), transaction() as s:
        articles.approve_article(s, actor=lead, article_id=article.id, version=article.version)
    for claim in article.claims:
        if claim.id == article.claims[0].id:
            review(r1, claim.id)
            approve(lead, claim.id)
        else:
            with transaction() as s:
                claims.exclude_claim(
                    s,
                    actor=r1,
                    claim_id=claim.id,
                    reason="not check-worthy",
                    version=fresh(claim.id).version,
                )
    db.session.expire_all()
    version = db.session.get(type(article), article.id).version
    with pytest.raises(PermissionDenied), transaction() as s:
        articles.approve_article(s, actor=r1, article_id=article.id, version=version)
    with transaction() as s:
        articles.approve_article(s, actor=lead, article_id=article.id, version=version)
    db.session.expire_all()
    assert db.session.get(type(article), article.id).status == "approved"
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "article.approved")
    ).one()
