"""Notices: who is told what, written in the transaction of the change that causes it.

Rules (issue #19 item 5):

- A notice is never for the actor themselves, nor for a deactivated account
  (Permission.RECEIVE_NOTICE).
- Blind review: a notice never carries a review's verdict, and words written in a claim's
  discussion (``text``) are kept only for a recipient who may read the other reviews of
  that claim (Permission.SEE_OTHER_REVIEWS); before that the notice only says who wrote.
- Its e-mail is a ``notice_mail`` job queued beside it, only when the desk has an SMTP
  host and the person wants that kind by e-mail; the worker sends it (jobs/notices.py).
- Notices are not audited: the change that caused one writes its own event, and reading
  a notice (``mark_read``) is the person's own state, like a token's last use; nothing on
  the desk changes and nobody else sees it. Choosing which kinds come by e-mail is an
  account change and is audited as ``user.updated``, as the interface language is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from factcheck.errors import N_, InvalidInput, NotFound
from factcheck.jobs import queue
from factcheck.models import (
    Article,
    Assignment,
    Claim,
    NoticeKind,
    Notification,
    Review,
    Role,
    User,
    utcnow,
)
from factcheck.models.notification import EMAIL_DEFAULT
from factcheck.permissions import ClaimFacts, Permission, can
from factcheck.services import audit
from factcheck.services.common import get_user, primary_key
from factcheck.settings import settings_of

MAIL_KIND = "notice_mail"  # the job kind (jobs/notices.py)
MAIL_ATTEMPTS = 6
MAX_TEXT_CHARS = 500  # a notice quotes the start of a comment; the claim page has the rest
ACTIVE = ("open", "reviewed", "returned")


def email_kinds(user) -> set[str]:
    """The kinds this person gets by e-mail (their choice, else the default set)."""
    chosen = getattr(user, "email_notices", None)
    return set(chosen) if chosen is not None else {k.value for k in EMAIL_DEFAULT}


def notify(session: Session, *, recipient, kind, actor, article=None, claim=None, text=None,
           dedup_key: str | None = None) -> Notification | None:  # fmt: skip
    """Tell ``recipient`` (a User or an id) about ``kind``, in the caller's transaction.

    Returns the notice, or None when none is due: the actor themselves, an inactive
    account, or a ``dedup_key`` the person already has. The discussion calls this with
    kind="mentioned" for each person a comment mentions.
    """
    kind = NoticeKind(kind)
    user = recipient if isinstance(recipient, User) else session.get(User, int(recipient))
    if user is None or user.id == getattr(actor, "id", None):
        return None
    if not can(user, Permission.RECEIVE_NOTICE, user):
        return None
    claim_obj = claim if isinstance(claim, Claim) else (claim and session.get(Claim, int(claim)))
    article_id = getattr(article, "id", article) or (claim_obj.article_id if claim_obj else None)
    if dedup_key and session.scalar(
        select(Notification.id).where(Notification.user_id == user.id,
                                      Notification.dedup_key == dedup_key)
    ):  # fmt: skip
        return None
    if text and claim_obj is not None and not can(user, Permission.SEE_OTHER_REVIEWS, claim_obj):
        text = None  # blind review: what others wrote on a claim waits for the own review
    notice = Notification(
        user_id=user.id, kind=kind, actor_id=getattr(actor, "id", None), article_id=article_id,
        claim_id=claim_obj.id if claim_obj else None, dedup_key=dedup_key,
        text=(text or "").strip()[:MAX_TEXT_CHARS] or None, created_at=utcnow(),
    )  # fmt: skip
    session.add(notice)
    session.flush()
    if settings_of(session).SMTP_HOST and kind.value in email_kinds(user):
        queue.enqueue(session, MAIL_KIND, {"notification_id": notice.id},
                      max_attempts=MAIL_ATTEMPTS)  # fmt: skip
    return notice


def article_leads(session: Session, article_id: int) -> list[User]:
    """The leads of an article: the leads who imported it or assigned work on it; when it
    has none, every lead of the desk."""
    own = select(Assignment.assigned_by_id).where(Assignment.article_id == article_id)
    creator = select(Article.created_by_id).where(Article.id == article_id)
    leads = [u for u in session.scalars(
        select(User).where(User.active.is_(True), or_(User.id.in_(own), User.id.in_(creator)))
    ) if u.has_role(Role.LEAD)]  # fmt: skip
    if leads:
        return leads
    return list(session.scalars(select(User).where(User.active.is_(True), User.role == Role.LEAD)))


# -- the triggers: each is called by the service that makes the change -------------------


def assigned(session: Session, *, actor, created: list[Assignment]) -> None:
    """An assignment (of an article, or of claims) tells its reviewer once."""
    if not created:
        return
    first = created[0]
    notify(session, recipient=first.user_id, kind=NoticeKind.ASSIGNED, actor=actor,
           article=first.article_id, claim=first.claim_id)  # fmt: skip


def returned(session: Session, *, actor, claim: Claim) -> None:
    """A returned claim tells each of its reviewers, with the lead's comment."""
    for reviewer_id in sorted({r.reviewer_id for r in claim.reviews}):
        notify(session, recipient=reviewer_id, kind=NoticeKind.RETURNED, actor=actor,
               claim=claim, text=claim.return_comment)  # fmt: skip


def review_saved(session: Session, *, actor, claim_id: int, article_id: int, old_status: str,
                 new_status: str, was_disagreeing: bool, disagrees: bool) -> None:  # fmt: skip
    """After a review is saved: a conflict that has just begun, or a claim that has just
    become reviewed, tells the article's leads.

    Whether the reviews disagree before and after the save is the claim's conflict flag
    (``claims.verdicts_disagree``) as the save's own statements read it (under the claim's
    row lock) and left it, so the save reads nothing more unless a claim has just become
    reviewed (the four-eyes rule needs its reviewers to know which leads may approve it)."""
    reaches_review = new_status == "reviewed" and old_status != "reviewed"
    conflict_now = disagrees and new_status in ACTIVE
    new_conflict = conflict_now and not was_disagreeing
    awaiting = reaches_review and not conflict_now
    if not (new_conflict or awaiting):
        return  # most saves (a revision of an open conflict, an agreeing second review): no lead is read
    facts = None
    if awaiting:
        reviewers = session.scalars(select(Review.reviewer_id).where(Review.claim_id == claim_id))
        facts = ClaimFacts(claim_id, new_status, reviews=[_Reviewer(r) for r in reviewers])
    for lead in article_leads(session, article_id):
        if new_conflict:
            notify(session, recipient=lead, kind=NoticeKind.CONFLICT, actor=actor,
                   article=article_id, claim=claim_id)  # fmt: skip
        elif awaiting and can(lead, Permission.APPROVE_CLAIM, facts):
            notify(session, recipient=lead, kind=NoticeKind.AWAITING_APPROVAL, actor=actor,
                   article=article_id, claim=claim_id)  # fmt: skip


@dataclass(frozen=True)
class _Reviewer:
    reviewer_id: int


def new_version(session: Session, *, actor, article: Article) -> None:
    """A corrected version tells everyone who reviewed a claim of the article."""
    reviewers = session.scalars(
        select(Review.reviewer_id).distinct().join(Claim, Claim.id == Review.claim_id)
        .where(Claim.article_id == article.id)
    )  # fmt: skip
    for reviewer_id in sorted(set(reviewers)):
        notify(session, recipient=reviewer_id, kind=NoticeKind.NEW_VERSION, actor=actor,
               article=article, dedup_key=f"version:{article.id}:{article.current_version}")  # fmt: skip


def schedule_due_notices(session: Session, *, today: date) -> int:
    """Tell each reviewer whose assignment is due tomorrow and not yet done (the worker's
    periodic job). Idempotent: one notice per assignment per day, however often it runs."""
    tomorrow = today + timedelta(days=1)
    count = 0
    due = session.scalars(select(Assignment).where(Assignment.due_on == tomorrow)
                          .order_by(Assignment.id))  # fmt: skip
    for a in due:
        pending = (
            select(func.count()).select_from(Claim)
            .where(Claim.article_id == a.article_id, Claim.status.in_(ACTIVE), Claim.current(),
                   ~select(Review.id).where(Review.claim_id == Claim.id,
                                            Review.reviewer_id == a.user_id).exists())
        )  # fmt: skip
        if a.claim_id is not None:
            pending = pending.where(Claim.id == a.claim_id)
        if not session.scalar(pending):
            continue
        try:  # two workers may look at once (PostgreSQL): the unique key keeps one notice
            with session.begin_nested():
                made = notify(session, recipient=a.user_id, kind=NoticeKind.DUE_TOMORROW,
                              actor=None, article=a.article_id, claim=a.claim_id,
                              dedup_key=f"due:{tomorrow.isoformat()}:{a.id}")  # fmt: skip
        except IntegrityError:
            made = None
        count += made is not None
    return count


# -- the inbox -----------------------------------------------------------------------------


def list_notifications(session: Session, user, *, page: int = 1, per_page: int = 50,
                       unread_only: bool = False) -> tuple[list[Notification], int]:  # fmt: skip
    """The person's notices, newest first, and how many there are."""
    where = [Notification.user_id == user.id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
    items = session.scalars(
        select(Notification).where(*where)
        .options(joinedload(Notification.actor), joinedload(Notification.article),
                 joinedload(Notification.claim))  # the claim and its number, in the same query
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()  # fmt: skip
    return list(items), total


def unread_count(session: Session, user) -> int:
    """Unread notices (the inbox badge)."""
    return session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0  # fmt: skip


def get_notification(session: Session, *, actor, notification_id) -> Notification:
    """One of the actor's notices; another person's is not found (it is not theirs to see)."""
    notice = session.get(Notification, primary_key(Notification, notification_id))
    if notice is None or not can(actor, Permission.READ_NOTICE, notice):
        raise NotFound(
            N_("notification %(notification_id)s does not exist", notification_id=notification_id)
        )
    return notice


def mark_read(session: Session, *, actor, notification_id) -> Notification:
    """Mark one of the actor's notices read (not audited: see the module's docstring)."""
    notice = get_notification(session, actor=actor, notification_id=notification_id)
    if notice.read_at is None:
        notice.read_at = utcnow()
        session.flush()
    return notice


def mark_all_read(session: Session, *, actor) -> int:
    """Mark every unread notice of the actor read; how many."""
    if not can(actor, Permission.RECEIVE_NOTICE, actor):
        return 0
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)
    )  # fmt: skip
    return result.rowcount or 0


def set_email_notices(session: Session, *, actor, kinds) -> User:
    """Which kinds of notice the signed-in person also gets by e-mail (audited)."""
    if not isinstance(kinds, list | tuple | set | frozenset) or not all(
        isinstance(k, str) for k in kinds
    ):
        raise InvalidInput(N_("kinds must be a list of notice kinds"), errors={"kinds": N_("list")})
    known = {k.value for k in NoticeKind}
    if len(kinds) > len(known):  # the document's maxItems: each kind once at most
        raise InvalidInput(N_("kinds names at most %(value)s notice kinds", value=len(known)),
                           errors={"kinds": N_("too many")})  # fmt: skip
    unknown = sorted(set(kinds) - known)
    if unknown:
        raise InvalidInput(N_("unknown notice kind(s): %(value)s", value=', '.join(unknown)),
                           errors={"kinds": N_("unknown kind")})  # fmt: skip
    chosen = sorted(set(kinds), key=[k.value for k in NoticeKind].index)
    user = get_user(session, actor.id)
    before = sorted(email_kinds(user), key=[k.value for k in NoticeKind].index)
    if user.email_notices is not None and before == chosen:
        return user
    user.email_notices = chosen
    session.flush()
    audit.record(session, actor, "user.updated", "user", user.id,
                 before={"email_notices": before}, after={"email_notices": chosen})  # fmt: skip
    return user
