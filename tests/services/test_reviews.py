"""Reviews: create, revise, blind review, versions, refusals; every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import Conflict, InvalidInput, InvalidTransition, NotFound, VersionRequired
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, Review
from factcheck.services import reviews

LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


def _submit(actor, claim_id, verdict="confirmed", note="", links=None, version=None):
    with transaction() as s:
        review, created = reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict,
                                                note=note, links=links or [], version=version)  # fmt: skip
        return review.id, review.version, created


def test_first_review_creates_and_moves_claim_to_reviewed(make_article, make_user):
    article = make_article()
    claim = article.claims[0]
    rev = make_user("reviewer")
    review_id, version, created = _submit(rev, claim.id, note="Checked **twice**", links=[LINK])
    assert created and version == 1
    db.session.expire_all()
    claim = db.session.get(Claim, claim.id)
    assert claim.status == "reviewed" and claim.article.status == "in_review"
    review = db.session.get(Review, review_id)
    assert review.verdict == "confirmed" and review.links[0].url == LINK["url"]
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.created")).one()
    assert ev.actor_id == rev.id and ev.target_id == review_id and ev.article_id == article.id
    assert (
        ev.before is None
        and ev.after["verdict"] == "confirmed"
        and ev.after["claim_id"] == claim.id
    )


def test_revision_needs_the_current_version(make_article, make_user, snapshot):
    claim = make_article().claims[1]
    rev = make_user("reviewer")
    _id, version, _ = _submit(rev, claim.id, verdict="unconfirmed")
    before = snapshot()
    with pytest.raises(VersionRequired):
        _submit(rev, claim.id, verdict="disputed")
    with pytest.raises(Conflict) as exc:
        _submit(rev, claim.id, verdict="disputed", version=version + 5)
    assert exc.value.extra["current_version"] == version
    assert snapshot() == before
    _id, new_version, created = _submit(rev, claim.id, verdict="disputed", version=version)
    assert not created and new_version == version + 1
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.revised")).one()
    assert ev.before == {"verdict": "unconfirmed"} and ev.after["verdict"] == "disputed"


def test_unchanged_revision_writes_nothing(make_article, make_user, snapshot):
    claim = make_article().claims[1]
    rev = make_user("reviewer")
    _id, version, _ = _submit(rev, claim.id, note="same", links=[LINK])
    before = snapshot()
    _submit(rev, claim.id, note="same", links=[LINK], version=version)
    assert snapshot() == before


@pytest.mark.parametrize(
    "verdict", ["true", "Confirmed", "confirmed ", "", None, 3, ["confirmed"], "c\u043enfirmed"]
)
def test_unknown_verdicts_are_refused(make_article, make_user, snapshot, verdict):
    claim = make_article().claims[0]
    rev = make_user("reviewer")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        _submit(rev, claim.id, verdict=verdict)
    assert "verdict" in exc.value.errors
    assert snapshot() == before


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjavascript:x",
     "java\nscript:x", "vbscript:x", "data:text/html,<script>x</script>", "file:///etc/passwd",
     "//evil.example/x", "/relative", "ftp://example.org/x", "https://", "http://exa mple.org"],
)  # fmt: skip
def test_evidence_links_must_be_http(make_article, make_user, snapshot, url):
    claim = make_article().claims[0]
    rev = make_user("reviewer")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc:
        _submit(rev, claim.id, links=[{"url": url, "title": "x", "stance": "supports"}])
    assert "links[0].url" in exc.value.errors
    assert snapshot() == before


def test_link_and_note_limits(make_article, make_user, snapshot):
    claim = make_article().claims[0]
    rev = make_user("reviewer")
    before = snapshot()
    with pytest.raises(InvalidInput, match="at most 50"):
        _submit(rev, claim.id, links=[LINK] * 51)
    with pytest.raises(InvalidInput):
        _submit(rev, claim.id, note="x" * 20_001)
    with pytest.raises(InvalidInput):
        _submit(rev, claim.id, links=[dict(LINK, excerpt="x" * 2001)])
    with pytest.raises(InvalidInput):
        _submit(rev, claim.id, links=[dict(LINK, stance="maybe")])
    assert snapshot() == before


def test_missing_claim_is_not_found(make_user):
    with pytest.raises(NotFound):
        _submit(make_user("reviewer"), 999_999)


def test_blind_review(make_article, make_user):
    claim = make_article().claims[0]
    a, b, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    _submit(a, claim.id, note="A's secret note")
    claim = db.session.get(Claim, claim.id)
    assert reviews.visible_reviews(db.session, b, claim) == []
    assert len(reviews.visible_reviews(db.session, lead, claim)) == 1
    _submit(b, claim.id, verdict="disputed")
    db.session.expire_all()
    claim = db.session.get(Claim, claim.id)
    assert len(reviews.visible_reviews(db.session, b, claim)) == 2


def test_no_review_of_excluded_claim(make_article, make_user, snapshot):
    from factcheck.services import claims

    claim = make_article().claims[0]
    rev = make_user("reviewer")
    with transaction() as s:
        claims.exclude_claim(
            s, actor=rev, claim_id=claim.id, reason="headline", version=claim.version
        )
    before = snapshot()
    with pytest.raises(InvalidTransition):
        _submit(rev, claim.id)
    assert snapshot() == before
