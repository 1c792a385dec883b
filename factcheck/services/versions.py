"""Corrected versions of an article: keep every version, re-anchor every claim.

Unchanged and moved claims keep their reviews and verdicts; edited claims go back to
review (returned, with the change quoted); orphaned claims (their text is gone) leave
review but keep their history; new sentences become new claims. Every step is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from factcheck.errors import N_, InvalidInput, InvalidTransition
from factcheck.models import Article, ArticleVersion, Claim, ClaimAction
from factcheck.models.transitions import allows
from factcheck.permissions import Permission, can, require, require_actor, why_not
from factcheck.services import audit, notifications
from factcheck.services.common import check_version, claim_from_span, claim_snapshot, get_article
from factcheck.services.sources import Source, split_of
from factcheck.text import splitting
from factcheck.text.anchoring import Anchor, OldClaim, reanchor


def import_new_version(session: Session, *, actor, article_id, source: Source, version) -> dict:
    """Store a corrected version and re-anchor the claims; returns the counts per outcome."""
    article = get_article(session, article_id, for_update=True)
    require_actor(actor, Permission.IMPORT_VERSION)
    check_version(article, version, what=N_("article %(id)s", id=article.id))
    require(actor, Permission.IMPORT_VERSION, article)  # an approved article is final
    # split by the entry point, before this transaction; again here only when the version was
    # detected in another language than the article's (the article's rules apply)
    body, _language, result = split_of(source, article.language)
    if body == article.body:
        raise InvalidInput(
            N_("this version is identical to the current one"),
            errors={"text": N_("identical to the current version")},
        )
    if not result.claims:
        raise InvalidInput(
            N_("no sentence found in the new version"), errors={"text": N_("no sentence found")}
        )
    old_body, number = article.body, article.current_version + 1
    claims = list(article.claims)
    anchors, leftovers = reanchor(
        old_body,
        body,
        [OldClaim(c.id, c.start, c.end, c.text) for c in claims],
        [(c.start, c.end) for c in result.claims],
    )
    by_id = {c.id: c for c in claims}
    _require_unlocked(actor, [by_id[a.claim_id] for a in anchors if a.kind in TEXT_CHANGES])
    article.body, article.raw_input, article.input_kind = body, source.raw, source.kind
    article.filename = (source.filename or article.filename or "")[:255] or None
    article.boilerplate = [[b.start, b.end, b.kind] for b in result.boilerplate]
    article.current_version = number
    counts = {"unchanged": 0, "moved": 0, "edited": 0, "orphaned": 0, "new": 0}
    for anchor in anchors:
        counts[anchor.kind] += 1
        _apply(session, actor, by_id[anchor.claim_id], anchor, body, number)
    spans = {(c.start, c.end): c for c in result.claims}
    for start, end in leftovers:
        counts["new"] += 1
        _add_new(session, actor, article, spans[(start, end)], number)
    session.add(ArticleVersion(article_id=article.id, number=number, raw_input=source.raw, input_kind=source.kind,
                               filename=article.filename, body=body, boilerplate=article.boilerplate,
                               summary=counts, created_by_id=getattr(actor, "id", None)))  # fmt: skip
    session.flush()
    audit.record(session, actor, "article.version_imported", "article", article.id, article_id=article.id,
                 before={"version": number - 1, "chars": len(old_body)},
                 after={"version": number, "chars": len(body), **counts})  # fmt: skip
    notifications.new_version(session, actor=actor, article=article)
    return counts


# Anchor outcomes that change a claim's text (its verdict judged the old one). A moved claim
# keeps its exact text and with it its approval.
TEXT_CHANGES = frozenset({"edited", "orphaned"})


def _require_unlocked(actor, changed: list[Claim]) -> None:
    """Refuse a version that would edit or remove an approved (locked) claim, naming them all."""
    locked = [c for c in changed if not can(actor, Permission.CHANGE_CLAIM_TEXT, c)]
    if locked:
        ids = ", ".join(str(c.id) for c in locked)
        raise InvalidTransition(
            N_(
                "this version changes or removes the text of approved claim(s) %(ids)s: %(value)s; nothing was saved",
                ids=ids,
                value=why_not(actor, Permission.CHANGE_CLAIM_TEXT, locked[0]),
            )
        )


def _apply(session: Session, actor, claim: Claim, anchor: Anchor, body: str, number: int) -> None:
    before = dict(claim_snapshot(claim), anchor=claim.anchor)
    claim.anchor = anchor.kind
    if anchor.kind == "orphaned":
        claim.transition(ClaimAction.ORPHAN)
        claim.excluded_reason = (
            f"orphaned by version {number}: its text is no longer in the article"
        )
    else:
        claim.start, claim.end, claim.text, claim.body_version = (
            anchor.start,
            anchor.end,
            body[anchor.start : anchor.end],
            number,
        )
    if anchor.kind == "edited":
        claim.checkworthiness, reasons = splitting.score_checkworthiness(
            claim.text, claim.article.language
        )
        claim.reasons = list(reasons)
        if allows(claim.status, ClaimAction.CORRECT):  # it had reviews: they judged old text
            claim.transition(ClaimAction.CORRECT)
            claim.return_comment = (
                f"The article was corrected (version {number}) and this claim's text changed "
                f"from “{before['text'][:300]}”. Review it again."
            )
            claim.final_verdict = claim.approved_at = claim.approved_by_id = claim.approval_note = (
                None
            )
    session.flush()
    if anchor.kind != "unchanged":
        audit.record(session, actor, "claim.reanchored", "claim", claim.id, article_id=claim.article_id,
                     before=before, after=dict(claim_snapshot(claim), anchor=anchor.kind, body_version=number))  # fmt: skip


def _add_new(session: Session, actor, article: Article, span, number: int) -> None:
    claim = claim_from_span(span, article=article, body_version=number, anchor="new")
    session.add(claim)
    session.flush()
    audit.record(session, actor, "claim.added", "claim", claim.id, article_id=article.id,
                 after=dict(claim_snapshot(claim), anchor="new", body_version=number))  # fmt: skip


def list_versions(session: Session, article: Article) -> list[ArticleVersion]:
    return list(article.versions)


def orphans(session: Session, article: Article) -> list[Claim]:
    """Claims whose text a correction removed (kept with their reviews and history)."""
    return list(session.scalars(
        select(Claim).where(Claim.article_id == article.id, Claim.anchor == "orphaned")
        .order_by(Claim.start, Claim.id)
        .options(selectinload(Claim.reviews))  # the page counts each orphan's reviews
    ))  # fmt: skip
