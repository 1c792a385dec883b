"""A claim's discussion: add, edit and delete comments; who reads which (issue #19 item 7).

Rules:

- Anyone on the desk (reviewer, lead, admin) may comment on any claim, also an approved or
  an excluded one: a comment changes no verdict and no text, and on an approved claim it is
  how a correction after publication reaches the lead who may reopen it.
- Blind review: a reviewer reads the others' comments on a claim only once they have
  submitted their own review of it (Permission.SEE_OTHER_REVIEWS, as for the reviews);
  their own comments they always read; leads and admins read everything.
- A comment is edited by its author only, and deleted (softly: the thread keeps its place,
  the words leave the page) by its author or a lead or an admin. The audit trail keeps
  every version of the words.
- ``@handle`` mentions an active desk member: the handle is the local part of their
  e-mail address (``@ana`` for ana@desk.org), or the whole address when two accounts
  share a local part (``@ana@desk.org``). Each person is told once per comment
  (kind "mentioned"), also when an edit adds the mention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from factcheck.errors import N_, InvalidInput
from factcheck.models import Claim, ClaimComment, NoticeKind, User, iso, utcnow
from factcheck.permissions import Permission, can, require
from factcheck.services import audit, notifications
from factcheck.services.common import clean_text, get_claim, get_or_404
from factcheck.settings import settings_of

MAX_MENTIONS = 20  # people told by one comment; more handles are left as text
MAX_HANDLES = 100  # distinct handles looked up per comment
MENTION = re.compile(
    r"(?<![\w@.+-])@([A-Za-z0-9][A-Za-z0-9._+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
)


@dataclass(frozen=True)
class Thread:
    """The comments of a claim the reader may see, oldest first, and how many are hidden."""

    comments: list[ClaimComment]
    hidden: int


# ------------------------------------------------------------------------- readers


def get_comment(session: Session, comment_id) -> ClaimComment:
    """A comment by id, or NotFound."""
    return get_or_404(session, ClaimComment, comment_id)


def may_read(actor, comment: ClaimComment, claim: Claim) -> bool:
    """One's own comments always; the others' once one may read the other reviews."""
    mine = comment.author_id == getattr(actor, "id", None)
    return mine or can(actor, Permission.SEE_OTHER_REVIEWS, claim)


def thread(session: Session, actor, claim: Claim) -> Thread:
    """The claim's discussion as ``actor`` may read it (blind review hides the others')."""
    rows = list(session.scalars(
        select(ClaimComment).options(joinedload(ClaimComment.author))
        .where(ClaimComment.claim_id == claim.id)
        .order_by(ClaimComment.created_at, ClaimComment.id)
    ))  # fmt: skip
    shown = [c for c in rows if may_read(actor, c, claim)]
    return Thread(shown, sum(1 for c in rows if not c.is_deleted) - sum(
        1 for c in shown if not c.is_deleted))  # fmt: skip


def _like_prefix(handle: str) -> str:
    """A LIKE pattern for the addresses whose local part is ``handle`` (``\\`` escapes)."""
    return handle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "@%"


def mentioned_users(session: Session, body: str) -> list[User]:
    """The active accounts ``body`` mentions (see the module's rules), at most MAX_MENTIONS.

    One query on the handles, not a read of every account: the first MAX_HANDLES distinct
    handles (in sorted order) are looked up; more are left as text."""
    handles = sorted({h.rstrip(".").lower() for h in MENTION.findall(body or "")} - {""})
    handles = handles[:MAX_HANDLES]
    if not handles:
        return []
    email = func.lower(User.email)
    whole = [h for h in handles if "@" in h]
    local = [h for h in handles if "@" not in h]
    wanted = [email.in_(whole)] if whole else []
    wanted += [email.like(_like_prefix(h), escape="\\") for h in local]
    people = list(session.scalars(
        select(User).where(User.active.is_(True), or_(*wanted)).order_by(User.id)
    ))  # fmt: skip
    by_email = {u.email.lower(): u for u in people}
    by_local: dict[str, list[User]] = {}
    for u in people:
        by_local.setdefault(u.email.lower().partition("@")[0], []).append(u)
    found: dict[int, User] = {}
    for handle in handles:
        if "@" in handle:
            match = [by_email[handle]] if handle in by_email else []
        else:
            match = by_local.get(handle, [])
        if len(match) == 1:  # a handle two accounts share names nobody: write the address
            found.setdefault(match[0].id, match[0])
    return list(found.values())[:MAX_MENTIONS]


# ------------------------------------------------------------------------- writers


def _body(session: Session, body) -> str:
    limit = settings_of(session).MAX_COMMENT_CHARS
    text = clean_text(body, "body", max_chars=limit)
    if not text:
        raise InvalidInput(N_("a comment cannot be empty: write something first"),
                           errors={"body": N_("required")})  # fmt: skip
    return text


def _snapshot(comment: ClaimComment) -> dict:
    return {"claim_id": comment.claim_id, "author_id": comment.author_id, "body": comment.body,
            "edited_at": iso(comment.edited_at), "deleted_at": iso(comment.deleted_at)}  # fmt: skip


def _mention(session: Session, *, actor, comment: ClaimComment, claim: Claim,
             already: set[int] = frozenset()) -> None:  # fmt: skip
    """Tell each person the comment mentions (once per comment: the notice's dedup key)."""
    for user in mentioned_users(session, comment.body):
        if user.id in already:
            continue
        notifications.notify(session, recipient=user, kind=NoticeKind.MENTIONED, actor=actor,
                             claim=claim, text=comment.body, dedup_key=f"mention:{comment.id}")  # fmt: skip


def add_comment(session: Session, *, actor, claim_id, body) -> ClaimComment:
    """Add a comment to a claim's discussion; mentions are told."""
    claim = get_claim(session, claim_id)
    require(actor, Permission.COMMENT_ON_CLAIM, claim)
    text = _body(session, body)
    comment = ClaimComment(claim_id=claim.id, author_id=actor.id, body=text, created_at=utcnow())
    session.add(comment)
    session.flush()
    audit.record(session, actor, "comment.added", "comment", comment.id,
                 article_id=claim.article_id, after=_snapshot(comment))  # fmt: skip
    _mention(session, actor=actor, comment=comment, claim=claim)
    return comment


def edit_comment(session: Session, *, actor, comment_id, body) -> ClaimComment:
    """Change one's own comment; a person the edit newly mentions is told."""
    comment = get_comment(session, comment_id)
    require(actor, Permission.EDIT_COMMENT, comment)
    text = _body(session, body)
    if text == comment.body:
        return comment  # nothing changes, nothing to record
    before = _snapshot(comment)
    already = {u.id for u in mentioned_users(session, comment.body)}
    comment.body, comment.edited_at = text, utcnow()
    audit.record(session, actor, "comment.edited", "comment", comment.id,
                 article_id=comment.claim.article_id, before=before, after=_snapshot(comment))  # fmt: skip
    _mention(session, actor=actor, comment=comment, claim=comment.claim, already=already)
    return comment


def move_thread(session: Session, *, from_claim_id: int, to_claim_id: int) -> int:
    """Give a claim that a merge (or an undone split) removes its discussion's new home: the
    claim it became part of. Part of that change's unit of work; its event says what
    happened. Returns how many comments moved."""
    moved = session.execute(
        update(ClaimComment).where(ClaimComment.claim_id == from_claim_id)
        .values(claim_id=to_claim_id).execution_options(synchronize_session="fetch")
    )  # fmt: skip
    return moved.rowcount or 0


def delete_comment(session: Session, *, actor, comment_id) -> ClaimComment:
    """Delete a comment (its author, or a lead or an admin): the thread keeps its place."""
    comment = get_comment(session, comment_id)
    require(actor, Permission.DELETE_COMMENT, comment)
    before = _snapshot(comment)
    comment.body, comment.deleted_at = "", utcnow()
    audit.record(session, actor, "comment.deleted", "comment", comment.id,
                 article_id=comment.claim.article_id, before=before, after=_snapshot(comment))  # fmt: skip
    session.flush()
    return comment
