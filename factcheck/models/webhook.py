"""Webhooks: endpoints an admin registers, and the deliveries to them.

A delivery is written in the same transaction as the change that causes it, with the job
that sends it (models.job: a transactional outbox), so a rolled-back change never emits
a webhook. The job schedules the attempts (when, by which worker, retries with back-off);
the delivery row is what the admin pages show of it, and stays as the endpoint's history.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.job import Job, JobStatus
from factcheck.models.types import UTCDateTime, utcnow


class WebhookEvent(StrEnum):
    CLAIM_APPROVED = "claim.approved"
    ARTICLE_APPROVED = "article.approved"
    REPORT_EXPORTED = "report.exported"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # its job is queued or running
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # out of attempts (an admin may retry it)


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    # The HMAC-SHA256 key; shown once when created, never again.
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list[WebhookDelivery]] = relationship(back_populates="endpoint")


class WebhookDelivery(db.Model):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)  # uuid4, sent as a header
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        Enum(DeliveryStatus, native_enum=False, values_callable=lambda e: [m.value for m in e],
             length=16, create_constraint=True, name="status"),
        default=DeliveryStatus.PENDING,
    )  # fmt: skip
    attempts: Mapped[int] = mapped_column(default=0)  # sends tried, over every job it had
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The job that sends it (None for history from before the job queue).
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")
    job: Mapped[Job | None] = relationship()

    @property
    def next_attempt_at(self) -> datetime | None:
        """When its job is due next, while the delivery is pending and the job waits."""
        job = self.job
        if self.status != DeliveryStatus.PENDING or job is None:
            return None
        return job.run_at if job.status == JobStatus.QUEUED else None
