"""W3C Web Annotation JSON-LD: one Annotation per claim, anchored in the article body.

Offsets are Python ``str`` offsets, i.e. Unicode code points, as the Web Annotation
TextPositionSelector requires; TextQuoteSelector carries up to 32 code points of context.
They count into the desk's stored text (the normalised body), so ``target.source`` is that
text (a URN naming the article and the body's digest), with the publisher's page as its
``via``: the publisher's HTML has other offsets.
"""

from __future__ import annotations

import hashlib

from factcheck.reports.formats import common
from factcheck.reports.model import ClaimItem, Report
from factcheck.reports.words import words

ANNO = "http://www.w3.org/ns/anno.jsonld"
# "draft" is the desk's own term (the W3C context has none): true unless approved.
DESK_TERMS = {"draft": {"@id": "urn:factcheck:vocab:draft",
                        "@type": "http://www.w3.org/2001/XMLSchema#boolean"}}  # fmt: skip
CONTEXT = [ANNO, DESK_TERMS]
QUOTE_CONTEXT = 32


def annotation_collection(report: Report) -> dict:
    """The claims as an AnnotationCollection with one embedded AnnotationPage."""
    base = common.safe_url(report.report_url)
    collection_id = base or f"urn:factcheck:report:{report.article_id}"
    page_id = f"{collection_id}#page-1" if base else f"{collection_id}:page:1"
    draft = "DRAFT — " if not report.is_final else ""
    source = text_source(report)
    items = [_annotation(report, claim, source) for claim in report.claims]
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"{draft}Fact-check annotations: {report.title}",
        "draft": not report.is_final,
        "creator": _desk(report),
        "generated": common.iso_utc(report.generated_at),
        "total": len(items),
        "first": {
            "id": page_id,
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": items,
        },
        "last": page_id,
    }


def _desk(report: Report) -> dict:
    return {"type": "Organization", "name": report.organisation}


def text_source(report: Report) -> dict:
    """The resource the offsets count into: the desk's stored text of the article."""
    digest = hashlib.sha256(report.body.encode("utf-8", "surrogatepass")).hexdigest()
    source = {
        "id": f"urn:factcheck:article:{report.article_id}:text:sha256:{digest}",
        "type": "Text",
        "format": "text/plain",
        "language": report.language,  # of the annotated text (the verdict body says "en")
    }
    publisher = common.safe_url(report.source_url)
    if publisher:
        source["via"] = publisher  # where the desk's text was taken from
    return source


def _target(report: Report, claim: ClaimItem, source: dict) -> dict:
    body = report.body
    start, end = claim.start, claim.end
    return {
        "type": "SpecificResource",
        "source": source,
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


def _bodies(report: Report, claim: ClaimItem) -> list[dict]:
    bodies = [
        {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": words(report.report_language).outcome(claim),
            "format": "text/plain",
            "language": report.report_language,
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


def _annotation(report: Report, claim: ClaimItem, source: dict) -> dict:
    url = common.claim_url(report, claim)
    annotation = {
        "id": url or f"urn:factcheck:claim:{claim.id}",
        "type": "Annotation",
        "motivation": "assessing",
        "creator": _desk(report),
        "body": _bodies(report, claim),
        "target": _target(report, claim, source),
    }
    # created: the first review (or the approval, or this export when neither exists yet);
    # modified: the latest change after that, when there is one.
    times = sorted([r.updated_at for r in claim.reviews] + [t for t in [claim.approved_at] if t])
    created = times[0] if times else report.generated_at
    annotation["created"] = common.iso_utc(created)
    if times and times[-1] > created:
        annotation["modified"] = common.iso_utc(times[-1])
    return annotation


def render_w3c(report: Report) -> bytes:
    """The claims as a Web Annotation collection, safe to embed in a script tag."""
    return common.json_bytes(annotation_collection(report))
