"""Assignments and the queues built from them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, false, func, or_, select, true, union
from sqlalchemy.orm import Session, joinedload, selectinload

from factcheck.errors import N_, InvalidInput
from factcheck.models import Assignment, Claim, ClaimStatus, Review, Role, User, utcnow
from factcheck.permissions import Permission, can, require
from factcheck.services import audit, blind, notifications
from factcheck.services.common import get_article, get_user, parse_id

ACTIVE = (ClaimStatus.OPEN.value, ClaimStatus.REVIEWED.value, ClaimStatus.RETURNED.value)
INACTIVE = tuple(s.value for s in ClaimStatus if s.value not in ACTIVE)


def parse_due(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            N_("due date must be YYYY-MM-DD"), errors={"due_on": N_("YYYY-MM-DD")}
        ) from None


def assign(
    session: Session, *, actor, user_id, article_id, claim_ids=None, due_on=None
) -> list[Assignment]:
    """Assign an article (or some of its claims) to a reviewer, optionally with a due date."""
    require(actor, Permission.ASSIGN)
    due = parse_due(due_on)
    user = get_user(session, parse_id(user_id, "user_id"))
    if not user.active:
        raise InvalidInput(
            N_("%(email)s is deactivated", email=user.email),
            errors={"user_id": N_("deactivated account")},
        )
    article = get_article(session, parse_id(article_id, "article_id"))
    if claim_ids is not None:
        if (
            not isinstance(claim_ids, list)
            or not claim_ids
            or not all(type(c) is int for c in claim_ids)  # no booleans
        ):
            raise InvalidInput(
                N_("claim_ids must be a non-empty list of claim ids"),
                errors={"claim_ids": N_("list of ids")},
            )
        found = set(
            session.scalars(
                select(Claim.id).where(Claim.article_id == article.id, Claim.id.in_(claim_ids))
            )
        )
        missing = sorted(set(claim_ids) - found)
        if missing:
            raise InvalidInput(
                N_("claims %(missing)s are not in article %(id)s", missing=missing, id=article.id),
                errors={"claim_ids": N_("not in the article")},
            )
    existing = set(session.execute(
        select(Assignment.claim_id).where(Assignment.user_id == user.id, Assignment.article_id == article.id)
    ).scalars())  # fmt: skip
    targets = [None] if claim_ids is None else sorted(set(claim_ids))
    created = [
        Assignment(
            user_id=user.id,
            article_id=article.id,
            claim_id=cid,
            assigned_by_id=actor.id,
            due_on=due,
        )
        for cid in targets
        if cid not in existing
    ]
    if not created:
        return []
    session.add_all(created)
    session.flush()
    audit.record(session, actor, "assignment.created", "article", article.id, article_id=article.id,
                 after={"user_id": user.id, "user": user.email, "claim_ids": claim_ids,
                        "due_on": due.isoformat() if due else None})  # fmt: skip
    notifications.assigned(session, actor=actor, created=created)
    return created


_claims = Claim.__table__


def _todo(user_id: int):
    """SQL: (id, article_id, start_offset) of the claims assigned to a user (through the
    whole article or by claim), active and not yet reviewed by them. Found from the user's
    assignments (ix_assignments_user_article, then each article's claims), each branch
    filtered where it reads the claim: not by asking every active claim of the desk whether
    it is assigned (40-130 ms at 100,000 claims, RESULTS.md), and with nothing to join back
    to claims (PostgreSQL hashed such an IN against a scan of every active claim)."""

    def todo(assignment_on):
        return (
            select(_claims.c.id, _claims.c.article_id, _claims.c.start_offset)
            .join(Assignment, assignment_on)
            .where(
                Assignment.user_id == user_id,
                _claims.c.status.in_(ACTIVE),
                ~select(Review.id)
                .where(Review.claim_id == _claims.c.id, Review.reviewer_id == user_id)
                .exists(),
            )
        )

    whole = todo(and_(Assignment.article_id == _claims.c.article_id, Assignment.claim_id.is_(None)))
    some = todo(Assignment.claim_id == _claims.c.id)
    return union(whole, some).subquery("todo")


def _reviewed_by(user_id: int):
    # EXISTS (SELECT reviews.id …), not SELECT *: SQLite then probes the covering
    # (claim_id, reviewer_id) index, not the table's rows (35 → 8 ms over 20,000 claims)
    return _review_where(Review.claim_id == Claim.id, Review.reviewer_id == user_id)


def _review_where(*where):
    return select(Review.id).where(*where).exists()


PER_PAGE = 50  # rows per section of a queue page; a big desk's sections hold 100,000s


def _page(session: Session, stmt, page: int, per_page: int) -> tuple[list, bool]:
    """One page of a queue section (``per_page`` + 1 rows read: is there a next one?)."""
    page = max(1, int(page))
    rows = list(session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)))
    shown = [row[0] if len(row) == 1 else tuple(row) for row in rows[:per_page]]
    return shown, len(rows) > per_page


def _count_todo(session: Session, user_id: int, cap: int | None = None) -> int:
    todo = _todo(user_id)
    if cap is not None:  # stop reading at the cap
        todo = select(todo.c.id).limit(cap).subquery()
    return session.scalar(select(func.count()).select_from(todo)) or 0


def _count(session: Session, *where, cap: int | None = None) -> int:
    if cap is None:
        return session.scalar(select(func.count()).select_from(Claim).where(*where)) or 0
    first = select(Claim.id).where(*where).limit(cap).subquery()  # stop reading at the cap
    return session.scalar(select(func.count()).select_from(first)) or 0


# The navigation badge says "99+" past this: a big desk has 10,000s of claims awaiting
# approval, and counting them all on every page a lead opens cost 70-400 ms (RESULTS.md,
# issue #21); the queue page keeps the exact totals.
BADGE_CAP = 100


def reviewer_queue(
    session: Session, user: User, *, page: int = 1, per_page: int = PER_PAGE
) -> dict[str, list[Claim]]:
    """Assigned to me and not yet reviewed by me; returned claims I reviewed. A page of
    each (``page``, ``per_page``), their ``totals`` and whether ``more`` follow."""
    back = (Claim.status == ClaimStatus.RETURNED, _reviewed_by(user.id))
    order = (Claim.article_id, Claim.start, Claim.id)
    with_article = joinedload(Claim.article)  # the queue page shows each claim's article title
    todo = _todo(user.id)
    ids, more_assigned = _page(
        session,
        select(todo.c.id).order_by(todo.c.article_id, todo.c.start_offset, todo.c.id),
        page,
        per_page,
    )
    loaded = session.scalars(
        select(Claim).where(Claim.id.in_(ids)).options(with_article, selectinload(Claim.reviews))
    ).all()
    by_id = {c.id: c for c in loaded}
    assigned = [by_id[i] for i in ids if i in by_id]
    returned, more_returned = _page(
        session, select(Claim).where(*back).options(with_article).order_by(*order), page, per_page
    )
    return {  # not reviewed by me: blind review shows their status and version as I may see them
        "assigned": blind.as_seen_all(user, assigned),
        "returned": returned,
        "more": {"assigned": more_assigned, "returned": more_returned},
        "totals": {"assigned": _count_todo(session, user.id), "returned": _count(session, *back)},
    }


def disagreeing_by_reviews():
    """SQL: ids of claims whose reviews carry more than one distinct verdict, grouped from
    the reviews. The definition of a conflict, and what ``Claim.verdicts_disagree`` keeps
    (migration 0029 backfills it with this; the tests hold the flag to it after every
    path that writes reviews). A grouping of every review: not for a page."""
    return (
        select(Review.claim_id)
        .group_by(Review.claim_id)
        .having(func.count(func.distinct(Review.verdict)) > 1)
    )


_DISAGREE = Claim.verdicts_disagree == true()  # "= true", not "IS": an index condition on both
_AGREE = Claim.verdicts_disagree == false()


def _conflicting():
    """SQL: ids of claims whose reviews disagree (``disagreeing_by_reviews``), read from the
    flag the review save keeps on the claim (ix_claims_status_disagree)."""
    return select(Claim.id).where(_DISAGREE)


def conflicting_claims(*, viewer):
    """SQL: ids of claims whose reviews disagree, among those the viewer may compare. Blind
    review: a reviewer's filter only counts claims they have submitted a review of
    (SEE_OTHER_REVIEWS' own-review rule, as SQL); a lead's counts every claim."""
    if can(viewer, Permission.SEE_ALL_REVIEWS):
        return _conflicting()
    mine = select(Review.claim_id).where(Review.reviewer_id == (getattr(viewer, "id", None) or 0))
    return _conflicting().where(Claim.id.in_(mine))


def articles_with_conflicts(*, viewer):
    """SQL: ids of articles with an active claim whose reviews disagree, among the claims
    the viewer may compare (``conflicting_claims``' rule: a reviewer's own reviewed claims
    only, a lead's all). A lead's is a range of ix_claims_status_disagree; a reviewer's
    starts from their own reviews."""
    where = (Claim.status.in_(ACTIVE), _DISAGREE)
    if can(viewer, Permission.SEE_ALL_REVIEWS):
        return select(Claim.article_id).where(*where)
    me = getattr(viewer, "id", None) or 0
    return (
        select(Claim.article_id)
        .join(Review, Review.claim_id == Claim.id)
        .where(Review.reviewer_id == me, *where)
    )


def lead_queue(session: Session, *, page: int = 1, per_page: int = PER_PAGE) -> dict[str, list]:
    """Reviewed and awaiting approval, conflicts, returned, and overdue assignments: a page
    of each (``page``, ``per_page``), whether ``more`` follow, and the ``totals`` of the
    claim sections (index counts; the overdue pairs are not counted: at a big desk they
    are 100,000s, and a count would join them all)."""
    order = (Claim.article_id, Claim.start, Claim.id)
    claim = select(Claim).options(joinedload(Claim.article))  # titles on the queue page
    where = {  # each a range of ix_claims_status_disagree, read in its order
        "awaiting_approval": (Claim.status == ClaimStatus.REVIEWED, _AGREE),
        "conflicts": (Claim.status.in_(ACTIVE), _DISAGREE),
        "returned": (Claim.status == ClaimStatus.RETURNED,),
    }
    # Walked in due order (ix_assignments_due), each assignment's claims in reading order
    # (ix_claims_article_start): the page ends the walk, nothing is joined and sorted whole.
    overdue = (
        select(Assignment, Claim)
        .options(joinedload(Assignment.user))  # the reviewer's name on the queue page
        .join(
            Claim,
            and_(
                Claim.article_id == Assignment.article_id,
                or_(Assignment.claim_id.is_(None), Assignment.claim_id == Claim.id),
            ),
        )  # fmt: skip
        .where(
            Assignment.due_on < utcnow().date(),
            # "not in the others": the same claims as IN ACTIVE (status is never NULL), but
            # no index condition, so the planner starts from the assignments, not from
            # every active claim of the desk (SQLite did: 170 ms at 100,000 claims)
            Claim.status.not_in(INACTIVE),
            ~_review_where(Review.claim_id == Claim.id, Review.reviewer_id == Assignment.user_id),
        )  # fmt: skip
        .order_by(Assignment.due_on, Assignment.article_id, Assignment.id, Claim.start, Claim.id)
    )
    out, more = {}, {}
    for key, cond in where.items():
        out[key], more[key] = _page(session, claim.where(*cond).order_by(*order), page, per_page)
    out["overdue"], more["overdue"] = _page(session, overdue, page, per_page)
    out["more"] = more
    out["totals"] = {key: _count(session, *cond) for key, cond in where.items()}
    return out


def queue_counts(session: Session, user: User, cap: int | None = None) -> dict[str, int]:
    """Counts for the navigation badge: what needs the user. Mine (assigned, not yet
    reviewed by me) and returned to me; for leads also awaiting approval and conflicts;
    ``total`` adds them up. With ``cap`` each count stops at it and so does the total
    (the badge: BADGE_CAP, shown as "99+")."""

    out = {
        "mine": _count_todo(session, user.id, cap),
        "returned": _count(
            session, Claim.status == ClaimStatus.RETURNED, _reviewed_by(user.id), cap=cap
        ),
    }
    if user.has_role(Role.LEAD):
        # four-eyes: a claim only the lead reviewed does not await this lead's approval
        by_another = _review_where(Review.claim_id == Claim.id, Review.reviewer_id != user.id)
        out["awaiting_approval"] = _count(
            session, Claim.status == ClaimStatus.REVIEWED, _AGREE, by_another, cap=cap
        )
        out["conflicts"] = _count(session, Claim.status.in_(ACTIVE), _DISAGREE, cap=cap)
    total = sum(out.values())
    out["total"] = total if cap is None else min(total, cap)
    return out


def list_assignments(session: Session, article_id: int) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment).where(Assignment.article_id == article_id).order_by(Assignment.id)
        )
    )
