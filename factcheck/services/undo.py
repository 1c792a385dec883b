"""Undo of an actor's last edit of an article's split (split, merge, exclude, add).

The edit is found in the audit trail (the actor's latest edit event on the article) and
reversed through the same span rules as the edit itself. An undo is refused when any
claim it touches changed since (a later event on it, a review, another status), so it
never overwrites someone's work. Blind review: a reviewer undoes a split, merge or added
claim only while the article is a draft (like the span edits themselves), so no refusal
tells them a claim took a review they may not read yet; leads undo in review too. The reversal writes its own event, "claim.edit_undone",
naming the event it undoes; the trail itself is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.errors import N_, Conflict, InvalidTransition, NotFound
from factcheck.models import Article, AuditEvent, Claim, ClaimAction, ClaimStatus
from factcheck.permissions import Permission, require
from factcheck.services import audit, discussion
from factcheck.services.claims import _check_no_overlap, _set_span
from factcheck.services.common import claim_snapshot, get_article, parse_id

UNDOABLE = {
    "claim.split": "split of a claim",
    "claim.merged": "merge of two claims",
    "claim.excluded": "exclusion of a claim",
    "claim.added": "added claim",
}
UNDONE = "claim.edit_undone"


@dataclass(frozen=True)
class UndoableEdit:
    event_id: int
    action: str
    claim_id: int
    label: str
    blocked: str | None = None  # why it can no longer be undone, if so


def last_undoable_edit(session: Session, *, actor, article_id) -> UndoableEdit | None:
    """The actor's last split/merge/exclude/add on the article, unless already undone."""
    ev = _last_edit(session, actor, article_id)
    if ev is None:
        return None
    try:
        _plan(session, ev, actor)
        blocked = None
    except InvalidTransition as exc:
        blocked = exc.detail
    return UndoableEdit(ev.id, ev.action, ev.target_id, UNDOABLE[ev.action], blocked)


def undo_last_edit(session: Session, *, actor, article_id, event_id) -> Claim | None:
    """Reverse the actor's last edit (which must be event `event_id`); returns a claim to show."""
    article = get_article(session, article_id, for_update=True)
    require(actor, Permission.UNDO_EDIT, article)
    ev = _last_edit(session, actor, article.id)
    if ev is None:
        raise NotFound(N_("you have no edit on this article to undo"))
    if ev.id != parse_id(event_id, "event_id"):
        raise Conflict(
            N_("your last edit of this article is not the one shown; reload and try again")
        )
    reverse = _plan(session, ev, actor)
    return reverse(session, actor, ev)


def _last_edit(session: Session, actor, article_id) -> AuditEvent | None:
    if getattr(actor, "id", None) is None:
        return None
    ev = session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.actor_id == actor.id,
            AuditEvent.article_id == article_id,
            AuditEvent.action.in_([*UNDOABLE, UNDONE]),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return None if ev is None or ev.action == UNDONE else ev


def _plan(session: Session, ev: AuditEvent, actor):
    """Check the edit can still be reversed; return the function that reverses it."""
    if ev.action != "claim.excluded":
        # Blind review: whether the claims took reviews since is read below; a reviewer
        # learns it only while nobody can have reviewed them (a draft), a lead always.
        require(actor, Permission.UNDO_SPAN_EDIT, session.get(Article, ev.article_id))
    after = ev.after or {}
    ids = [ev.target_id]
    if ev.action == "claim.split":
        ids.append(after.get("new_claim_id"))
    claims = [session.get(Claim, i) if i else None for i in ids]
    if any(c is None or c.article_id != ev.article_id or c.is_orphaned for c in claims):
        raise InvalidTransition(N_("a claim of that edit is gone (merged, undone or re-anchored)"))
    later = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.id > ev.id,
            AuditEvent.target_type == "claim",
            AuditEvent.target_id.in_(ids),
        )
    )
    if later:
        raise InvalidTransition(N_("the claims changed since (a later edit)"))
    if ev.action == "claim.excluded":  # excluded claims take no reviews; status is the check
        if claims[0].status != ClaimStatus.EXCLUDED:
            raise InvalidTransition(N_("the claim changed since (it is no longer excluded)"))
    elif any(c.reviews for c in claims):
        raise InvalidTransition(N_("the claims changed since (they got reviews)"))
    elif any(c.status != ClaimStatus.OPEN for c in claims):
        raise InvalidTransition(N_("the claims changed since (their status moved on)"))
    return {
        "claim.split": _unsplit,
        "claim.merged": _unmerge,
        "claim.excluded": _unexclude,
        "claim.added": _unadd,
    }[ev.action]


def _record(session, actor, ev, claim_id, before, after) -> None:
    session.flush()
    audit.record(session, actor, UNDONE, "claim", claim_id, article_id=ev.article_id,
                 before=before, after={**after, "undoes": ev.id, "undone_action": ev.action})  # fmt: skip


def _unsplit(session, actor, ev) -> Claim:
    first = session.get(Claim, ev.target_id, with_for_update=True)
    second = session.get(Claim, ev.after["new_claim_id"], with_for_update=True)
    before = {**claim_snapshot(first), "removed_claim": _brief(second)}
    start = (ev.before or {}).get("start", first.start)
    end = (ev.before or {}).get("end", first.end)
    discussion.move_thread(session, from_claim_id=second.id, to_claim_id=first.id)
    session.delete(second)
    session.flush()
    _check_no_overlap(session, first.article_id, start, end, ignore=[first.id])
    _set_span(first, start, end)
    _record(session, actor, ev, first.id, before, claim_snapshot(first))
    return first


def _unmerge(session, actor, ev) -> Claim:
    survivor = session.get(Claim, ev.target_id, with_for_update=True)
    old = ev.before or {}
    gone = ev.after["merged_claim"]
    before = claim_snapshot(survivor)
    _set_span(survivor, old.get("start", survivor.start), old.get("end", survivor.end))
    # The merge kept the survivor's speaker, or took the other's when it had none.
    other_speaker = ev.after.get("speaker") if "speaker" in old else None
    if "speaker" in old:
        survivor.speaker = old["speaker"]
    session.flush()
    _check_no_overlap(
        session, survivor.article_id, gone["start"], gone["end"], ignore=[survivor.id]
    )
    # The same claim again, under its own id: links to it (?claim=N) keep working.
    same_id = gone.get("id") if gone.get("id") and session.get(Claim, gone["id"]) is None else None
    # ... and under its own number, unless a claim added since holds it (then the next one).
    number = gone.get("number")
    if number is not None and session.scalar(
        select(Claim.id).where(Claim.article_id == survivor.article_id, Claim.number == number)
    ):
        number = None
    restored = Claim(id=same_id, number=number, article=survivor.article, start=gone["start"], end=gone["end"], text="",
                     reasons=[], speaker=gone.get("speaker", other_speaker),
                     statement=gone.get("statement"), is_quote=bool(gone.get("is_quote")))  # fmt: skip
    _set_span(restored, gone["start"], gone["end"])
    session.add(restored)
    session.flush()
    _record(session, actor, ev, survivor.id, before,
            {**claim_snapshot(survivor), "restored_claim": _brief(restored)})  # fmt: skip
    return survivor


# Undoing an exclusion restores the status the claim had: the transition that leads there.
_RESTORE = {
    ClaimStatus.OPEN: ClaimAction.INCLUDE,
    ClaimStatus.REVIEWED: ClaimAction.INCLUDE_REVIEWED,
    ClaimStatus.RETURNED: ClaimAction.RESTORE_RETURNED,
}


def _unexclude(session, actor, ev) -> Claim:
    claim = session.get(Claim, ev.target_id, with_for_update=True)
    before = claim_snapshot(claim)
    claim.transition(_RESTORE[(ev.before or {}).get("status", ClaimStatus.OPEN)])
    claim.excluded_reason = (ev.before or {}).get("excluded_reason")
    _record(session, actor, ev, claim.id, before, claim_snapshot(claim))
    return claim


def _unadd(session, actor, ev) -> None:
    claim = session.get(Claim, ev.target_id, with_for_update=True)
    before = {**claim_snapshot(claim), "id": claim.id}
    claim_id = claim.id
    session.delete(claim)
    session.flush()
    _record(session, actor, ev, claim_id, before, {"removed": True})
    return None


def _brief(claim: Claim) -> dict:
    return {"id": claim.id, "start": claim.start, "end": claim.end, "text": claim.text}
