"""W3C Web Annotation JSON-LD: one Annotation per claim, anchored in the article body.

Offsets are Python ``str`` offsets, i.e. Unicode code points, as the Web Annotation
TextPositionSelector requires; TextQuoteSelector carries up to 32 code points of context.
"""

from __future__ import annotations

from factcheck.reports.formats import common
from factcheck.reports.model import ClaimItem, Report

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT = 32


def annotation_collection(report: Report) -> dict:
    """The claims as an AnnotationCollection with one embedded AnnotationPage."""
    base = common.safe_url(report.report_url)
    collection_id = base or f"urn:factcheck:report:{report.article_id}"
    draft = "DRAFT — " if not report.is_final else ""
    items = [_annotation(report, claim) for claim in report.claims]
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"{draft}Fact-check annotations: {report.title}",
        "draft": not report.is_final,
        "creator": {"type": "Organization", "name": report.organisation},
        "generated": common.iso_utc(report.generated_at),
        "total": len(items),
        "first": {
            "id": f"{collection_id}#page-1" if base else f"{collection_id}:page:1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }


def _target(report: Report, claim: ClaimItem) -> dict:
    body = report.body
    start, end = claim.start, claim.end
    return {
        "source": common.safe_url(report.source_url)
        or f"urn:factcheck:article:{report.article_id}",
        "language": report.language,  # of the annotated text (the verdict body says "en")
        "selector": [
            {"type": "TextPositionSelector", "start": start, "end": end},
            {
                "type": "TextQuoteSelector",
                "exact": body[start:end],
                "prefix": body[max(0, start - QUOTE_CONTEXT) : start],
                "suffix": body[end : end + QUOTE_CONTEXT],
            },
        ],
    }


def _bodies(claim: ClaimItem) -> list[dict]:
    bodies = [
        {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": common.outcome_label(claim),
            "format": "text/plain",
            "language": "en",
        }
    ]
    if claim.approval_note:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": claim.approval_note,
                "format": "text/markdown",
            }
        )
    for url in common.evidence_urls(claim):
        safe = common.safe_url(url)
        if safe:
            bodies.append({"type": "SpecificResource", "purpose": "linking", "source": safe})
    return bodies


def _annotation(report: Report, claim: ClaimItem) -> dict:
    url = common.claim_url(report, claim)
    annotation = {
        "id": url or f"urn:factcheck:claim:{claim.id}",
        "type": "Annotation",
        "motivation": "assessing",
        "body": _bodies(claim),
        "target": _target(report, claim),
    }
    if claim.approved_at is not None:
        annotation["modified"] = common.iso_utc(claim.approved_at)
    return annotation


def render_w3c(report: Report) -> bytes:
    """The claims as a Web Annotation collection, safe to embed in a script tag."""
    return common.json_bytes(annotation_collection(report))
