"""Build the read-only Report of one article, as a given viewer may see it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.models import (
    Article,
    Claim,
    ClaimStatus,
    EvidenceLink,
    Review,
    User,
    Verdict,
    utcnow,
)
from factcheck.reports.model import ClaimItem, EvidenceItem, Report, ReviewItem, Summary
from factcheck.services import blind
from factcheck.services.audit import chain_head, last_article_event, last_article_event_seen
from factcheck.services.reviews import visible_review_rows
from factcheck.settings import settings_of
from factcheck.text.markup import render_markdown

_CLAIM_COLUMNS = (
    Claim.id, Claim.start, Claim.end, Claim.text, Claim.statement, Claim.speaker, Claim.is_quote,
    Claim.status, Claim.final_verdict, Claim.approval_note, Claim.approved_at,
    Claim.excluded_reason, Claim.checkworthiness, Claim.speaker_type, Claim.return_comment,
    User.display_name.label("approved_by"),
)  # fmt: skip
_REVIEW_COLUMNS = (
    Review.id, Review.claim_id, Review.reviewer_id, Review.verdict, Review.note, Review.updated_at,
    Review.first_verdict, Review.revised_after_seen, User.display_name.label("reviewer"),
)  # fmt: skip
_LINK_COLUMNS = (
    EvidenceLink.review_id, EvidenceLink.url, EvidenceLink.title, EvidenceLink.stance,
    EvidenceLink.excerpt, EvidenceLink.archived_url,
)  # fmt: skip


def _rows(session: Session, article_id: int):
    """The article's current claims, their reviews (with the reviewer's name) and the
    reviews' evidence links: three statements of columns, no ORM objects (loading the
    objects with their relationships was most of a big export's time)."""
    current = (Claim.article_id == article_id, Claim.current())
    claims = session.execute(
        select(*_CLAIM_COLUMNS)
        .outerjoin(User, User.id == Claim.approved_by_id)
        .where(*current)
        .order_by(Claim.start)
    ).all()
    ids = select(Claim.id).where(*current).scalar_subquery()
    reviews = session.execute(
        select(*_REVIEW_COLUMNS)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.claim_id.in_(ids))
        .order_by(Review.claim_id, Review.id)
    ).all()
    links: dict[int, list[EvidenceItem]] = {}
    if reviews:
        for row in session.execute(
            select(*_LINK_COLUMNS)
            .join(Review, Review.id == EvidenceLink.review_id)
            .where(Review.claim_id.in_(ids))
            .order_by(EvidenceLink.review_id, EvidenceLink.position)
        ):
            links.setdefault(row.review_id, []).append(
                EvidenceItem(row.url, row.title, row.stance, row.excerpt, row.archived_url)
            )
    by_claim: dict[int, list] = {}
    for r in reviews:
        by_claim.setdefault(r.claim_id, []).append(r)
    return claims, by_claim, links


def _review_item(r, links: dict[int, list[EvidenceItem]]) -> ReviewItem:
    return ReviewItem(
        reviewer=r.reviewer,
        verdict=r.verdict,
        note=r.note,
        note_html=render_markdown(r.note),
        links=tuple(links.get(r.id, ())),
        updated_at=r.updated_at,
        first_verdict=r.first_verdict if r.first_verdict not in (None, r.verdict) else None,
        revised_after_seen=bool(r.revised_after_seen),
    )


def _claim_item(session: Session, c, seq: int, viewer, reviews, links) -> ClaimItem:
    status = c.status
    if viewer is not None:  # blind review: the one rule, on what these rows say of the claim
        status = blind.seen_status_of_rows(viewer, c.id, c.status, c.return_comment, reviews)
        reviews = visible_review_rows(session, viewer, c.id, c.status, reviews)
    return ClaimItem(
        id=c.id, seq=seq, start=c.start, end=c.end, text=c.text,
        statement=c.statement or c.text, speaker=c.speaker, is_quote=c.is_quote,
        status=status, final_verdict=c.final_verdict, approval_note=c.approval_note,
        approval_note_html=render_markdown(c.approval_note),
        approved_by=c.approved_by, approved_at=c.approved_at, excluded_reason=c.excluded_reason,
        checkworthiness=c.checkworthiness, reviews=tuple(_review_item(r, links) for r in reviews),
        speaker_type=c.speaker_type,
    )  # fmt: skip


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def _summary(claims: list[Claim]) -> Summary:
    verdicts = [c.final_verdict for c in claims if c.status == ClaimStatus.APPROVED]
    excluded = sum(c.status == ClaimStatus.EXCLUDED for c in claims)
    return Summary(
        total=len(claims),
        confirmed=verdicts.count(Verdict.CONFIRMED),
        unconfirmed=verdicts.count(Verdict.UNCONFIRMED),
        disputed=verdicts.count(Verdict.DISPUTED),
        pending=len(claims) - len(verdicts) - excluded,
        excluded=excluded,
    )


def build_report(session: Session, article: Article, *, viewer=None, language=None) -> Report:
    """Read an article, its claims, visible reviews and audit digest into a Report.

    ``language``: the report's words (one of settings.LOCALES); None: the desk's default
    (FACTCHECK_REPORT_LANGUAGE, else FACTCHECK_DEFAULT_LOCALE).

    Its ``report_url`` is the public address of the published fact-check (the lead's, or
    FACTCHECK_PUBLISHED_BASE_URL's for the article), only once the article is approved:
    never the desk's own pages."""
    settings = settings_of(session)
    claims, reviews, links = _rows(session, article.id)
    if viewer is None or blind.sees_every_review(viewer):
        last_hash = session.scalar(last_article_event(article.id))
    else:  # blind review: the last event this viewer may know of
        last_hash = session.scalar(last_article_event_seen(article.id, getattr(viewer, "id", None)))
    head = chain_head(session)
    return Report(
        article_id=article.id, title=article.title, body=article.body, status=article.status,
        is_final=article.status == "approved", publisher=article.publisher,
        original_publisher=article.original_publisher, byline=article.byline,
        published_at=_date(article.published_at), source_url=article.source_url, approved_at=article.approved_at,
        approved_by=article.approved_by.display_name if article.approved_by else None,
        claims=tuple(_claim_item(session, c, i, viewer, reviews.get(c.id, []), links)
                     for i, c in enumerate(claims, 1)),
        summary=_summary(claims), last_event_hash=last_hash,
        chain_head_seq=head[0] if head else None, chain_head_hash=head[1] if head else None,
        generated_at=utcnow(), report_url=settings.public_address(article),
        organisation=settings.ORGANISATION, meta_sources=article.meta_sources, language=article.language,
        report_language=language or settings.report_language,
    )  # fmt: skip
