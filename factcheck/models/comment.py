"""A claim's discussion: comments in Markdown, edited by their author, deleted softly.

A deleted comment keeps its row (``deleted_at``) so the thread shows where it was; its
words stay only in the audit trail. services/discussion.py is the only writer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, utcnow


class ClaimComment(db.Model):
    __tablename__ = "claim_comments"
    __table_args__ = (Index("ix_claim_comments_claim_created", "claim_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A merge moves the removed claim's comments to the merged claim (services/claims);
    # an undone "add claim" takes them with it; the audit trail keeps every comment's words.
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)  # Markdown source; "" once deleted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    claim: Mapped[Claim] = relationship()  # noqa: F821
    author: Mapped[User] = relationship()  # noqa: F821

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
