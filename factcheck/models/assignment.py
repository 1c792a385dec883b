"""Assignments: a lead gives a reviewer an article, or some of its claims, to review."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, utcnow


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_user_article", "user_id", "article_id"),
        # the lead desk's overdue section walks assignments in due order (migration 0029)
        Index("ix_assignments_due", "due_on", "article_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    # None: the whole article. A merged-away claim takes its assignments with it.
    claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])  # noqa: F821
    article: Mapped[Article] = relationship()  # noqa: F821
    claim: Mapped[Claim | None] = relationship()  # noqa: F821
