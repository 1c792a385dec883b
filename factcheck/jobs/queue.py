"""The job table's operations: enqueue in the caller's transaction, claim with a lease,
renew the lease while the job runs, and record how the run ended.

Every function runs inside the caller's write (``transaction()``) and never commits.

The claim is one rule for every kind. A job is free when it is queued and due, or when
it is running on a lease that expired (its worker died, or was stopped, without a word):
a living worker renews its lease (``renew``, the worker's heartbeat), so its job is never
taken over. On PostgreSQL the candidate row is locked ``FOR UPDATE SKIP LOCKED``, so two
workers never wait on, nor take, the same job; on SQLite the claim is a conditional
UPDATE (writers are serialised by BEGIN IMMEDIATE). A kind may cap how many of its jobs
run at once (``caps``): jobs of a kind at its cap are left for later.

Finishing is conditional on the lease (the owner and the running state): a worker that
lost its job to another (its heartbeat could not reach the database for a whole lease)
records nothing, and the job's new owner's outcome stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from factcheck.models import Job, JobStatus, utcnow

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class ClaimedJob:
    """A leased job, detached from the session: what a handler needs to run it."""

    id: int
    kind: str
    payload: dict
    attempts: int  # this run included
    max_attempts: int
    started_at: datetime
    owner: str

    @property
    def last_attempt(self) -> bool:
        return self.attempts >= self.max_attempts


def enqueue(session: Session, kind: str, payload: dict, *, run_at: datetime | None = None,
            max_attempts: int = 1) -> Job:  # fmt: skip
    """Add a job, in the caller's transaction (it exists only if the caller commits)."""
    job = Job(kind=kind, payload=payload, run_at=run_at or utcnow(), max_attempts=max_attempts)
    session.add(job)
    return job


def _free(now: datetime):
    return or_(
        and_(Job.status == JobStatus.QUEUED, Job.run_at <= now),
        and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at < now),
    )


def _at_cap(session: Session, caps: Mapping[str, int], now: datetime) -> set[str]:
    """The capped kinds with as many jobs running (on a live lease) as they may have."""
    if not caps:
        return set()
    running = session.execute(
        select(Job.kind, func.count())
        .where(Job.status == JobStatus.RUNNING, Job.lease_expires_at >= now,
               Job.kind.in_(list(caps)))
        .group_by(Job.kind)
    ).all()  # fmt: skip
    return {kind for kind, n in running if n >= caps[kind]}


def due(session: Session, *, kinds: Iterable[str], now: datetime,
        ids: Iterable[int] | None = None) -> bool:  # fmt: skip
    """Whether any job of these kinds is free (a read: lets an idle worker skip the write)."""
    stmt = select(Job.id).where(_free(now), Job.kind.in_(list(kinds))).limit(1)
    if ids is not None:
        stmt = stmt.where(Job.id.in_(list(ids)))
    return session.scalar(stmt) is not None


def claim(session: Session, *, owner: str, kinds: Iterable[str], lease: Mapping[str, timedelta],
          now: datetime, caps: Mapping[str, int] | None = None,
          ids: Iterable[int] | None = None) -> tuple[ClaimedJob | None, list[ClaimedJob]]:  # fmt: skip
    """Lease the next free job of these kinds (oldest due first), for ``lease[kind]``.

    Returns (the job, or None when none is free; the jobs found out of attempts on the
    way): a job taken over from a dead worker that had had all its attempts is failed
    here, not run again (a job that kills its worker, e.g. out of memory, is not retried
    forever); the caller records that on the kind's own rows in the same transaction.
    """
    kinds = set(kinds) - _at_cap(session, caps or {}, now)
    ids = None if ids is None else list(ids)
    exhausted: list[ClaimedJob] = []
    while kinds:
        stmt = (
            select(Job)
            .where(_free(now), Job.kind.in_(sorted(kinds)))
            .order_by(Job.run_at, Job.id)
            .limit(1)
        )
        if ids is not None:
            stmt = stmt.where(Job.id.in_(ids))
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        job = session.scalars(stmt).first()
        if job is None:
            return None, exhausted
        if job.status == JobStatus.RUNNING and job.attempts >= job.max_attempts:
            job.status, job.finished_at, job.lease_owner = JobStatus.FAILED, now, None
            job.last_error = (
                f"its worker stopped before it finished, {job.attempts} time(s)"
                + (f"; before that: {job.last_error}" if job.last_error else "")
            )[:MAX_ERROR_CHARS]
            session.flush()
            exhausted.append(_claimed(job, owner))
            continue
        claimed = session.execute(
            update(Job)
            .where(Job.id == job.id, _free(now))
            .values(status=JobStatus.RUNNING, lease_owner=owner,
                    lease_expires_at=now + lease[job.kind], attempts=Job.attempts + 1,
                    started_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount  # fmt: skip
        session.expire(job)
        if claimed != 1:  # taken meanwhile (cannot happen under the writers' turn)
            return None, exhausted
        return _claimed(job, owner), exhausted
    return None, exhausted


def _claimed(job: Job, owner: str) -> ClaimedJob:
    return ClaimedJob(job.id, job.kind, dict(job.payload or {}), job.attempts, job.max_attempts,
                      job.started_at, owner)  # fmt: skip


def _mine(job: ClaimedJob):
    return (Job.id == job.id, Job.lease_owner == job.owner, Job.status == JobStatus.RUNNING)


def _set(session: Session, job: ClaimedJob, **values) -> bool:
    """Change a job this worker still holds; False when it lost the lease to another."""
    result = session.execute(
        update(Job).where(*_mine(job)).values(**values)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return result.rowcount == 1


def renew(session: Session, job: ClaimedJob, *, until: datetime) -> bool:
    """The heartbeat: extend this worker's lease; False if the job is no longer its own."""
    return _set(session, job, lease_expires_at=until)


def complete(session: Session, job: ClaimedJob, *, now: datetime) -> bool:
    return _set(session, job, status=JobStatus.DONE, finished_at=now, lease_owner=None,
                lease_expires_at=None, last_error=None)  # fmt: skip


def retry(session: Session, job: ClaimedJob, error: str, *, at: datetime) -> bool:
    """This attempt failed; the job is due again at ``at``."""
    return _set(session, job, status=JobStatus.QUEUED, run_at=at, lease_owner=None,
                lease_expires_at=None, last_error=error[:MAX_ERROR_CHARS])  # fmt: skip


def fail(session: Session, job: ClaimedJob, error: str, *, now: datetime) -> bool:
    return _set(session, job, status=JobStatus.FAILED, finished_at=now, lease_owner=None,
                lease_expires_at=None, last_error=error[:MAX_ERROR_CHARS])  # fmt: skip


def postpone(session: Session, job: ClaimedJob, *, at: datetime) -> bool:
    """Not run after all (it cannot run yet): due again at ``at``; the attempt is not counted."""
    return _set(session, job, status=JobStatus.QUEUED, run_at=at, lease_owner=None,
                lease_expires_at=None, attempts=Job.attempts - 1)  # fmt: skip


def run_now(session: Session, job: Job, *, now: datetime | None = None) -> None:
    """Make a waiting job due now (an admin's "retry now"); one more attempt for a failed one."""
    now = now or utcnow()
    if job.status == JobStatus.FAILED:
        job.status, job.finished_at, job.max_attempts = JobStatus.QUEUED, None, job.attempts + 1
    if job.status == JobStatus.QUEUED:
        job.run_at = now
    session.flush()
