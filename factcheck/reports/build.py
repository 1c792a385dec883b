"""Build the read-only Report of one article, as a given viewer may see it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from factcheck.models import Article, Claim, ClaimStatus, Review, Verdict, utcnow
from factcheck.reports.model import ClaimItem, EvidenceItem, Report, ReviewItem, Summary
from factcheck.services.audit import chain_head, last_article_event
from factcheck.services.reviews import visible_reviews
from factcheck.settings import settings_of
from factcheck.text.markup import render_markdown


def _review_item(r: Review) -> ReviewItem:
    return ReviewItem(
        reviewer=r.reviewer.display_name,
        verdict=r.verdict,
        note=r.note,
        note_html=render_markdown(r.note),
        links=tuple(EvidenceItem(**link.as_dict()) for link in r.links),
        updated_at=r.updated_at,
        first_verdict=r.first_verdict if r.first_verdict not in (None, r.verdict) else None,
        revised_after_seen=bool(r.revised_after_seen),
    )


def _claim_item(session: Session, c: Claim, seq: int, viewer) -> ClaimItem:
    reviews = visible_reviews(session, viewer, c) if viewer is not None else list(c.reviews)
    return ClaimItem(
        id=c.id, seq=seq, start=c.start, end=c.end, text=c.text,
        statement=c.effective_statement, speaker=c.speaker, is_quote=c.is_quote,
        status=c.status, final_verdict=c.final_verdict, approval_note=c.approval_note,
        approval_note_html=render_markdown(c.approval_note),
        approved_by=c.approved_by.display_name if c.approved_by else None,
        approved_at=c.approved_at, excluded_reason=c.excluded_reason,
        checkworthiness=c.checkworthiness, reviews=tuple(_review_item(r) for r in reviews),
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


def build_report(session: Session, article: Article, *, viewer=None) -> Report:
    """Read an article, its claims, visible reviews and audit digest into a Report.

    Its ``report_url`` is the public address of the published fact-check (the lead's, or
    FACTCHECK_PUBLISHED_BASE_URL's for the article), only once the article is approved:
    never the desk's own pages."""
    settings = settings_of(session)
    claims = session.scalars(
        select(Claim)
        .where(Claim.article_id == article.id, Claim.current())
        .order_by(Claim.start)
        .options(
            selectinload(Claim.reviews).selectinload(Review.links),
            selectinload(Claim.reviews).selectinload(Review.reviewer),
            selectinload(Claim.approved_by),
        )
    ).all()
    last_hash = session.scalar(last_article_event(article.id))
    head = chain_head(session)
    return Report(
        article_id=article.id, title=article.title, body=article.body, status=article.status,
        is_final=article.status == "approved", publisher=article.publisher,
        original_publisher=article.original_publisher, byline=article.byline,
        published_at=_date(article.published_at), source_url=article.source_url, approved_at=article.approved_at,
        approved_by=article.approved_by.display_name if article.approved_by else None,
        claims=tuple(_claim_item(session, c, i, viewer) for i, c in enumerate(claims, 1)),
        summary=_summary(claims), last_event_hash=last_hash,
        chain_head_seq=head[0] if head else None, chain_head_hash=head[1] if head else None,
        generated_at=utcnow(), report_url=settings.public_address(article),
        organisation=settings.ORGANISATION, meta_sources=article.meta_sources, language=article.language,
    )  # fmt: skip
