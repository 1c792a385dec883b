"""Sending webhook deliveries: signing, the pinned POST, retries with back-off, the worker.

Rules (PRODUCT.md §6, HOSTILE.md FLT-11 and §2.14):

- The HTTP call never runs inside a database transaction. ``deliver_due`` claims due rows in
  one short transaction (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: ``BEGIN IMMEDIATE``
  through ``transaction()``), leasing them by moving ``next_attempt_at`` forward and counting
  the attempt; it commits, sends, then records each outcome in a new short transaction. A
  worker that dies mid-send leaves the row to be retried when the lease ends.
- The POST goes to the address the host resolved to and was checked against (the URL-import
  rules of ``ingest.urls``; a host that now resolves to a private address is refused),
  redirects are not followed (a 3xx is a failure) and one deadline bounds the whole call.
- 2xx is delivered; anything else counts an attempt and schedules the next one after
  30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h (±10 % jitter); after 8 attempts it is failed.
- Delivery bookkeeping is not audited (it is not a change of the desk's state).

Two ways deliveries go out: a worker (``flask webhooks deliver --loop``) that also does the
retries, and an after-commit kick: when a request's transaction commits new deliveries, a
daemon thread sends those at once, so the request never waits for a receiver. The kick is
on unless ``WEBHOOKS_ASYNC`` is false (its default is off when ``TESTING``). Only this
kick touches Flask, and it imports it lazily.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import threading
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from factcheck.canonical import canonical_json
from factcheck.database import transaction
from factcheck.models import WebhookDelivery, WebhookEndpoint, utcnow
from factcheck.net.client import Outcome, post
from factcheck.net.fetch import FetchPolicy
from factcheck.services.sources import fetch_policy
from factcheck.settings import app_settings, settings_of

log = logging.getLogger("factcheck.webhooks")

USER_AGENT = "Factcheck-Webhooks/1"
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600, 12 * 3600, 24 * 3600)
JITTER = 0.1
MAX_ERROR_CHARS = 500


# -- signing and the POST --------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with the endpoint secret over ``<timestamp>.<raw body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def encode(payload: dict) -> bytes:
    """The exact bytes sent (and signed)."""
    return canonical_json(payload).encode()


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Wait after the `attempts`-th failed attempt: exponential steps with ±10 % jitter."""
    base = BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1]
    return timedelta(seconds=base * (rng or random).uniform(1 - JITTER, 1 + JITTER))


# -- the worker ------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A claimed delivery, detached from the session: everything the send needs."""

    id: int
    delivery_id: str
    event: str
    body: bytes
    url: str
    secret: str
    attempts: int


@dataclass
class Stats:
    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"webhooks: {self.claimed} due, {self.delivered} delivered, "
                f"{self.retrying} to retry, {self.failed} failed")  # fmt: skip


def _headers(job: Job, timestamp: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Factcheck-Event": job.event,
        "X-Factcheck-Delivery": job.delivery_id,
        "X-Factcheck-Timestamp": timestamp,
        "X-Factcheck-Signature": sign(job.secret, timestamp, job.body),
    }


def claim_due(session: Session, *, limit: int, now: datetime, lease: timedelta,
              ids: Iterable[int] | None = None) -> list[Job]:  # fmt: skip
    """Lease up to `limit` due deliveries of active endpoints (call inside transaction())."""
    stmt = (
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if ids is not None:
        stmt = stmt.where(WebhookDelivery.id.in_(list(ids)))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=WebhookDelivery)
    jobs = []
    for d in session.scalars(stmt).all():
        d.attempts += 1
        d.last_attempt_at = now
        d.next_attempt_at = now + lease  # the lease: nobody else takes it while we send
        endpoint = session.get(WebhookEndpoint, d.endpoint_id)
        jobs.append(Job(d.id, d.delivery_id, d.event, encode(d.payload), endpoint.url,
                        endpoint.secret, d.attempts))  # fmt: skip
    session.flush()
    return jobs


def record_outcome(session: Session, job: Job, outcome: Outcome, *, now: datetime) -> str:
    """Store one attempt's result; returns the delivery's new status."""
    d = session.get(WebhookDelivery, job.id)
    if d is None:  # the endpoint was deleted meanwhile
        return "gone"
    d.last_status_code = outcome.status_code
    if outcome.ok:
        d.status, d.delivered_at, d.last_error = "delivered", now, None
    elif d.attempts >= MAX_ATTEMPTS:
        d.status, d.last_error = "failed", outcome.error
    else:
        d.last_error = outcome.error
        d.next_attempt_at = now + backoff(d.attempts)
    session.flush()
    return d.status


@contextmanager
def _session_for(source):
    """A session from a Flask app (its own app context) or from a session factory."""
    if hasattr(source, "app_context"):
        from factcheck.extensions import db

        with source.app_context():
            yield db.session(), app_settings(source)
            db.session.remove()
    else:
        session = source()
        try:
            yield session, settings_of(session)
        finally:
            session.close()


def deliver_due(source, *, limit: int = 50, now: datetime | None = None,
                ids: Iterable[int] | None = None, policy: FetchPolicy | None = None,
                timeout: float | None = None) -> Stats:  # fmt: skip
    """Send due deliveries (all, or only `ids`); `source` is the Flask app or a session factory."""
    stats = Stats()
    with _session_for(source) as (session, settings):
        timeout = float(timeout or settings.WEBHOOKS_TIMEOUT_SECONDS)
        policy = replace(policy or fetch_policy(), deadline=timeout)
        start = now or utcnow()
        with transaction(session):
            jobs = claim_due(session, limit=limit, now=start, ids=ids,
                             lease=timedelta(seconds=timeout + 60))  # fmt: skip
        stats.claimed = len(jobs)
        for job in jobs:  # no transaction is open here
            timestamp = str(int(time.time()))
            outcome = post(job.url, job.body, _headers(job, timestamp), policy=policy,
                           timeout=timeout)  # fmt: skip
            with transaction(session):
                status = record_outcome(session, job, outcome, now=max(utcnow(), start))
            if status == "delivered":
                stats.delivered += 1
            elif status == "failed":
                stats.failed += 1
            elif status == "pending":
                stats.retrying += 1
            if outcome.error:
                stats.errors.append(f"{job.delivery_id}: {outcome.error}")
    return stats


# -- the after-commit kick -------------------------------------------------------------

_NEW = "webhook_deliveries_new"
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()
_slots = threading.BoundedSemaphore(4)  # at most this many kicks send at once per process


def _after_flush(session: Session, _context) -> None:
    new = [o.id for o in session.new if isinstance(o, WebhookDelivery)]
    if new:
        session.info.setdefault(_NEW, set()).update(new)


def _after_rollback(session: Session) -> None:
    session.info.pop(_NEW, None)  # a rolled-back change never emits a webhook


def _after_commit(session: Session) -> None:
    ids = session.info.pop(_NEW, None)
    if not ids:
        return
    from flask import current_app, has_app_context

    if not has_app_context():
        return
    app = current_app._get_current_object()
    if not app_settings(app).WEBHOOKS_ASYNC:
        return
    thread = threading.Thread(target=_kick, args=(app, sorted(ids)), daemon=True,
                              name="factcheck-webhook-kick")  # fmt: skip
    with _threads_lock:
        _threads.add(thread)
    thread.start()


def _kick(app, ids: list[int]) -> None:
    try:
        with _slots:
            deliver_due(app, ids=ids, limit=len(ids))
    except Exception:  # a background thread has nobody to raise to: log it
        log.exception("webhook delivery kick failed for deliveries %s", ids)
    finally:
        with _threads_lock:
            _threads.discard(threading.current_thread())


def wait_for_kicks(timeout: float = 30.0) -> bool:
    """Wait for running kicks (tests, graceful shutdown); True when none is left."""
    end = time.monotonic() + timeout
    while True:
        with _threads_lock:
            running = list(_threads)
        if not running:
            return True
        for thread in running:
            thread.join(max(end - time.monotonic(), 0))
        if time.monotonic() >= end:
            with _threads_lock:
                return not _threads


def init_app(app) -> None:
    """Install the after-commit kick (once per process; each app decides by its config)."""
    for name, fn in (("after_flush", _after_flush), ("after_commit", _after_commit),
                     ("after_rollback", _after_rollback)):  # fmt: skip
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
