"""schema.org ClaimReview JSON-LD: one ClaimReview per approved claim of an approved article.

Follows Google's fact-check structured data guidance: claimReviewed (the claim's statement,
which the lead shortens), reviewRating (alternateName, ratingValue, bestRating,
worstRating), url (the public address of the published fact-check, never the desk's
pages), author, datePublished, inLanguage and itemReviewed as a Claim with author,
datePublished and appearance. A draft has none: the services refuse it (NotPublished),
and a report without a public address renders an empty list.
"""

from __future__ import annotations

from factcheck.reports.formats import common
from factcheck.reports.model import ClaimItem, Report
from factcheck.reports.words import words

BEST_RATING = max(common.RATING_VALUES.values())
WORST_RATING = min(common.RATING_VALUES.values())


def claim_reviews(report: Report) -> list[dict]:
    """The ClaimReview objects of the report's approved claims, in article order."""
    if not report.is_final or common.safe_url(report.report_url) is None:
        return []  # nothing unapproved, nor anything without its public address, goes out
    return [
        _claim_review(report, claim)
        for claim in report.claims
        if claim.status == "approved" and claim.final_verdict in common.RATING_VALUES
    ]


def _claim_review(report: Report, claim: ClaimItem) -> dict:
    label = words(report.report_language).verdict(claim.final_verdict)  # the review's words
    review: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.statement or claim.text,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": common.RATING_VALUES[claim.final_verdict],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": label,
            "name": label,
        },
        "itemReviewed": _item_reviewed(report, claim),
        "author": {"@type": "Organization", "name": report.organisation},
        "url": common.claim_url(report, claim),
        "inLanguage": report.report_language,  # the review's; itemReviewed's is the claim's
    }
    published = report.approved_at or claim.approved_at
    if published is not None:
        review["datePublished"] = common.iso_date(published)
    return review


# schema.org's author is a Person or an Organization: a document speaks for its publisher
_AUTHOR_TYPE = {"organization": "Organization", "document": "Organization"}


def _item_reviewed(report: Report, claim: ClaimItem) -> dict:
    item: dict = {"@type": "Claim", "inLanguage": report.language}  # the claim's, not the review's
    if claim.speaker:
        item["author"] = {
            "@type": _AUTHOR_TYPE.get(claim.speaker_type, "Person"),
            "name": claim.speaker,
        }
    elif report.original_publisher or report.publisher:
        name = report.original_publisher or report.publisher
        item["author"] = {"@type": "Organization", "name": name}
    if report.published_at is not None:
        item["datePublished"] = common.iso_date(report.published_at)
    source = common.safe_url(report.source_url)
    if source:
        appearance = {"@type": "NewsArticle", "url": source, "inLanguage": report.language}
        if report.title:
            appearance["headline"] = report.title
        item["appearance"] = appearance
        if not claim.is_quote:
            # The article's own assertion first appeared in the article itself.
            item["firstAppearance"] = appearance
    return item


def render_claimreview(report: Report) -> bytes:
    """The approved claims as a JSON array of ClaimReview, safe to embed in a script tag."""
    return common.json_bytes(claim_reviews(report))
