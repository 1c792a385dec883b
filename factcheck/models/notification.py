"""Notices: what the desk tells a person (the inbox), and whether it went out by e-mail.

A notice is written by the service whose change causes it, in the same transaction
(services/notifications.py); its e-mail, if the person wants that kind by e-mail and the
desk has an SMTP host, is a ``notice_mail`` job queued beside it (jobs/notices.py).
``dedup_key`` makes a periodic notice idempotent: one "due tomorrow" per item per day.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, enum_column, utcnow


class NoticeKind(StrEnum):
    ASSIGNED = "assigned"  # a claim (or a whole article) was assigned to you
    RETURNED = "returned"  # a lead returned a claim you reviewed
    AWAITING_APPROVAL = "approval"  # a claim is reviewed and waits for a lead
    CONFLICT = "conflict"  # the reviews of a claim disagree
    DUE_TOMORROW = "due_tomorrow"  # an assignment of yours is due tomorrow
    NEW_VERSION = "new_version"  # a corrected version of an article you reviewed
    MENTIONED = "mentioned"  # someone mentioned you in a claim's discussion


# Kinds that come by e-mail for a person who never chose (the quiet ones stay in the inbox).
EMAIL_DEFAULT = frozenset(
    {NoticeKind.ASSIGNED, NoticeKind.RETURNED, NoticeKind.DUE_TOMORROW, NoticeKind.MENTIONED}
)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
        UniqueConstraint("user_id", "dedup_key", name="uq_notifications_dedup"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "kind"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the desk
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    # A merged-away claim leaves the notice pointing at its article.
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    text: Mapped[str | None] = mapped_column(
        Text
    )  # the actor's words (a return comment, a mention)
    dedup_key: Mapped[str | None] = mapped_column(String(100))  # None: every notice counts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])  # noqa: F821
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])  # noqa: F821
    article: Mapped[Article | None] = relationship()  # noqa: F821
    claim: Mapped[Claim | None] = relationship()  # noqa: F821

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
