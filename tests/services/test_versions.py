"""Corrected versions: every version kept, claims re-anchored, verdicts carried, all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import Conflict, InvalidInput, InvalidTransition
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from factcheck.services import approvals, reviews, versions
from factcheck.services.sources import Source

TEXT = (
    "Council approves budget\n\n"
    "The council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said. "
    "It raises spending on roads by 12% compared with last year.\n\n"
    "Opponents said the plan ignores the city's parks. The vote was 7 to 2.\n"
)
LINK = [{"url": "https://example.org/v", "title": "V", "stance": "supports"}]


def _claim(article, fragment) -> Claim:
    return next(c for c in article.claims if fragment in c.text)


def _approve(cid, rev, lead):
    with transaction() as s:
        reviews.submit_review(s, actor=rev, claim_id=cid, verdict="confirmed", links=LINK)
    with transaction() as s:
        approvals.approve_claim(
            s,
            actor=lead,
            claim_id=cid,
            verdict="confirmed",
            note="",
            version=s.get(Claim, cid).version,
        )


def _new_version(actor, article_id, text):
    with transaction() as s:
        version = s.get(Article, article_id).version
        return versions.import_new_version(s, actor=actor, article_id=article_id, version=version,
                                           source=Source(text=text, raw=text, kind="text"))  # fmt: skip


def test_correction_reanchors_and_carries_verdicts(make_article, make_user):
    rev, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=TEXT)
    vote, roads, opp = (_claim(article, f).id for f in ("vote was", "roads", "Opponents"))
    _approve(vote, rev, lead)
    _approve(roads, rev, lead)
    with transaction() as s:
        reviews.submit_review(s, actor=rev, claim_id=opp, verdict="disputed")
    corrected = (TEXT.replace("Council approves budget\n\n", "Council approves budget\n\nCorrection: an earlier version misstated the share.\n\n")
                 .replace("12%", "15%").replace("Opponents said the plan ignores the city's parks. ", ""))  # fmt: skip
    # An approved claim is locked: the correction that edits "roads" waits for a reopen.
    with pytest.raises(InvalidTransition, match=f"approved claim\\(s\\) {roads}:"):
        _new_version(rev, article.id, corrected)
    with transaction() as s:
        approvals.reopen_claim(s, actor=lead, claim_id=roads, reason="the publisher corrected it",
                               version=s.get(Claim, roads).version)  # fmt: skip
    counts = _new_version(rev, article.id, corrected)
    assert (
        counts["moved"] >= 2
        and counts["edited"] == 1
        and counts["orphaned"] == 1
        and counts["new"] == 1
    )
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert article.current_version == 2 and [v.number for v in article.versions] == [1, 2]
    assert article.versions[0].body == TEXT and article.body == corrected
    for c in article.claims:
        assert article.body[c.start : c.end] == c.text
    vote_claim, roads_claim, opp_claim = (db.session.get(Claim, i) for i in (vote, roads, opp))
    assert (
        vote_claim.anchor == "moved"
        and vote_claim.status == "approved"
        and vote_claim.final_verdict == "confirmed"
    )
    assert roads_claim.anchor == "edited" and "15%" in roads_claim.text
    assert (
        roads_claim.status == "returned"
        and roads_claim.final_verdict is None
        and "12%" in roads_claim.return_comment
    )
    assert (
        opp_claim.anchor == "orphaned"
        and opp_claim.status == "excluded"
        and len(opp_claim.reviews) == 1
    )
    assert opp_claim not in article.claims and opp_claim in versions.orphans(db.session, article)
    assert (
        article.versions[0].body[opp_claim.start : opp_claim.end] == opp_claim.text
    )  # still true in its version
    actions = [
        e.action
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.article_id == article.id))
    ]
    assert actions.count("article.version_imported") == 1 and actions.count("claim.reanchored") >= 4
    assert "claim.added" in actions


def test_identical_version_and_stale_version_are_refused(make_article, make_user, snapshot):
    rev = make_user("reviewer")
    article = make_article(text=TEXT)
    before = snapshot()
    with pytest.raises(InvalidInput, match="identical"):
        _new_version(rev, article.id, TEXT.replace("\n", "\r\n"))  # same text, other line endings
    with pytest.raises(Conflict), transaction() as s:
        versions.import_new_version(s, actor=rev, article_id=article.id, version=article.version + 3,
                                    source=Source(text=TEXT + " More.", raw="x", kind="text"))  # fmt: skip
    assert snapshot() == before


def test_new_version_through_the_api_and_the_page(make_article, make_user, api_as, client, login):
    rev = make_user("reviewer")
    article = make_article(text=TEXT)
    api, first = api_as(rev), article.version
    resp = api.post(
        f"/articles/{article.id}/versions",
        json={"text": TEXT.replace("7 to 2", "8 to 1"), "version": first},
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["reanchored"]["edited"] == 1 and resp.get_json()["version"] == first + 1
    stale = api.post(f"/articles/{article.id}/versions", json={"text": TEXT, "version": first})
    assert stale.status_code == 409
    login(rev)
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "Version 2" in page and "1 edited" in page
