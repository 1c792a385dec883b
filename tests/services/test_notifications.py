"""Notices: each change that tells someone writes the notice in its own transaction, never
for the actor, never revealing a verdict; the due-tomorrow job is idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, NotFound
from factcheck.extensions import db
from factcheck.jobs import worker
from factcheck.models import AuditEvent, Claim, Job, Notification, utcnow
from factcheck.services import approvals, assignments, notifications, reviews, versions
from factcheck.services.sources import from_text

LINK = [{"url": "https://example.org/a", "title": "A", "stance": "supports"}]


def _notices(user=None, kind=None) -> list[Notification]:
    db.session.rollback()  # a new read: see what the worker committed meanwhile
    stmt = select(Notification).order_by(Notification.id)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


@pytest.fixture
def desk(make_user, make_article):
    lead, r1, r2 = make_user("lead"), make_user("reviewer"), make_user("reviewer")
    article = make_article(actor=r1)
    return {"lead": lead, "r1": r1, "r2": r2, "article": article,
            "claims": [c.id for c in article.claims]}  # fmt: skip


def _assign(d, user, claim_ids=None, due_on=None):
    with transaction() as s:
        assignments.assign(s, actor=d["lead"], user_id=user.id, article_id=d["article"].id,
                           claim_ids=claim_ids, due_on=due_on)  # fmt: skip


def _review(user, claim_id, verdict="confirmed", version=None):
    with transaction() as s:
        saved, _ = reviews.submit_review(s, actor=user, claim_id=claim_id, verdict=verdict,
                                         links=LINK, version=version)  # fmt: skip
    return saved


def test_an_assignment_tells_the_reviewer_once_and_is_audited_beside_it(desk):
    _assign(desk, desk["r2"], claim_ids=desk["claims"][:3])
    [n] = _notices(desk["r2"])
    assert (n.kind, n.actor_id, n.article_id, n.claim_id) == (
        "assigned",
        desk["lead"].id,
        desk["article"].id,
        desk["claims"][0],
    )
    assert not _notices(desk["lead"])  # never the actor
    assert (
        db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1))
        == "assignment.created"
    )


def test_a_failed_change_leaves_no_notice(desk):
    with pytest.raises(RuntimeError), transaction() as s:
        assignments.assign(
            s, actor=desk["lead"], user_id=desk["r2"].id, article_id=desk["article"].id
        )
        raise RuntimeError("fault after the change")
    assert not _notices()


def test_assigning_yourself_tells_nobody(desk):
    with transaction() as s:
        assignments.assign(
            s, actor=desk["lead"], user_id=desk["lead"].id, article_id=desk["article"].id
        )
    assert not _notices()


def test_a_first_review_tells_the_articles_lead_it_awaits_approval(desk):
    _assign(desk, desk["r1"])  # the lead now leads this article
    _review(desk["r1"], desk["claims"][0])
    [n] = _notices(desk["lead"])
    assert (n.kind, n.claim_id, n.actor_id) == ("approval", desk["claims"][0], desk["r1"].id)


def test_without_an_own_lead_every_lead_of_the_desk_is_told(desk, make_user):
    other = make_user("lead")
    _review(desk["r2"], desk["claims"][0])
    assert {n.user_id for n in _notices(kind="approval")} == {desk["lead"].id, other.id}


def test_a_lead_who_is_the_only_reviewer_is_not_asked_to_approve(desk):
    _review(desk["lead"], desk["claims"][0])  # four-eyes: nobody else reviewed it
    assert not _notices(kind="approval")


def test_a_conflict_tells_the_lead_without_the_verdicts(desk):
    first = _review(desk["r1"], desk["claims"][1], "confirmed")
    assert first
    _review(desk["r2"], desk["claims"][1], "disputed")
    [n] = _notices(desk["lead"], kind="conflict")
    assert n.claim_id == desk["claims"][1] and n.text is None
    assert not _notices(desk["r1"]) and not _notices(desk["r2"])  # reviewers are not told
    _review(desk["r2"], desk["claims"][1], "unconfirmed", version=2 - 1)  # still a conflict
    assert len(_notices(desk["lead"], kind="conflict")) == 1  # told when it begins, once


def test_a_return_tells_each_reviewer_with_the_comment(desk):
    cid = desk["claims"][0]
    _review(desk["r1"], cid)
    _review(desk["r2"], cid)
    with transaction() as s:
        approvals.return_claim(s, actor=desk["lead"], claim_id=cid, comment="Find a second source.",
                               version=s.get(Claim, cid).version)  # fmt: skip
    for r in ("r1", "r2"):
        [n] = _notices(desk[r], kind="returned")
        assert n.text == "Find a second source." and n.claim_id == cid


def test_a_new_version_tells_those_who_reviewed_the_article(desk):
    _review(desk["r2"], desk["claims"][0])
    article = desk["article"]
    body = db.session.get(type(article), article.id).body
    with transaction() as s:
        versions.import_new_version(s, actor=desk["r1"], article_id=article.id,
                                    source=from_text(body + "\n\nA corrected sentence was added on Monday."),
                                    version=s.get(type(article), article.id).version)  # fmt: skip
    [n] = _notices(desk["r2"], kind="new_version")
    assert n.article_id == article.id and n.claim_id is None
    assert not _notices(desk["r1"], kind="new_version")  # the actor


def test_mentioned_through_the_public_function_respects_blind_review(desk):
    cid = desk["claims"][2]
    _review(desk["r1"], cid, "disputed")
    with transaction() as s:
        before = notifications.notify(s, recipient=desk["r2"], kind="mentioned", actor=desk["r1"],
                                      claim=cid, text="I say disputed, @r2 what do you think?")  # fmt: skip
        to_self = notifications.notify(
            s, recipient=desk["r1"], kind="mentioned", actor=desk["r1"], claim=cid
        )
    assert to_self is None
    # r2 has not reviewed the claim: the words wait until r2 has (they could reveal a verdict)
    assert before.text is None and before.article_id == desk["article"].id
    _review(desk["r2"], cid, "confirmed")
    with transaction() as s:
        after = notifications.notify(s, recipient=desk["r2"].id, kind="mentioned", actor=desk["r1"],
                                     claim=cid, text="Thanks, see the note.")  # fmt: skip
    assert after.text == "Thanks, see the note."
    with transaction() as s:
        lead_notice = notifications.notify(s, recipient=desk["lead"], kind="mentioned", actor=desk["r1"],
                                           claim=cid, text="@lead have a look")  # fmt: skip
    assert lead_notice.text == "@lead have a look"  # leads see every review


def test_deactivated_accounts_are_not_told(desk):
    with transaction() as s:
        s.merge(desk["r2"]).active = False
    _assign(desk, desk["r1"])
    with transaction() as s:
        assert notifications.notify(s, recipient=desk["r2"].id, kind="mentioned",
                                    actor=desk["r1"], claim=desk["claims"][0]) is None  # fmt: skip


def test_due_tomorrow_is_one_notice_per_item_per_day_from_the_worker(app, desk):
    tomorrow = utcnow().date() + timedelta(days=1)
    _assign(desk, desk["r2"], due_on=tomorrow.isoformat())
    _assign(desk, desk["r1"], claim_ids=[desk["claims"][0]], due_on=tomorrow.isoformat())
    _review(desk["r1"], desk["claims"][0])  # done already: no reminder
    _assign(desk, desk["lead"], due_on=(tomorrow + timedelta(days=3)).isoformat())  # not yet
    for _ in range(3):  # the worker looks every 30 s
        stats = worker.run(app, kinds=["notice_mail"], schedule=True)
    assert stats.queued == 0
    [n] = _notices(kind="due_tomorrow")
    assert n.user_id == desk["r2"].id and n.actor_id is None
    # the next day's run reminds again only of what is due the day after
    worker.run(app, kinds=["notice_mail"], schedule=True, now=utcnow() + timedelta(days=1))
    assert len(_notices(kind="due_tomorrow")) == 1
    worker.run(app, kinds=["notice_mail"], schedule=True, now=utcnow() + timedelta(days=3))
    assert {n.user_id for n in _notices(kind="due_tomorrow")} == {desk["r2"].id, desk["lead"].id}


def test_no_smtp_host_means_no_mail_job(desk):
    _assign(desk, desk["r2"])
    assert (
        _notices(desk["r2"])
        and not db.session.scalars(select(Job).where(Job.kind == "notice_mail")).all()
    )


def test_mark_read_is_the_recipients_own(desk):
    _assign(desk, desk["r2"])
    [n] = _notices(desk["r2"])
    with pytest.raises(NotFound), transaction() as s:
        notifications.mark_read(s, actor=desk["r1"], notification_id=n.id)
    with pytest.raises(NotFound), transaction() as s:
        notifications.mark_read(s, actor=desk["lead"], notification_id=n.id)  # leads neither
    last = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    with transaction() as s:
        assert notifications.unread_count(s, desk["r2"]) == 1
        notifications.mark_read(s, actor=desk["r2"], notification_id=n.id)
        assert notifications.unread_count(s, desk["r2"]) == 0
    # reading is the person's own state: no audit event
    assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == last


def test_email_choices_are_checked_and_audited(desk):
    r2 = desk["r2"]
    assert "assigned" in notifications.email_kinds(
        r2
    ) and "conflict" not in notifications.email_kinds(r2)
    with pytest.raises(InvalidInput), transaction() as s:
        notifications.set_email_notices(s, actor=r2, kinds=["assigned", "spam"])
    with transaction() as s:
        notifications.set_email_notices(s, actor=r2, kinds=["conflict"])
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert event.action == "user.updated" and event.after == {"email_notices": ["conflict"]}


def test_a_save_that_tells_nobody_reads_no_account(desk):
    """The desk's most frequent write: a revision inside a conflict that has begun already,
    or an agreeing second review, looks for no lead to tell (a query of the users table on
    every such save was a tenth of a save's time)."""
    from dbtools import count_queries

    cid = desk["claims"][2]
    _review(desk["r1"], cid, "confirmed")
    _review(desk["r2"], cid, "disputed")  # the conflict begins: the lead is told
    with count_queries() as statements:
        _review(desk["r2"], cid, "unconfirmed", version=1)  # still a conflict: nobody new to tell
    assert not [s for s in statements if _looks_for_leads(s)], statements
    agreeing = desk["claims"][3]
    _review(desk["r1"], agreeing, "confirmed")  # reviewed: the lead is asked to approve
    with count_queries() as statements:
        _review(desk["r2"], agreeing, "confirmed")
    assert not [s for s in statements if _looks_for_leads(s)], statements
    assert len(_notices(desk["lead"], kind="conflict")) == 1


def _looks_for_leads(statement: str) -> bool:
    """notifications.article_leads' queries (the actor's own row, reloaded after the last
    commit, is not one)."""
    return "FROM users" in statement and (
        "assigned_by_id" in statement or "users.role" in statement.split("WHERE")[-1]
    )
