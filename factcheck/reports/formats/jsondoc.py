"""The JSON export, documented by ``schema/report-v1.schema.json``."""

from __future__ import annotations

from factcheck.models.vocabulary import Verdict
from factcheck.reports.formats import common
from factcheck.reports.model import ClaimItem, EvidenceItem, Report, ReviewItem

SCHEMA_ID = "factcheck.report/v1"


def report_data(report: Report) -> dict:
    """The report as plain JSON-ready data (times ISO 8601 UTC with ``Z``)."""
    s = report.summary
    return {
        "schema": SCHEMA_ID,
        "draft": not report.is_final,
        "article": {
            "id": report.article_id,
            "title": report.title,
            "status": report.status,
            "publisher": report.publisher,
            "original_publisher": report.original_publisher,
            "byline": report.byline,
            "published_at": common.iso_utc(report.published_at),
            "meta_sources": dict(report.meta_sources) if report.meta_sources is not None else None,
            "source_url": report.source_url,
            "approved_at": common.iso_utc(report.approved_at),
            "approved_by": report.approved_by,
            "report_url": report.report_url,
            "organisation": report.organisation,
            "body": report.body,
        },
        "summary": {
            "total": s.total,
            **{v.value: getattr(s, v.value) for v in Verdict},
            "pending": s.pending,
            "excluded": s.excluded,
        },
        "claims": [_claim(claim) for claim in report.claims],
        "audit": {
            "last_event_hash": report.last_event_hash,
            "chain_head": {"seq": report.chain_head_seq, "hash": report.chain_head_hash},
        },
        "generated_at": common.iso_utc(report.generated_at),
    }


def _claim(claim: ClaimItem) -> dict:
    return {
        "id": claim.id,
        "seq": claim.seq,
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "statement": claim.statement,
        "speaker": claim.speaker,
        "is_quote": claim.is_quote,
        "status": claim.status,
        "final_verdict": claim.final_verdict,
        "final_verdict_label": common.verdict_label(claim.final_verdict),
        "approval_note": claim.approval_note,
        "approval_note_html": common.clean_html(claim.approval_note_html) or None,
        "approved_by": claim.approved_by,
        "approved_at": common.iso_utc(claim.approved_at),
        "excluded_reason": claim.excluded_reason,
        "checkworthiness": claim.checkworthiness,
        "reviews": [_review(review) for review in claim.reviews],
    }


def _review(review: ReviewItem) -> dict:
    return {
        "reviewer": review.reviewer,
        "verdict": review.verdict,
        "note": review.note,
        "note_html": common.clean_html(review.note_html),
        "updated_at": common.iso_utc(review.updated_at),
        "links": [_link(link, review) for link in review.links],
        "first_verdict": review.first_verdict or review.verdict,
        "revised_after_seen": review.revised_after_seen,
    }


def _link(link: EvidenceItem, review: ReviewItem) -> dict:
    return {
        "contradicts_verdict": review.contradicts(link),
        "url": link.url,
        "title": link.title,
        "stance": link.stance,
        "excerpt": link.excerpt,
        "archived_url": link.archived_url,
    }


def render_json(report: Report) -> bytes:
    """The report as JSON (UTF-8; ``<``, ``>`` and ``&`` escaped as ``\\u003c`` etc.)."""
    return common.json_bytes(report_data(report))
