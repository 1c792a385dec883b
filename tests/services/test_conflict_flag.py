"""claims.verdicts_disagree (migration 0029) is the grouping's truth after every path.

The badge, the lead desk and the "conflicts" filter read a conflict off the claim's flag,
not by grouping every review (issue #21 item 5). These tests hold the flag to the
definition (``assignments.disagreeing_by_reviews``: more than one distinct verdict among
the claim's reviews) after each path that writes reviews or claims that have them: a
first review, a second that agrees or not, a revision either way, an unchanged save,
split, merge and their undo, a corrected version (unchanged, edited and orphaned claims),
return and approval. (A change of language re-makes the claims only before any work on
them: it never meets a review.)
"""

from __future__ import annotations

from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, Claim, Review
from factcheck.services import approvals, assignments, claims, reviews, undo, versions
from factcheck.services.sources import Source

TEXT = (
    "Council approves budget\n\n"
    "The council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said. "
    "It raises spending on roads by 12% compared with last year.\n\n"
    "Opponents said the plan ignores the city's parks. The vote was 7 to 2.\n"
)


def _flagged() -> set[int]:
    with db.engine.connect() as conn:
        return set(conn.scalars(select(Claim.id).where(Claim.verdicts_disagree)))


def _truth() -> set[int]:
    with db.engine.connect() as conn:
        return set(conn.scalars(assignments.disagreeing_by_reviews()))


def _holds(*viewers) -> set[int]:
    """The flag equals the grouping, and the services read it as before for each viewer (a
    lead: every conflict; a reviewer, blind: those among the claims they reviewed); returns
    the conflicting claims."""
    flagged, truth = _flagged(), _truth()
    assert flagged == truth
    with db.engine.connect() as conn:
        for viewer in viewers:
            seen = set(conn.scalars(assignments.conflicting_claims(viewer=viewer)))
            mine = set(conn.scalars(select(Review.claim_id).where(Review.reviewer_id == viewer.id)))
            assert seen == (truth if viewer.role != "reviewer" else truth & mine)
            active = conn.execute(
                select(Claim.id, Claim.article_id).where(Claim.status.in_(assignments.ACTIVE))
            ).all()
            articles = set(conn.scalars(assignments.articles_with_conflicts(viewer=viewer)))
            assert articles == {a for c, a in active if c in seen}
    return truth


LINK = [{"url": "https://example.org/v", "title": "V", "stance": "supports"}]


def _review(actor, claim_id, verdict, version=None):
    with transaction() as s:
        return reviews.submit_review(s, actor=actor, claim_id=claim_id, verdict=verdict,
                                     note="n", links=LINK, version=version)[0]  # fmt: skip


def _claim(article_id, fragment) -> Claim:
    db.session.expire_all()
    return next(c for c in db.session.get(Article, article_id).claims if fragment in c.text)


def test_saves_and_revisions_keep_the_flag(make_user, make_article):
    a, b, c, lead = (*(make_user("reviewer") for _ in range(3)), make_user("lead"))
    V = (a, b, c, lead)
    article = make_article(text=TEXT)
    cid = _claim(article.id, "roads").id
    _review(a, cid, "confirmed")
    assert _holds(*V) == set()  # one review: nothing to disagree with
    rb = _review(b, cid, "confirmed")
    assert _holds(*V) == set()
    rb = _review(b, cid, "disputed", version=rb.version)  # revised: now they disagree
    assert _holds(*V) == {cid}
    rb = _review(b, cid, "disputed", version=rb.version)  # unchanged: no write, still split
    assert _holds(*V) == {cid}
    rc = _review(c, cid, "disputed")  # a third review: still split (a says confirmed)
    assert _holds(*V) == {cid}
    rb = _review(b, cid, "confirmed", version=rb.version)
    rc = _review(c, cid, "confirmed", version=rc.version)  # all agree again
    assert _holds(*V) == set()
    assert db.session.get(Claim, cid).verdicts_disagree is False


def test_split_merge_undo_and_decisions_keep_the_flag(make_user, make_article):
    r1, r2, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    V = (r1, r2, lead)
    article = make_article(text=TEXT, actor=r1)
    c = _claim(article.id, "roads")
    with transaction() as s:
        first, second = claims.split_claim(
            s, actor=r1, claim_id=c.id, at=c.start + c.text.index(" by "), version=c.version
        )
        first_id, second_id = first.id, second.id
    edit = undo.last_undoable_edit(db.session, actor=r1, article_id=article.id)
    with transaction() as s:
        undo.undo_last_edit(s, actor=r1, article_id=article.id, event_id=edit.event_id)
    assert db.session.get(Claim, second_id) is None
    o, v = _claim(article.id, "Opponents"), _claim(article.id, "vote was")
    with transaction() as s:
        merged_id = claims.merge_claims(
            s, actor=r1, claim_id=o.id, with_id=v.id, version=o.version
        ).id
    assert _holds(*V) == set()
    _review(r1, first_id, "confirmed")
    _review(r2, first_id, "disputed")
    _review(r1, merged_id, "confirmed")
    _review(r2, merged_id, "confirmed")
    assert _holds(*V) == {first_id}
    with transaction() as s:  # the lead sends the split claim back; its reviews stay split
        approvals.return_claim(s, actor=lead, claim_id=first_id, comment="source?",
                               version=s.get(Claim, first_id).version)  # fmt: skip
    assert _holds(*V) == {first_id}
    with transaction() as s:
        approvals.approve_claim(s, actor=lead, claim_id=merged_id, verdict="confirmed", note="",
                                version=s.get(Claim, merged_id).version)  # fmt: skip
    assert _holds(*V) == {first_id}


def _new_version(actor, article_id, text):
    with transaction() as s:
        version = s.get(Article, article_id).version
        return versions.import_new_version(s, actor=actor, article_id=article_id, version=version,
                                           source=Source(text=text, raw=text, kind="text"))  # fmt: skip


def test_a_corrected_version_keeps_the_flag(make_user, make_article):
    r1, r2, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    V = (r1, r2, lead, make_user("reviewer"))
    article = make_article(text=TEXT)
    split = [_claim(article.id, f).id for f in ("roads", "Opponents", "vote was")]
    for cid in split:
        _review(r1, cid, "confirmed")
        _review(r2, cid, "disputed")
    agreed = _claim(article.id, "council approved").id
    _review(r1, agreed, "confirmed")
    _review(r2, agreed, "confirmed")
    assert _holds(*V) == set(split)
    corrected = TEXT.replace("12%", "15%").replace(
        "Opponents said the plan ignores the city's parks. ", ""
    )
    _new_version(lead, article.id, corrected)  # roads edited, Opponents orphaned, vote unchanged
    db.session.expire_all()
    assert _holds(*V) == set(split)  # their reviews are kept, and so is what they say
    roads = db.session.get(Claim, split[0])
    _review(
        r2,
        roads.id,
        "confirmed",
        version=reviews.get_own_review(db.session, roads.id, r2.id).version,
    )
    assert _holds(*V) == set(split[1:])
