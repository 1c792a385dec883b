"""Claims: spans of an article's body. Invariant: text == article.body[start:end]."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    event,
    false,
    func,
    or_,
    select,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, Session, aliased, deferred, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.transitions import ClaimAction, ClaimStatus, next_status
from factcheck.models.types import UTCDateTime, enum_column, utcnow
from factcheck.models.vocabulary import Verdict


class Claim(db.Model):
    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="span"),
        Index("ix_claims_article_start", "article_id", "start_offset"),
        Index("ux_claims_article_number", "article_id", "number", unique=True),
        # the badge's counts (claims in a status, with or without a conflict) and the lead
        # desk's pages of them in reading order
        Index(
            "ix_claims_status_disagree", "status", "verdicts_disagree", "article_id", "start_offset"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    start: Mapped[int] = mapped_column("start_offset")
    end: Mapped[int] = mapped_column("end_offset")
    # The claim's number in its article, kept for its life (issue #19 item 4): split, merge,
    # undo, corrected versions and added claims never renumber the others, so "claim 12"
    # in a note, a discussion or a link means the same claim tomorrow. Given at the flush
    # (_number_new_claims): 1..n at import in reading order, then the article's next.
    # NULL only in the database's eyes (SQLite cannot add NOT NULL to claims in place).
    number: Mapped[int | None] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    statement: Mapped[str | None] = mapped_column(Text)  # the desk's wording; None = text
    speaker: Mapped[str | None] = mapped_column(String(500))
    # person | organization | document | unnamed (None: no speaker, or not known)
    speaker_type: Mapped[str | None] = mapped_column(String(16))
    # how sure the splitter was of the speaker; 1.0 once a person set or confirmed it
    speaker_confidence: Mapped[float | None] = mapped_column(Float)
    is_quote: Mapped[bool] = mapped_column(default=False)
    checkworthiness: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column(ClaimStatus, "status"), default=ClaimStatus.OPEN
    )  # indexed first in ix_claims_status_disagree
    final_verdict: Mapped[Verdict | None] = mapped_column(enum_column(Verdict, "verdict"))
    # A conflict: the claim's reviews carry more than one distinct verdict (migration 0029).
    # Kept by the one statement that writes reviews (services/reviews._UPDATE_CLAIM) in the
    # same transaction; reviews leave only with their claim. Read by services/assignments.
    verdicts_disagree: Mapped[bool] = mapped_column(default=False, server_default=false())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approval_note: Mapped[str | None] = mapped_column(Text)
    return_comment: Mapped[str | None] = mapped_column(Text)
    excluded_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # Which ArticleVersion's body the span points into (orphans keep their old one).
    body_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # How the last correction re-anchored it: unchanged | moved | edited | new, or
    # orphaned (its text is gone: excluded from review, kept with its history).
    anchor: Mapped[str | None] = mapped_column(String(16))

    article: Mapped[Article] = relationship(back_populates="all_claims")  # noqa: F821
    approved_by: Mapped[User | None] = relationship()  # noqa: F821
    reviews: Mapped[list[Review]] = relationship(  # noqa: F821
        back_populates="claim", order_by="Review.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def effective_statement(self) -> str:
        return self.statement or self.text

    @property
    def is_locked(self) -> bool:
        return self.status == ClaimStatus.APPROVED

    def transition(self, action: ClaimAction) -> ClaimStatus:
        """Move to the status the transitions table gives, or raise InvalidTransition."""
        self.status = next_status(self.status, action, claim_id=self.id)
        return self.status

    @property
    def is_orphaned(self) -> bool:
        return self.anchor == "orphaned"

    @classmethod
    def current(cls):
        """SQL criterion: the claim points into its article's current body (not an orphan)."""
        return or_(cls.anchor.is_(None), cls.anchor != "orphaned")

    def __repr__(self) -> str:
        return f"<Claim {self.id} a{self.article_id}@{self.start} {self.status}>"


# The 1-based position of a claim in its article is derived from the spans, never stored,
# so splitting or merging one claim does not rewrite (and re-version) its neighbours.
# Deferred: lists number claims by enumerating them in order; one claim asks when needed.
_other = aliased(Claim)
Claim.seq = deferred(
    select(func.count(_other.id))
    .where(
        _other.article_id == Claim.article_id,
        _other.start <= Claim.start,
        or_(_other.anchor.is_(None), _other.anchor != "orphaned"),
    )
    .correlate_except(_other)
    .scalar_subquery()
)


@event.listens_for(Session, "before_flush")
def _number_new_claims(session: Session, flush_context, instances) -> None:
    """Every new claim without a number gets its article's next ones, in reading order.

    The one place numbers are given, whichever service adds the claim. PostgreSQL: the
    article's row is locked first, so two writers adding claims to one article take
    their numbers one after the other (SQLite writers are serial already)."""
    new = [o for o in session.new if isinstance(o, Claim)]
    unnumbered = [c for c in new if c.number is None]
    if not unnumbered:
        return
    groups: dict[object, list[Claim]] = {}
    for c in new:
        groups.setdefault(_article_key(c), []).append(c)
    conn = session.connection()
    for key, claims in groups.items():
        todo = sorted((c for c in claims if c.number is None), key=lambda c: (c.start, c.end))
        if not todo:
            continue
        top = max((c.number for c in claims if c.number is not None), default=0)
        if isinstance(key, int):
            if conn.dialect.name == "postgresql":
                conn.execute(
                    sql_text("SELECT id FROM articles WHERE id = :a FOR UPDATE"), {"a": key}
                )
            stored = conn.execute(
                select(func.max(Claim.number)).where(Claim.article_id == key)
            ).scalar()
            top = max(top, stored or 0)
        for c in todo:
            top += 1
            c.number = top


def _article_key(claim: Claim) -> object:
    if claim.article_id is not None:
        return claim.article_id
    article = claim.article
    if article is not None and article.id is not None:
        return article.id
    return ("new", id(article))  # an article added in this same flush: numbers start at 1
