"""The worker loop: claim a due job, run its kind's handler, record the outcome; repeat.

``run`` takes one job at a time (so no claimed job waits behind another one's run) in
three short steps: the claim (a write: ``queue.claim``), the handler's work outside any
write (an HTTP call, a WeasyPrint render), and one write that records the outcome on the
job and, through the handler, on the kind's own rows. While the handler works, a
heartbeat thread renews the job's lease, so a living worker's job is never taken over,
however long it runs; a dead worker's job is taken over once its lease has expired.

A failed run is retried when the kind says when (``Handler.backoff``) and attempts are
left; otherwise the job is failed, with its error for the kind's pages to show.

`flask worker` runs this (``--loop`` forever, ``--kind`` to run only some kinds); the app
process runs some kinds itself only when configured (jobs.inline).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from factcheck.database import transaction
from factcheck.errors import N_, InvalidInput
from factcheck.extensions import db
from factcheck.jobs import queue
from factcheck.jobs.queue import ClaimedJob
from factcheck.models import utcnow

log = logging.getLogger("factcheck.jobs")
in_worker: ContextVar[bool] = ContextVar("in_worker", default=False)  # jobs.inline stays out


class JobError(Exception):
    """An expected failure of a run (a receiver answering 500): its message says it all,
    and it is not logged with a traceback."""


class Postpone(Exception):
    """The job cannot run yet (e.g. its webhook is switched off): due again after
    ``delay``, and this run does not count as an attempt."""

    def __init__(self, delay: timedelta, reason: str):
        super().__init__(reason)
        self.delay = delay


class Handler:
    """One kind of job: ``factcheck/jobs/<kind>.py`` defines one and names it HANDLER."""

    kind: str
    lease = timedelta(seconds=60)  # renewed every third of it while the job runs
    max_running: int | None = None  # at most this many running at once, over every worker
    # The app process runs this kind's jobs itself (after the commit that queued them)
    # when this setting is on: "thread" or "process" (jobs.inline).
    in_app_setting: str | None = None
    in_app: str | None = None

    def backoff(self, attempts: int) -> timedelta | None:
        """When to try again after the `attempts`-th run failed; None: the failure is final."""
        return None

    def run(self, session: Session, job: ClaimedJob):
        """The work, outside any write (read with `session`, write nothing); its result goes
        to ``done``. Raise to fail the attempt, ``Postpone`` to put it off."""
        raise NotImplementedError

    def done(self, session: Session, job: ClaimedJob, result, *, now: datetime) -> str:
        """Record the result, in the write that completes the job; a line for the log."""
        return "done"

    def failed(self, session: Session, job: ClaimedJob, error: Exception, *, final: bool,
               now: datetime) -> None:  # fmt: skip
        """Record a failed attempt on the kind's rows, in the write that records it on the
        job (``final``: no attempt follows)."""

    def schedule(self, session: Session, *, now: datetime) -> int:
        """Queue the jobs this kind finds due by itself (in a write); how many."""
        return 0


def handlers() -> dict[str, Handler]:
    """Every kind the worker runs."""
    from factcheck.jobs import notices, render, url_import, webhooks

    handlers = (webhooks.HANDLER, render.HANDLER, notices.HANDLER, url_import.HANDLER)
    return {h.kind: h for h in handlers}


def check_kinds(kinds: Iterable[str] | None) -> list[str]:
    known = handlers()
    kinds = list(kinds or known)
    unknown = sorted(set(kinds) - set(known))
    if unknown:
        raise InvalidInput(f"unknown job kind(s): {', '.join(unknown)} (known: {', '.join(known)})")
    return kinds


@dataclass
class Stats:
    run: int = 0
    done: int = 0
    retrying: int = 0
    failed: int = 0
    postponed: int = 0
    queued: int = 0  # found due by the kinds themselves (``Handler.schedule``)
    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.run:
            return "no jobs due"
        return (f"jobs: {self.run} run, {self.done} done, {self.retrying} to retry, "
                f"{self.failed} failed" + (f", {self.postponed} put off" if self.postponed else ""))  # fmt: skip


def new_owner() -> str:
    """A lease owner's name: this host, process and run."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _clock(now: datetime | None) -> Callable[[], datetime]:
    """The worker's clock: real time, or real time moved to start at ``now`` (tests)."""
    offset = (now - utcnow()) if now is not None else timedelta(0)
    return lambda: utcnow() + offset


def run(app, *, limit: int | None = None, kinds: Iterable[str] | None = None,
        ids: Iterable[int] | None = None, now: datetime | None = None,
        schedule: bool = False) -> Stats:  # fmt: skip
    """Run due jobs (of these kinds; or only the jobs ``ids``) one after another, until none
    is due or ``limit`` have run, in an app context of its own. ``schedule``: first let each
    kind queue what it finds due by itself (the worker command does; a kick does not)."""
    registry = handlers()
    kinds = check_kinds(kinds)
    ids = None if ids is None else list(ids)
    clock, owner, stats = _clock(now), new_owner(), Stats()
    lease = {kind: h.lease for kind, h in registry.items()}
    caps = {kind: h.max_running for kind, h in registry.items() if h.max_running}
    token = in_worker.set(True)
    try:
        with app.app_context():
            if schedule:
                for kind in kinds:
                    with transaction() as s:
                        stats.queued += registry[kind].schedule(s, now=clock())
            while limit is None or stats.run < limit:
                if not queue.due(db.session, kinds=kinds, ids=ids, now=clock()):
                    break  # an idle worker does not take the writers' turn
                with transaction() as s:
                    job, exhausted = queue.claim(s, owner=owner, kinds=kinds, lease=lease,
                                                 caps=caps, ids=ids, now=clock())  # fmt: skip
                    for gone in exhausted:  # its worker died during its last attempt
                        registry[gone.kind].failed(s, gone, JobError(N_("its worker stopped")),
                                                   final=True, now=clock())  # fmt: skip
                stats.failed += len(exhausted)
                if job is None:
                    break
                _run_one(app, registry[job.kind], job, clock, stats)
    finally:
        in_worker.reset(token)
    return stats


def _run_one(app, handler: Handler, job: ClaimedJob, clock, stats: Stats) -> None:
    stats.run += 1
    session = db.session
    started = time.perf_counter()
    result = error = None
    try:
        with Heartbeat(app, job, handler.lease, clock):
            result = handler.run(session, job)
    except Exception as exc:  # noqa: BLE001 - recorded on the job (and logged below)
        error = exc
    finally:
        session.rollback()  # end the handler's read before the write
    ms = round((time.perf_counter() - started) * 1000)
    if error is not None and not isinstance(error, JobError | Postpone):
        log.error("%s job %s failed", job.kind, job.id, exc_info=error)
    try:
        with transaction() as s:
            line = _record(s, handler, job, result, error, clock(), stats)
    except Exception as exc:  # noqa: BLE001 - recording the result failed: record that
        log.exception("recording the outcome of %s job %s failed", job.kind, job.id)
        with transaction() as s:
            line = _record(s, handler, job, None, exc, clock(), stats)
    stats.lines.append(f"{job.kind} job {job.id}: {line} ({ms} ms)")


def _record(s: Session, handler: Handler, job: ClaimedJob, result, error, now, stats) -> str:
    """The outcome, on the job and (through the handler) on the kind's rows."""
    if error is None:
        if not queue.complete(s, job, now=now):
            return "done, but another worker had taken it over: its outcome stands"
        stats.done += 1
        return handler.done(s, job, result, now=now)
    if isinstance(error, Postpone):
        queue.postpone(s, job, at=now + error.delay)
        stats.postponed += 1
        return f"put off: {error}"
    message = str(error) if isinstance(error, JobError) else f"{type(error).__name__}: {error}"
    stats.errors.append(f"{job.kind} job {job.id}: {message}")
    wait = None if job.last_attempt else handler.backoff(job.attempts)
    if wait is None:
        if queue.fail(s, job, message, now=now):
            handler.failed(s, job, error, final=True, now=now)
            stats.failed += 1
        return f"failed: {message}"
    if queue.retry(s, job, message, at=now + wait):
        handler.failed(s, job, error, final=False, now=now)
        stats.retrying += 1
    return f"{message}; again at {(now + wait):%Y-%m-%d %H:%M:%S} UTC"


class Heartbeat:
    """Renews a running job's lease every third of it, from a thread of the worker."""

    def __init__(self, app, job: ClaimedJob, lease: timedelta, clock):
        self.app, self.job, self.lease, self.clock = app, job, lease, clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True,
                                        name=f"factcheck-job-{job.id}-heartbeat")  # fmt: skip

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            try:
                with self.app.app_context(), transaction() as s:
                    kept = queue.renew(s, self.job, until=self.clock() + self.lease)
            except Exception:  # noqa: BLE001 - try again at the next beat
                log.exception("renewing the lease of job %s failed", self.job.id)
                continue
            if not kept:  # its outcome will not be recorded (queue.complete says so)
                log.warning("job %s was taken over by another worker", self.job.id)
                return


SCHEDULE_EVERY = 30.0  # seconds between two looks for work the kinds find by themselves


def loop(app, *, interval: float, limit: int, kinds: Iterable[str] | None, schedule: bool,
         echo: Callable[[str], None]) -> None:  # fmt: skip
    """Run forever: a run, then a pause of ``interval`` unless the run was cut by ``limit``;
    ``schedule`` (``Handler.schedule``) at most every SCHEDULE_EVERY seconds."""
    next_schedule = 0.0
    while True:
        due_now = schedule and time.monotonic() >= next_schedule
        if due_now:
            next_schedule = time.monotonic() + SCHEDULE_EVERY
        stats = run(app, limit=limit, kinds=kinds, schedule=due_now)
        for line in stats.lines:
            echo(line)
        if stats.run < limit:
            time.sleep(interval)
