"""A lead's decisions on a claim: approve a final verdict, return it, reopen it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factcheck.errors import N_, InvalidInput
from factcheck.models import (
    ArticleAction,
    ArticleStatus,
    Claim,
    ClaimAction,
    Verdict,
    WebhookEvent,
    iso,
    utcnow,
)
from factcheck.permissions import Permission, require, require_actor
from factcheck.services import audit, notifications, webhooks
from factcheck.services.common import (
    article_snapshot,
    check_version,
    claim_snapshot,
    clean_text,
    get_claim,
)
from factcheck.services.reviews import parse_verdict
from factcheck.settings import settings_of


def _audit_claim(session, actor, action: str, claim: Claim, before: dict) -> None:
    session.flush()
    audit.record(session, actor, action, "claim", claim.id, article_id=claim.article_id,
                 before=before, after=claim_snapshot(claim))  # fmt: skip


def approve_claim(session: Session, *, actor, claim_id, verdict, note, version) -> Claim:
    """Set the final verdict of a reviewed claim (four-eyes, note and evidence rules)."""
    verdict = parse_verdict(verdict)
    note = clean_text(note, "note", max_chars=settings_of(session).MAX_NOTE_CHARS)
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.APPROVE_CLAIM)
    check_version(claim, version, what=N_("claim %(id)s", id=claim.id))
    require(actor, Permission.APPROVE_CLAIM, claim)  # reviewed, and four-eyes
    reviews = list(claim.reviews)
    verdicts = {r.verdict for r in reviews}
    if not note and (len(verdicts) > 1 or verdicts != {verdict.value}):
        why = (
            "the reviews disagree" if len(verdicts) > 1 else "your verdict differs from the reviews"
        )
        raise InvalidInput(
            N_("a note is required because %(why)s", why=why),
            errors={"note": N_("required: %(why)s", why=why)},
        )
    if verdict in (Verdict.CONFIRMED, Verdict.DISPUTED) and not any(r.links for r in reviews):
        raise InvalidInput(
            N_(
                "a %(value)s verdict needs at least one evidence link in the reviews",
                value=verdict.value,
            ),
            errors={"verdict": N_("needs at least one evidence link")},
        )
    before = claim_snapshot(claim)
    claim.transition(ClaimAction.APPROVE)
    claim.final_verdict = verdict
    claim.approval_note = note or None
    claim.approved_by_id = actor.id
    claim.approved_at = utcnow()
    claim.return_comment = None
    _audit_claim(session, actor, "claim.approved", claim, before)
    webhooks.enqueue(session, WebhookEvent.CLAIM_APPROVED, {
        "claim_id": claim.id, "article_id": claim.article_id, "final_verdict": claim.final_verdict,
        "statement": claim.effective_statement, "approved_by": actor.display_name, "approved_at": iso(claim.approved_at),
    })  # fmt: skip
    return claim


def return_claim(session: Session, *, actor, claim_id, comment, version) -> Claim:
    """Send a reviewed claim back to its reviewers with a comment they will see."""
    limits = settings_of(session)
    comment = clean_text(comment, "comment", max_chars=limits.MAX_NOTE_CHARS, required=True)
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.RETURN_CLAIM)
    check_version(claim, version, what=N_("claim %(id)s", id=claim.id))
    require(actor, Permission.RETURN_CLAIM, claim)
    before = claim_snapshot(claim)
    claim.transition(ClaimAction.RETURN)
    claim.return_comment = comment
    _audit_claim(session, actor, "claim.returned", claim, before)
    notifications.returned(session, actor=actor, claim=claim)
    return claim


def reopen_claim(session: Session, *, actor, claim_id, reason, version) -> Claim:
    """Unlock an approved claim (reason required); its article is no longer approved."""
    limits = settings_of(session)
    reason = clean_text(reason, "reason", max_chars=limits.MAX_REASON_CHARS, required=True)
    claim = get_claim(session, claim_id, for_update=True)
    require_actor(actor, Permission.REOPEN_CLAIM)
    check_version(claim, version, what=N_("claim %(id)s", id=claim.id))
    require(actor, Permission.REOPEN_CLAIM, claim)
    before = dict(claim_snapshot(claim), reopen_reason=None)
    claim.transition(ClaimAction.REOPEN)
    claim.final_verdict = claim.approved_at = claim.approved_by_id = claim.approval_note = None
    article = claim.article
    session.flush()
    audit.record(session, actor, "claim.reopened", "claim", claim.id, article_id=claim.article_id,
                 before=before, after=dict(claim_snapshot(claim), reopen_reason=reason))  # fmt: skip
    if article.status == ArticleStatus.APPROVED:  # the article's own transition, its own event
        article_before = article_snapshot(article)
        article.transition(ArticleAction.REOPEN)
        article.approved_at = article.approved_by_id = None
        session.flush()
        audit.record(session, actor, "article.reopened", "article", article.id, article_id=article.id,
                     before=article_before,
                     after=dict(article_snapshot(article), reopened_claim_id=claim.id, reason=reason))  # fmt: skip
    return claim
