"""The job queue: work done after the request (a webhook send, a PDF render).

A job is written in the same transaction as the change that needs it (a transactional
outbox: a rolled-back change leaves no job, and nothing needs a broker beside the
database, SQLite included). A worker claims a due job by leasing it (``lease_owner``,
``lease_expires_at``; renewed while the job runs), runs the handler of its ``kind`` and
records the outcome; a job whose worker died is taken over when its lease has expired.
The job is the scheduling unit only: what a person sees of the work (a delivery's
history, a render being prepared) lives in the kind's own table, which points here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Enum, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for run_at, then for a worker
    RUNNING = "running"  # leased by lease_owner until lease_expires_at
    DONE = "done"
    FAILED = "failed"  # out of attempts, or failed in a way retrying cannot mend


def _open(status: JobStatus) -> dict:
    """A partial index's condition: only open jobs are indexed, however long the history."""
    where = text(f"status = '{status.value}'")
    return {"postgresql_where": where, "sqlite_where": where}


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_queued", "run_at", **_open(JobStatus.QUEUED)),  # due jobs
        Index("ix_jobs_running", "kind", "lease_expires_at", **_open(JobStatus.RUNNING)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # the handler: factcheck/jobs/<kind>.py
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, values_callable=lambda e: [m.value for m in e],
             length=16, create_constraint=True, name="status"),
        default=JobStatus.QUEUED,
    )  # fmt: skip
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # due from then on
    attempts: Mapped[int] = mapped_column(default=0)  # runs started (claims)
    max_attempts: Mapped[int] = mapped_column(default=1)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the latest claim
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
