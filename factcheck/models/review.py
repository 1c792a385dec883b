"""Reviews (one per reviewer per claim) and their evidence links."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, utcnow

VERDICT_SQL = "('confirmed', 'unconfirmed', 'disputed')"


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    CONTEXT = "context"


class Review(db.Model):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("claim_id", "reviewer_id", name="uq_reviews_claim_reviewer"),
        CheckConstraint(f"verdict IN {VERDICT_SQL}", name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    claim: Mapped[Claim] = relationship(back_populates="reviews")  # noqa: F821
    reviewer: Mapped[User] = relationship()  # noqa: F821
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="review", order_by="EvidenceLink.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class EvidenceLink(db.Model):
    __tablename__ = "evidence_links"
    __table_args__ = (
        CheckConstraint("stance IN ('supports', 'contradicts', 'context')", name="stance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500))
    stance: Mapped[str] = mapped_column(String(16))
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
