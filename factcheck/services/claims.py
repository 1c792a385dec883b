"""Editing the split of an article: split, merge, move a boundary, add, set speaker or
statement, exclude. The span invariant body[start:end] == text holds after every edit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.errors import N_, InvalidInput
from factcheck.models import Claim, ClaimAction
from factcheck.permissions import Permission, require, require_actor
from factcheck.services import audit, blind, discussion
from factcheck.services.common import (
    claim_snapshot,
    clean_text,
    get_article,
    get_claim,
    parse_id,
)
from factcheck.settings import settings_of
from factcheck.text import splitting
from factcheck.text.splitting.phrases import speaker_type


def _trimmed_span(body: str, start, end, *, field: str = "span") -> tuple[int, int]:
    """Validate a [start, end) span of the body and trim surrounding whitespace."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise InvalidInput(
            N_("start and end must be integers"), errors={field: N_("integers required")}
        )
    if not 0 <= start < end <= len(body):
        raise InvalidInput(
            N_(
                "span [%(start)s, %(end)s) is outside the article body (0..%(value)s)",
                start=start,
                end=end,
                value=len(body),
            ),
            errors={field: N_("outside the body")},
        )
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start == end:
        raise InvalidInput(N_("the span holds only whitespace"), errors={field: N_("empty")})
    return start, end


def _check_no_overlap(
    session: Session, article_id: int, start: int, end: int, *, ignore=()
) -> None:
    clash = session.scalar(
        select(Claim.id).where(
            Claim.article_id == article_id, Claim.current(), Claim.start < end, Claim.end > start,
            Claim.id.not_in(list(ignore) or [-1]),
        ).limit(1)
    )  # fmt: skip
    if clash:
        raise InvalidInput(
            N_("the span overlaps claim %(clash)s", clash=clash),
            errors={"span": N_("overlaps claim %(clash)s", clash=clash)},
        )


def _set_span(claim: Claim, start: int, end: int) -> None:
    claim.start, claim.end = start, end
    claim.text = claim.article.body[start:end]
    claim.checkworthiness, reasons = splitting.score_checkworthiness(
        claim.text, claim.article.language
    )
    claim.reasons = list(reasons)


def _audit(session, actor, action, claim, before, **extra) -> None:
    session.flush()
    audit.record(session, actor, action, "claim", claim.id, article_id=claim.article_id,
                 before=before, after=dict(claim_snapshot(claim), **extra))  # fmt: skip


def split_claim(session: Session, *, actor, claim_id, at, version) -> tuple[Claim, Claim]:
    """Split a claim at a body offset into two claims."""
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.EDIT_SPAN)
    blind.check_seen_version(actor, claim, version)
    require(actor, Permission.EDIT_SPAN, claim)
    if not isinstance(at, int) or isinstance(at, bool) or not claim.start < at < claim.end:
        raise InvalidInput(
            N_(
                "split position must be inside the claim (%(start)s < at < %(end)s)",
                start=claim.start,
                end=claim.end,
            ),
            errors={"at": N_("inside the claim")},
        )
    body = claim.article.body
    first = _trimmed_span(body, claim.start, at, field="at")
    second = _trimmed_span(body, at, claim.end, field="at")
    before = claim_snapshot(claim)
    _set_span(claim, *first)
    new = Claim(article=claim.article, speaker=claim.speaker, is_quote=claim.is_quote,
                start=second[0], end=second[1], text="", reasons=[])  # fmt: skip
    _set_span(new, *second)
    session.add(new)
    session.flush()
    _audit(session, actor, "claim.split", claim, before, new_claim_id=new.id)
    return claim, new


def merge_claims(session: Session, *, actor, claim_id, with_id, version) -> Claim:
    """Merge a claim with its adjacent neighbour `with_id` into one claim."""
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.EDIT_SPAN)
    blind.check_seen_version(actor, claim, version)
    require(actor, Permission.EDIT_SPAN, claim)
    other = get_claim(session, parse_id(with_id, "with"), for_update=True)
    if other.article_id != claim.article_id or other.id == claim.id:
        raise InvalidInput(
            N_("can only merge with another claim of the same article"),
            errors={"with": N_("not a neighbour")},
        )
    require(actor, Permission.EDIT_SPAN, other)
    lo, hi = sorted((claim, other), key=lambda c: c.start)
    between = session.scalar(
        select(Claim.id)
        .where(
            Claim.article_id == claim.article_id,
            Claim.current(),
            Claim.start >= lo.end,
            Claim.start < hi.start,
        )
        .limit(1)
    )
    if between:
        raise InvalidInput(
            N_("claims %(id)s and %(id2)s are not adjacent", id=claim.id, id2=other.id),
            errors={"with": N_("not adjacent")},
        )
    before = claim_snapshot(claim)
    # What undo needs to bring the other claim back as it was, under its own id.
    merged_from = {"id": other.id, "number": other.number, "start": other.start, "end": other.end, "text": other.text,
                   "speaker": other.speaker, "statement": other.statement, "is_quote": other.is_quote}  # fmt: skip
    discussion.move_thread(session, from_claim_id=other.id, to_claim_id=claim.id)
    session.delete(other)
    session.flush()
    _set_span(claim, lo.start, hi.end)
    claim.speaker = claim.speaker or other.speaker
    _audit(session, actor, "claim.merged", claim, before, merged_claim=merged_from)
    return claim


def update_claim(
    session: Session,
    *,
    actor,
    claim_id,
    version,
    start=None,
    end=None,
    speaker=...,
    statement=...,
    confirm_speaker: bool = False,
) -> Claim:
    """Move a boundary, set or confirm the speaker, or set the statement (the desk's wording).

    A speaker a person sets or confirms is certain (confidence 1): the workspace stops
    showing it as unclear. Confirming with no speaker confirms "the article itself".
    """
    limits = settings_of(session)
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.EDIT_CLAIM)
    blind.check_seen_version(actor, claim, version)
    require(actor, Permission.EDIT_CLAIM, claim)
    before = claim_snapshot(claim)
    if start is not None or end is not None:
        new_start = claim.start if start is None else start
        new_end = claim.end if end is None else end
        span = _trimmed_span(claim.article.body, new_start, new_end)
        if span != (claim.start, claim.end):
            require(actor, Permission.EDIT_SPAN, claim)
            _check_no_overlap(session, claim.article_id, *span, ignore=[claim.id])
            _set_span(claim, *span)
    if speaker is not ...:
        new_speaker = clean_text(speaker, "speaker", max_chars=limits.MAX_TITLE_CHARS) or None
        if new_speaker != claim.speaker:
            claim.speaker, confirm_speaker = new_speaker, True
    if confirm_speaker:
        claim.speaker_type = speaker_type(claim.speaker)
        claim.speaker_confidence = 1.0
    if statement is not ...:
        claim.statement = (
            clean_text(statement, "statement", max_chars=limits.MAX_NOTE_CHARS) or None
        )
    after = claim_snapshot(claim)
    if after != before:
        only_confirmed = {k for k in after if after[k] != before[k]} <= {
            "speaker_confidence",
            "speaker_type",
        }
        action = "claim.speaker_confirmed" if only_confirmed else "claim.updated"
        _audit(session, actor, action, claim, before)
    return claim


def exclude_claim(session: Session, *, actor, claim_id, reason, version) -> Claim:
    """Take a claim out of review (not check-worthy, opinion, boilerplate) with a reason."""
    limits = settings_of(session)
    reason = clean_text(reason, "reason", max_chars=limits.MAX_REASON_CHARS, required=True)
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.EXCLUDE_CLAIM)
    blind.check_seen_version(actor, claim, version)
    require(actor, Permission.EXCLUDE_CLAIM, claim)
    before = claim_snapshot(claim)
    claim.transition(ClaimAction.EXCLUDE)
    claim.excluded_reason = reason
    _audit(session, actor, "claim.excluded", claim, before)
    return claim


def include_claim(session: Session, *, actor, claim_id, version) -> Claim:
    """Bring an excluded claim back into review."""
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.INCLUDE_CLAIM)
    blind.check_seen_version(actor, claim, version)
    require(actor, Permission.INCLUDE_CLAIM, claim)
    before = claim_snapshot(claim)
    enough = len(claim.reviews) >= settings_of(session).REVIEWS_REQUIRED
    claim.transition(ClaimAction.INCLUDE_REVIEWED if enough else ClaimAction.INCLUDE)
    claim.excluded_reason = None
    _audit(session, actor, "claim.included", claim, before)
    return claim


def add_claim(session: Session, *, actor, article_id, start, end, speaker=None) -> Claim:
    """Add a claim the splitter missed, from a span of the body."""
    article = get_article(session, article_id, for_update=True)
    require(actor, Permission.ADD_CLAIM, article)
    span = _trimmed_span(article.body, start, end)
    _check_no_overlap(session, article.id, *span)
    claim = Claim(article=article, start=span[0], end=span[1], text="", reasons=[],
                  speaker=clean_text(speaker, "speaker", max_chars=settings_of(session).MAX_TITLE_CHARS) or None)  # fmt: skip
    _set_span(claim, *span)
    session.add(claim)
    _audit(session, actor, "claim.added", claim, None)
    return claim
