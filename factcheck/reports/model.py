"""The read-only report object that every renderer consumes.

Built once per article by ``factcheck.reports.build`` from the database; renderers in
``factcheck.reports.render`` turn it into HTML, Markdown, CSV, JSON, ... and never touch
the database themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from factcheck.models.vocabulary import Verdict, stance_contradicts

VERDICTS = tuple(v.value for v in Verdict)
VERDICT_LABELS = {v.value: v.label for v in Verdict}


@dataclass(frozen=True)
class EvidenceItem:
    url: str
    title: str
    stance: str  # supports | contradicts | context
    excerpt: str | None = None
    archived_url: str | None = None


@dataclass(frozen=True)
class ReviewItem:
    reviewer: str  # display name
    verdict: str  # one of VERDICTS
    note: str  # Markdown as typed
    note_html: str  # sanitized HTML (factcheck.text.markup.render_markdown)
    links: tuple[EvidenceItem, ...]
    updated_at: datetime
    first_verdict: str | None = None  # as first submitted, when a revision changed it
    revised_after_seen: bool = False  # revised while its author could read the other reviews

    def contradicts(self, link: EvidenceItem) -> bool:
        """The link's stance argues against this review's own verdict (flagged)."""
        return stance_contradicts(self.verdict, link.stance)


@dataclass(frozen=True)
class ClaimItem:
    id: int
    seq: int  # 1-based position in the article
    start: int
    end: int
    text: str  # == body[start:end]
    statement: str  # the checkable claim in the desk's words (defaults to text)
    speaker: str | None
    is_quote: bool
    status: str  # open | reviewed | approved | returned | excluded
    final_verdict: str | None  # set only when approved
    approval_note: str | None
    approval_note_html: str
    approved_by: str | None
    approved_at: datetime | None
    excluded_reason: str | None
    checkworthiness: float
    reviews: tuple[ReviewItem, ...]
    speaker_type: str | None = None  # person | organization | document | unnamed


@dataclass(frozen=True)
class Summary:
    total: int
    confirmed: int
    unconfirmed: int
    disputed: int
    pending: int  # not excluded and not approved
    excluded: int


@dataclass(frozen=True)
class Report:
    article_id: int
    title: str
    body: str
    status: str  # draft | in_review | approved
    is_final: bool  # True only when the article is approved; otherwise every format says DRAFT
    publisher: str | None
    original_publisher: str | None
    byline: str | None
    published_at: datetime | None
    source_url: str | None
    approved_at: datetime | None
    approved_by: str | None
    claims: tuple[ClaimItem, ...]
    summary: Summary
    last_event_hash: str | None  # hash of the article's latest audit event
    chain_head_seq: int | None  # the whole trail's head at build time
    chain_head_hash: str | None
    generated_at: datetime
    report_url: str | None = None  # where the desk publishes this report (ClaimReview url)
    organisation: str = "Factcheck desk"  # ClaimReview author
    language: str = "en"  # the article's (ISO 639-1): the claims' language (W3C, itemReviewed)
    report_language: str = "en"  # the report's own words (chosen at export): ClaimReview inLanguage
    # Where each metadata field came from ("user", "page", "text"); None: not recorded.
    meta_sources: dict | None = None
    extra: dict = field(default_factory=dict)
