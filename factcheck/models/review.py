"""Reviews (one per reviewer per claim) and their evidence links."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, enum_column, utcnow
from factcheck.models.vocabulary import Verdict


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    CONTEXT = "context"


class Review(db.Model):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("claim_id", "reviewer_id", name="uq_reviews_claim_reviewer"),
        # conflicts (services/assignments._conflicting) read verdicts per claim from the index
        Index("ix_reviews_claim_verdict", "claim_id", "verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, "verdict"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    # Blind review's record: the verdict as first submitted (agreement is computed on it),
    # and whether the review was revised while other reviews of the claim were readable.
    first_verdict: Mapped[str | None] = mapped_column(String(16))
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revised_after_seen: Mapped[bool] = mapped_column(default=False, server_default=false())

    claim: Mapped[Claim] = relationship(back_populates="reviews")  # noqa: F821
    reviewer: Mapped[User] = relationship()  # noqa: F821
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="review", order_by="EvidenceLink.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def agreement_verdict(self) -> str:
        """The verdict agreement counts: the first submitted one."""
        return self.first_verdict or self.verdict


class EvidenceLink(db.Model):
    __tablename__ = "evidence_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500))
    stance: Mapped[Stance] = mapped_column(enum_column(Stance, "stance"))
    excerpt: Mapped[str | None] = mapped_column(Text)
    archived_url: Mapped[str | None] = mapped_column(String(2048))

    review: Mapped[Review] = relationship(back_populates="links")

    def as_dict(self) -> dict:
        return {
            "url": self.url,
            "title": self.title,
            "stance": self.stance,
            "excerpt": self.excerpt,
            "archived_url": self.archived_url,
        }
