"""A claim's discussion: each change is audited in its own transaction, blind review hides
the others' comments until one's own review, mentions tell people, bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from factcheck.extensions import db
from factcheck.models import AuditEvent, ClaimComment, Notification, User
from factcheck.services import discussion, reviews
from factcheck.services.common import get_claim

LINK = [{"url": "https://example.org/a", "title": "A", "stance": "supports"}]


@pytest.fixture
def desk(make_user, make_article):
    lead = make_user("lead", email="lena@desk.org")
    r1 = make_user("reviewer", email="ana@desk.org", name="Ana")
    r2 = make_user("reviewer", email="bo@desk.org", name="Bo")
    article = make_article(actor=r1)
    return {"lead": lead, "r1": r1, "r2": r2, "claim": article.claims[0].id}


def _add(user, claim_id, body):
    with transaction() as s:
        return discussion.add_comment(s, actor=user, claim_id=claim_id, body=body).id


def _thread(user, claim_id):
    db.session.expire_all()
    return discussion.thread(db.session, user, get_claim(db.session, claim_id))


def _events(action):
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _notices(user):
    db.session.rollback()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_adding_a_comment_writes_it_and_its_audit_event(desk):
    cid = _add(desk["r1"], desk["claim"], "  The **minutes** say 5%.  ")
    comment = db.session.get(ClaimComment, cid)
    assert (comment.body, comment.author_id, comment.claim_id) == (
        "The **minutes** say 5%.",
        desk["r1"].id,
        desk["claim"],
    )
    [ev] = _events("comment.added")
    assert (ev.actor_id, ev.target_type, ev.target_id) == (desk["r1"].id, "comment", cid)
    assert ev.after["body"] == "The **minutes** say 5%." and ev.after["claim_id"] == desk["claim"]


def test_editing_is_the_authors_and_audited_with_before_and_after(desk):
    cid = _add(desk["r1"], desk["claim"], "First words")
    for other in (desk["r2"], desk["lead"]):
        with pytest.raises(PermissionDenied), transaction() as s:
            discussion.edit_comment(s, actor=other, comment_id=cid, body="Not mine")
    with transaction() as s:
        discussion.edit_comment(s, actor=desk["r1"], comment_id=cid, body="Second words")
    comment = db.session.get(ClaimComment, cid)
    assert comment.body == "Second words" and comment.edited_at is not None
    [ev] = _events("comment.edited")
    assert ev.before["body"] == "First words" and ev.after["body"] == "Second words"


def test_deleting_is_the_authors_or_a_leads_and_keeps_the_place(desk):
    mine, theirs = _add(desk["r1"], desk["claim"], "Mine"), _add(desk["r2"], desk["claim"], "Bo's")
    with pytest.raises(PermissionDenied), transaction() as s:
        discussion.delete_comment(s, actor=desk["r1"], comment_id=theirs)
    with transaction() as s:
        discussion.delete_comment(s, actor=desk["r1"], comment_id=mine)
    with transaction() as s:
        discussion.delete_comment(s, actor=desk["lead"], comment_id=theirs)
    gone = [db.session.get(ClaimComment, i) for i in (mine, theirs)]
    assert all(c.deleted_at is not None and c.body == "" for c in gone)
    events = _events("comment.deleted")
    assert [(e.actor_id, e.before["body"]) for e in events] == [
        (desk["r1"].id, "Mine"),
        (desk["lead"].id, "Bo's"),
    ]
    assert [c.id for c in _thread(desk["lead"], desk["claim"]).comments] == [mine, theirs]
    with (
        pytest.raises(InvalidTransition),
        transaction() as s,
    ):  # deleted: neither edited nor deleted again
        discussion.edit_comment(s, actor=desk["r1"], comment_id=mine, body="Back")
    with pytest.raises(InvalidTransition), transaction() as s:
        discussion.delete_comment(s, actor=desk["lead"], comment_id=mine)


def test_blind_review_hides_the_others_comments_until_ones_own_review(desk):
    c1 = _add(desk["r1"], desk["claim"], "Ana thinks it is wrong")
    c2 = _add(desk["r2"], desk["claim"], "Bo's own note")
    mine = _thread(desk["r2"], desk["claim"])
    assert [c.id for c in mine.comments] == [c2] and mine.hidden == 1
    assert [c.id for c in _thread(desk["lead"], desk["claim"]).comments] == [c1, c2]
    with transaction() as s:
        reviews.submit_review(
            s, actor=desk["r2"], claim_id=desk["claim"], verdict="confirmed", links=LINK
        )
    after = _thread(desk["r2"], desk["claim"])
    assert [c.id for c in after.comments] == [c1, c2] and after.hidden == 0


def test_a_mention_tells_the_active_member_once(desk, make_user):
    cid = _add(desk["r1"], desk["claim"], "@bo and @lena@desk.org, see this; @nobody, @ana (me).")
    [n] = _notices(desk["r2"])
    assert (n.kind, n.actor_id, n.claim_id) == ("mentioned", desk["r1"].id, desk["claim"])
    assert n.text is None  # blind review: Bo has not reviewed, so the words wait
    [n] = _notices(desk["lead"])
    assert n.text.startswith("@bo and")  # a lead may read everything
    assert _notices(desk["r1"]) == []  # never oneself
    with transaction() as s:  # an edit tells nobody twice, and tells a newly mentioned person
        discussion.edit_comment(s, actor=desk["r1"], comment_id=cid, body="@bo @lena again")
    assert len(_notices(desk["r2"])) == 1 and len(_notices(desk["lead"])) == 1


def test_a_shared_local_part_or_an_inactive_account_is_not_mentioned(desk, make_user):
    make_user("reviewer", email="bo@elsewhere.org")
    _add(desk["r1"], desk["claim"], "@bo?")
    assert _notices(desk["r2"]) == []
    _add(desk["r1"], desk["claim"], "@bo@desk.org then")
    assert len(_notices(desk["r2"])) == 1


def test_comments_on_an_approved_claim_are_allowed(desk, make_user, review_all):
    claim = get_claim(db.session, desk["claim"])
    review_all(claim.article_id, desk["r2"], desk["lead"], approve_article=False)
    assert get_claim(db.session, desk["claim"]).status == "approved"
    cid = _add(desk["r1"], desk["claim"], "A reader wrote in about this one.")
    assert db.session.get(ClaimComment, cid) is not None


@pytest.mark.parametrize("body, field_error", [
    ("", "required"), ("   \n\t ", "required"), (None, "required"), ("x" * 10_001, "at most 10000 characters"),
    ("nul\x00here", "contains NUL"), (42, "must be text"),
])  # fmt: skip
def test_bad_input_is_refused_clearly_and_changes_nothing(desk, snapshot, body, field_error):
    cid = _add(desk["r1"], desk["claim"], "Kept")
    before = snapshot()
    with pytest.raises(InvalidInput) as exc, transaction() as s:
        discussion.add_comment(s, actor=desk["r1"], claim_id=desk["claim"], body=body)
    assert exc.value.errors == {"body": field_error}
    with pytest.raises(InvalidInput), transaction() as s:
        discussion.edit_comment(s, actor=desk["r1"], comment_id=cid, body=body)
    assert snapshot() == before and db.session.get(ClaimComment, cid).body == "Kept"


def test_a_missing_claim_or_comment_is_not_found(desk):
    with pytest.raises(NotFound), transaction() as s:
        discussion.add_comment(s, actor=desk["r1"], claim_id=999_999, body="Hello")
    with pytest.raises(NotFound), transaction() as s:
        discussion.edit_comment(s, actor=desk["r1"], comment_id=999_999, body="Hello")


def test_a_merge_keeps_the_merged_claims_discussion(desk, make_article):
    from factcheck.services import claims

    article = get_claim(db.session, desk["claim"]).article
    first, second = article.claims[2].id, article.claims[3].id
    cid = _add(desk["r1"], second, "Is this one sentence or two?")
    with transaction() as s:
        claims.merge_claims(s, actor=desk["r1"], claim_id=first, with_id=second,
                            version=get_claim(s, first).version)  # fmt: skip
    db.session.rollback()
    assert db.session.get(ClaimComment, cid).claim_id == first
    assert [c.id for c in _thread(desk["r1"], first).comments] == [cid]


def test_the_article_history_keeps_the_others_comments_blind(desk):
    from factcheck.services import history

    _add(desk["r1"], desk["claim"], "ANA-WORDS-7f3c")
    _add(desk["r2"], desk["claim"], "BO-WORDS-91ab")
    article = get_claim(db.session, desk["claim"]).article

    def seen(user):
        return str(history.article_history(db.session, article, user))

    assert "ANA-WORDS-7f3c" not in seen(desk["r2"]) and "BO-WORDS-91ab" in seen(desk["r2"])
    assert "ANA-WORDS-7f3c" in seen(desk["lead"])
    with transaction() as s:
        reviews.submit_review(
            s, actor=desk["r2"], claim_id=desk["claim"], verdict="confirmed", links=LINK
        )
    assert "ANA-WORDS-7f3c" in seen(desk["r2"])


def test_mentions_are_looked_up_by_handle_not_by_reading_every_account(desk, make_user):
    """A handle's ``_`` and ``%`` are letters, not LIKE wildcards; the lookup is one query
    whatever the desk's size (it used to load every active account for each comment)."""
    from sqlalchemy import event as sa_event

    from tests.dbtools import count_queries

    make_user("reviewer", email="aXb@desk.org")
    make_user("reviewer", email="c100@desk.org")
    under = make_user("reviewer", email="a_b@desk.org").id
    db.session.rollback()
    db.session.expunge_all()
    loaded: list[str] = []
    on_load = lambda user, _context: loaded.append(user.email)  # noqa: E731
    sa_event.listen(User, "load", on_load)
    try:
        with count_queries() as queries:
            found = discussion.mentioned_users(db.session, "@a_b, @c% and @C100 — ping")
    finally:
        sa_event.remove(User, "load", on_load)
    assert sorted(loaded) == ["a_b@desk.org", "c100@desk.org"]  # not the other four accounts
    assert sorted(u.email for u in found) == ["a_b@desk.org", "c100@desk.org"]
    assert len([q for q in queries if q.lstrip().upper().startswith("SELECT")]) == 1
    assert discussion.mentioned_users(db.session, "@%") == []
    assert [u.id for u in discussion.mentioned_users(db.session, "@A_B@DESK.ORG")] == [under]
