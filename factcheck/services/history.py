"""Reading the audit trail: claim and article timelines, filtered for blind review."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from factcheck.models import AuditEvent, Claim, Review, iso
from factcheck.permissions import ClaimFacts, Permission, can

HIDDEN = "(hidden until you submit your own review)"
CONTEXT_KEYS = {"claim_id"}  # identify the target; not a change worth a timeline line


MASKED = {"review": ("verdict", "note", "links"), "comment": ("body",)}  # by target type


def _redact(ev: AuditEvent, viewer_id) -> dict:
    """An event as a dict; another reviewer's verdict and note, and the words of another's
    comment in a claim's discussion, are masked."""
    d = event_dict(ev)
    masked = MASKED.get(ev.target_type, ())
    if masked and ev.actor_id != viewer_id:
        for side in ("before", "after"):
            if d[side]:
                d[side] = {k: (HIDDEN if k in masked else v) for k, v in d[side].items()}
    return d


def event_dict(ev: AuditEvent) -> dict:
    return {
        "id": ev.id, "seq": ev.seq, "created_at": iso(ev.created_at), "actor_id": ev.actor_id,
        "actor": ev.actor_label, "action": ev.action, "target_type": ev.target_type,
        "target_id": ev.target_id, "article_id": ev.article_id, "before": ev.before,
        "after": ev.after, "request_id": ev.request_id, "client_addr": ev.client_addr,
        "hash": ev.hash, "prev_hash": ev.prev_hash,
    }  # fmt: skip


def claim_history(session: Session, claim: Claim, viewer) -> list[dict]:
    """The claim's events, oldest first, as this viewer may see them."""
    # The ids as values, not a subquery: PostgreSQL turns ``IN (subquery)`` under an OR into
    # a filter over the whole trail (1.4 s at 500,000 events), a list into index look-ups.
    review_ids = list(session.scalars(select(Review.id).where(Review.claim_id == claim.id)))
    events = session.scalars(
        select(AuditEvent)
        .where(
            or_(
                and_(AuditEvent.target_type == "claim", AuditEvent.target_id == claim.id),
                and_(AuditEvent.target_type == "review", AuditEvent.target_id.in_(review_ids)),
            )
        )
        .order_by(AuditEvent.id)
    ).all()
    if can(viewer, Permission.SEE_OTHER_REVIEWS, claim):  # blind review
        return [event_dict(ev) for ev in events]
    viewer_id = getattr(viewer, "id", None)
    return [_redact(ev, viewer_id) for ev in events if not _others_review(ev, viewer_id)]


def _others_review(ev: AuditEvent, viewer_id) -> bool:
    """Blind review: another's review event is left out of a timeline altogether (masking
    its verdict is not enough: that someone reviewed, and when, is already a hint)."""
    return ev.target_type == "review" and ev.actor_id != viewer_id


def article_history(session: Session, article, viewer, *, limit: int = 200) -> list[dict]:
    """The article's latest events (newest first), blind-review redacted for this viewer."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.article_id == article.id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    if can(viewer, Permission.SEE_ALL_REVIEWS):
        return [event_dict(ev) for ev in events]
    viewer_id = getattr(viewer, "id", None)
    seen = _claims_seen_in_full(session, article, viewer)
    out = []
    for ev in events:
        claim_id = (ev.after or {}).get("claim_id") or (ev.before or {}).get("claim_id")
        if claim_id in seen:
            out.append(event_dict(ev))
        elif not _others_review(ev, viewer_id):
            out.append(_redact(ev, viewer_id))
    return out


def _claims_seen_in_full(session: Session, article, viewer) -> set[int]:
    """The article's claims whose reviews the viewer may read (blind review's one rule,
    permissions.SEE_OTHER_REVIEWS), asked per claim over two light queries."""
    reviewers: dict[int, list] = {}
    for claim_id, reviewer_id in session.execute(
        select(Review.claim_id, Review.reviewer_id)
        .join(Claim)
        .where(Claim.article_id == article.id)
    ):
        reviewers.setdefault(claim_id, []).append(SimpleNamespace(reviewer_id=reviewer_id))
    claims = session.execute(select(Claim.id, Claim.status).where(Claim.article_id == article.id))
    return {
        claim_id
        for claim_id, status in claims
        if can(
            viewer,
            Permission.SEE_OTHER_REVIEWS,
            ClaimFacts(claim_id, status, reviews=reviewers.get(claim_id, [])),
        )  # fmt: skip
    }


def _short(value) -> str:
    if value in (None, ""):
        return "—"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def describe_changes(before: dict | None, after: dict | None) -> list[str]:
    """Readable "field: old → new" lines for a timeline."""
    before, after = before or {}, after or {}
    lines = []
    for key in sorted((set(before) | set(after)) - CONTEXT_KEYS):
        old, new = before.get(key), after.get(key)
        if key == "links":
            old = f"{len(old)} link(s)" if isinstance(old, list) else old
            new = f"{len(new)} link(s)" if isinstance(new, list) else new
        if old == new:
            continue
        lines.append(
            f"{key}: {_short(old)} → {_short(new)}" if key in before else f"{key}: {_short(new)}"
        )
    return lines


def _filtered(stmt, *, article_id=None, actor_id=None, action=None, since=None, until=None):
    if article_id is not None:
        stmt = stmt.where(AuditEvent.article_id == article_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if since is not None:
        stmt = stmt.where(AuditEvent.created_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.created_at < until)
    return stmt


@dataclass(frozen=True)
class EventPage:
    """One page of the trail, newest first, with keyset cursors to the pages beside it."""

    items: list[AuditEvent]
    total: int  # events matching the filters
    newer: int | None  # after_seq for the page of newer events, if any
    older: int | None  # before_seq for the page of older events, if any


def list_events(
    session: Session, *, page=1, per_page=50, before_seq=None, after_seq=None, **filters
) -> EventPage:
    """A filtered page of the trail, newest first, with the total and keyset cursors.

    ``before_seq`` / ``after_seq`` page by event id, the writers' order (seq is given a
    moment later by the sealer; an index range: the same cost on page 1 and page 20,000); ``page`` (offset) is kept for the API contract's ?page=.
    Filters: article_id, actor_id, action, since, until (aware datetimes, until exclusive).
    """
    stmt = _filtered(select(AuditEvent), **filters)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    if after_seq is not None:  # newer events: the page just above after_seq, oldest first
        rows = session.scalars(
            stmt.where(AuditEvent.id > after_seq).order_by(AuditEvent.id).limit(per_page + 1)
        ).all()
        more_newer, items = len(rows) > per_page, list(reversed(rows[:per_page]))
        more_older = bool(items) or _exists(session, stmt, AuditEvent.id <= after_seq)
    else:
        page_stmt = stmt.order_by(AuditEvent.id.desc()).limit(per_page + 1)
        if before_seq is not None:
            page_stmt = page_stmt.where(AuditEvent.id < before_seq)
        else:
            page_stmt = page_stmt.offset((page - 1) * per_page)
        rows = session.scalars(page_stmt).all()
        more_older, items = len(rows) > per_page, list(rows[:per_page])
        if before_seq is not None:
            more_newer = _exists(session, stmt, AuditEvent.id >= before_seq)
        else:
            more_newer = page > 1
    newer = (items[0].id if items else after_seq) if more_newer else None
    older = (items[-1].id if items else before_seq) if more_older else None
    if after_seq is not None and not items:
        older = after_seq + 1 if more_older else None
    return EventPage(items, total, newer, older)


def _exists(session: Session, stmt, condition) -> bool:
    return session.scalar(select(stmt.where(condition).exists())) or False


def iter_events(session: Session, **filters):
    """Every matching event, oldest first, streamed in batches (for exports)."""
    stmt = _filtered(select(AuditEvent), **filters).order_by(AuditEvent.id)
    yield from session.scalars(stmt.execution_options(yield_per=1000))
