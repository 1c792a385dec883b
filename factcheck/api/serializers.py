"""JSON shapes of the API (API.md)."""

from __future__ import annotations

from factcheck.models import Article, Claim, Review, User, iso
from factcheck.services.reviews import SavedReview
from factcheck.text.markup import render_markdown


def user_json(u: User) -> dict:
    return {
        "id": u.id,
        "email": u.email,
        "display_name": u.display_name,
        "role": u.role,
        "active": u.active,
    }


def claim_json(c: Claim, seq: int | None = ...) -> dict:
    """A claim; seq is given by lists (position), looked up for a single claim, or None."""
    return {
        "id": c.id, "article_id": c.article_id, "seq": c.seq if seq is ... else seq,
        "number": c.number,
        "start": c.start, "end": c.end, "text": c.text, "statement": c.effective_statement,
        "speaker": c.speaker, "speaker_type": c.speaker_type,
        "speaker_confidence": c.speaker_confidence, "is_quote": c.is_quote, "checkworthiness": c.checkworthiness,
        "reasons": list(c.reasons or []), "status": c.status, "final_verdict": c.final_verdict,
        "approved_by": c.approved_by_id, "approved_at": iso(c.approved_at),
        "approval_note": c.approval_note, "return_comment": c.return_comment,
        "excluded_reason": c.excluded_reason, "version": c.version,
    }  # fmt: skip


def review_json(r: Review | SavedReview) -> dict:
    if isinstance(r, SavedReview):  # as a save left it: no reload
        reviewer, links = r.reviewer, r.links
    else:
        reviewer, links = r.reviewer.display_name, [link.as_dict() for link in r.links]
    return {
        "id": r.id, "claim_id": r.claim_id, "reviewer_id": r.reviewer_id,
        "reviewer": reviewer, "verdict": r.verdict, "note": r.note,
        "note_html": render_markdown(r.note), "links": links,
        "created_at": iso(r.created_at), "updated_at": iso(r.updated_at), "version": r.version,
        "first_verdict": r.first_verdict or r.verdict, "revised_after_seen": bool(r.revised_after_seen),
    }  # fmt: skip


def article_summary(a: Article, progress: dict) -> dict:
    return {"id": a.id, "title": a.title, "status": a.status, "language": a.language,
            "created_at": iso(a.created_at),
            "version": a.version, "progress": progress}  # fmt: skip


def article_json(a: Article, progress: dict, claims: list[Claim]) -> dict:
    return {
        **article_summary(a, progress),
        "publisher": a.publisher, "original_publisher": a.original_publisher, "byline": a.byline,
        "published_at": a.published_at, "source_url": a.source_url, "input_kind": a.input_kind,
        "filename": a.filename, "body": a.body, "approved_at": iso(a.approved_at),
        "approved_by": a.approved_by_id, "published_url": a.published_url,
        "meta_sources": a.meta_sources,
        "boilerplate": [{"start": s, "end": e, "kind": k} for s, e, k in (a.boilerplate or [])],
        "claims": [claim_json(c, i) for i, c in enumerate(claims, start=1)],
    }  # fmt: skip
