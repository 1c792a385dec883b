"""Undo of the last split / merge / exclude / add: found in the trail, reversed, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import Conflict, InvalidTransition, NotFound
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent
from factcheck.services import claims, reviews, undo

LINK = {"url": "https://example.org/s", "title": "S", "stance": "supports"}


def _spans(article_id):
    db.session.expire_all()
    article = db.session.get(Article, article_id)
    for c in article.claims:
        assert article.body[c.start : c.end] == c.text
    return [(c.start, c.end, c.status) for c in article.claims]


def _undo(actor, article):
    edit = undo.last_undoable_edit(db.session, actor=actor, article_id=article.id)
    assert edit is not None and edit.blocked is None, edit
    with transaction() as s:
        undo.undo_last_edit(s, actor=actor, article_id=article.id, event_id=edit.event_id)
    ev = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert ev.action == "claim.edit_undone" and ev.after["undoes"] == edit.event_id
    return ev


def _free_span(article):
    last = article.claims[-1]
    if last.end < len(article.body.rstrip()):
        return last.end, len(article.body)
    start, end, _kind = article.boilerplate[0]
    return start, end


@pytest.mark.parametrize("edit", ["split", "merge", "exclude", "add"])
def test_undo_restores_the_split_exactly(edit, make_user, make_article):
    r = make_user("reviewer")
    article = make_article(actor=r)
    before = _spans(article.id)
    c, n = article.claims[2], article.claims[3]
    with transaction() as s:
        if edit == "split":
            claims.split_claim(
                s, actor=r, claim_id=c.id, at=c.start + c.text.index(" "), version=c.version
            )
        elif edit == "merge":
            claims.merge_claims(s, actor=r, claim_id=c.id, with_id=n.id, version=c.version)
        elif edit == "exclude":
            claims.exclude_claim(s, actor=r, claim_id=c.id, reason="opinion", version=c.version)
        else:
            claims.add_claim(s, actor=r, article_id=article.id, start=_free_span(article)[0],
                             end=_free_span(article)[1])  # fmt: skip
    assert _spans(article.id) != before
    _undo(r, article)
    assert _spans(article.id) == before
    assert undo.last_undoable_edit(db.session, actor=r, article_id=article.id) is None


def test_a_lead_undo_refuses_when_the_claim_got_a_review(make_user, make_article):
    lead, other = make_user("lead"), make_user("reviewer")
    article = make_article(actor=lead)
    c = article.claims[2]
    with transaction() as s:
        first, _second = claims.split_claim(s, actor=lead, claim_id=c.id, at=c.start + c.text.index(" "),
                                            version=c.version)  # fmt: skip
        first_id = first.id
    with transaction() as s:
        reviews.submit_review(s, actor=other, claim_id=first_id, verdict="confirmed", links=[LINK])
    edit = undo.last_undoable_edit(db.session, actor=lead, article_id=article.id)
    assert edit.action == "claim.split" and "reviews" in edit.blocked
    spans = _spans(article.id)
    with pytest.raises(InvalidTransition), transaction() as s:
        undo.undo_last_edit(s, actor=lead, article_id=article.id, event_id=edit.event_id)
    assert _spans(article.id) == spans


def _start_review(make_user, article) -> None:
    """Another reviewer reviews the article's first claim: its review has begun."""
    starter = make_user("reviewer")
    with transaction() as s:
        reviews.submit_review(s, actor=starter, claim_id=article.claims[0].id,
                              verdict="confirmed", links=[LINK])  # fmt: skip


def _add_in_review(make_user, make_article):
    """A reviewer adds a claim to an article whose review has begun (on another claim)."""
    r = make_user("reviewer")
    article = make_article(actor=r)
    _start_review(make_user, article)
    start, end = _free_span(article)
    with transaction() as s:
        added_id = claims.add_claim(s, actor=r, article_id=article.id, start=start, end=end).id
    return r, article, added_id


@pytest.mark.parametrize("reviewed", [False, True], ids=["nobody-reviewed", "another-reviewed"])
def test_a_reviewer_undo_in_review_tells_nothing_of_hidden_reviews(
    reviewed, make_user, make_article
):
    """Blind review: once review has begun a reviewer's undo of a span edit is refused for
    the article's (visible) status, the same whether or not someone reviewed the claim."""
    r, article, added_id = _add_in_review(make_user, make_article)
    if reviewed:
        other = make_user("reviewer")
        with transaction() as s:
            reviews.submit_review(s, actor=other, claim_id=added_id,
                                  verdict="disputed", links=[LINK])  # fmt: skip
    edit = undo.last_undoable_edit(db.session, actor=r, article_id=article.id)
    assert edit.action == "claim.added"
    assert edit.blocked == (f"article {article.id} is in_review: review of this article has "
                            "begun: only a lead can still undo a split, merge or added claim")  # fmt: skip
    spans = _spans(article.id)
    with pytest.raises(InvalidTransition) as exc, transaction() as s:
        undo.undo_last_edit(s, actor=r, article_id=article.id, event_id=edit.event_id)
    assert exc.value.detail == edit.blocked
    assert _spans(article.id) == spans


def test_a_reviewer_still_undoes_an_exclusion_in_review(make_user, make_article):
    r, article, _added = _add_in_review(make_user, make_article)
    c = db.session.get(Article, article.id).claims[3]
    with transaction() as s:
        claims.exclude_claim(s, actor=r, claim_id=c.id, reason="opinion", version=c.version)
    _undo(r, article)


def test_a_lead_undoes_a_span_edit_in_review(make_user, make_article):
    lead = make_user("lead")
    article = make_article(actor=lead)
    _start_review(make_user, article)
    before = _spans(article.id)
    c = db.session.get(Article, article.id).claims[2]
    with transaction() as s:
        claims.split_claim(s, actor=lead, claim_id=c.id, at=c.start + c.text.index(" "),
                           version=c.version)  # fmt: skip
    _undo(lead, article)
    assert _spans(article.id) == before


def test_undo_is_per_actor_and_checks_the_event(make_user, make_article):
    r, other = make_user("reviewer"), make_user("reviewer")
    article = make_article(actor=r)
    c = article.claims[1]
    with transaction() as s:
        claims.exclude_claim(s, actor=r, claim_id=c.id, reason="boilerplate", version=c.version)
    assert undo.last_undoable_edit(db.session, actor=other, article_id=article.id) is None
    with pytest.raises(NotFound), transaction() as s:
        undo.undo_last_edit(s, actor=other, article_id=article.id, event_id=1)
    edit = undo.last_undoable_edit(db.session, actor=r, article_id=article.id)
    with pytest.raises(Conflict), transaction() as s:
        undo.undo_last_edit(s, actor=r, article_id=article.id, event_id=edit.event_id + 1000)
    _undo(r, article)
    with pytest.raises(NotFound), transaction() as s:  # one level: the undo is not undone
        undo.undo_last_edit(s, actor=r, article_id=article.id, event_id=edit.event_id)
