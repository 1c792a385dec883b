"""Webhook sends: signing, the pinned POST, retries with back-off (the ``webhook`` job kind).

Rules (PRODUCT.md §6, HOSTILE.md FLT-11 and §2.14):

- A delivery is queued with its job in the change's transaction (services.webhooks.enqueue);
  a worker claims the job (jobs.queue), sends, then records the outcome on the delivery
  and the job in one short write. The HTTP call never runs inside a database transaction.
  A worker that dies mid-send leaves the job to be taken over when its lease ends.
- The POST goes to the address the host resolved to and was checked against (the URL-import
  rules of ``net.policy``; a host that now resolves to a private address is refused),
  redirects are not followed (a 3xx is a failure) and one deadline bounds the whole call.
- 2xx is delivered; anything else counts an attempt and schedules the next one after
  30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h (±10 % jitter); after 8 attempts it is failed.
  A delivery to an endpoint that is switched off waits (uncounted) until it is on again.
- Delivery bookkeeping is not audited (it is not a change of the desk's state).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.canonical import canonical_json
from factcheck.jobs.queue import ClaimedJob
from factcheck.jobs.worker import Handler, JobError, Postpone
from factcheck.models import DeliveryStatus, WebhookDelivery
from factcheck.net.client import Outcome, post
from factcheck.services.sources import fetch_policy
from factcheck.services.webhooks import KIND, MAX_ATTEMPTS
from factcheck.settings import app_settings

__all__ = ["KIND", "MAX_ATTEMPTS", "HANDLER", "backoff", "encode", "post", "sign"]

USER_AGENT = "Factcheck-Webhooks/1"
BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600, 12 * 3600, 24 * 3600)
JITTER = 0.1
SWITCHED_OFF_RECHECK = timedelta(hours=1)  # switching the endpoint on makes them due at once


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


# -- the job kind ----------------------------------------------------------------------


@dataclass(frozen=True)
class Send:
    """A delivery as it is sent, read before the POST (no transaction is open during it)."""

    delivery_id: str
    event: str
    body: bytes
    url: str
    secret: str

    def headers(self, timestamp: str) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Factcheck-Event": self.event,
            "X-Factcheck-Delivery": self.delivery_id,
            "X-Factcheck-Timestamp": timestamp,
            "X-Factcheck-Signature": sign(self.secret, timestamp, self.body),
        }


class NotDelivered(JobError):
    def __init__(self, outcome: Outcome):
        super().__init__(outcome.error or "not delivered")
        self.outcome = outcome


def _delivery(session: Session, job: ClaimedJob) -> WebhookDelivery | None:
    """The job's delivery; None once its endpoint was deleted."""
    return session.scalar(
        select(WebhookDelivery).where(WebhookDelivery.delivery_id == job.payload["delivery_id"])
    )


class WebhookHandler(Handler):
    kind = KIND
    in_app_setting, in_app = "WEBHOOKS_ASYNC", "thread"  # a thread waits for the receiver

    def backoff(self, attempts: int) -> timedelta:
        return backoff(attempts)

    def run(self, session: Session, job: ClaimedJob) -> Outcome | None:
        delivery = _delivery(session, job)
        if delivery is None:
            return None
        endpoint = delivery.endpoint
        if not endpoint.active:
            raise Postpone(SWITCHED_OFF_RECHECK, f"webhook {endpoint.id} is switched off")
        send = Send(delivery.delivery_id, delivery.event, encode(delivery.payload), endpoint.url,
                    endpoint.secret)  # fmt: skip
        session.rollback()  # no transaction stays open while the receiver answers
        timeout = float(app_settings(current_app).WEBHOOKS_TIMEOUT_SECONDS)
        outcome = post(send.url, send.body, send.headers(str(int(time.time()))),
                       policy=replace(fetch_policy(), deadline=timeout), timeout=timeout)  # fmt: skip
        if not outcome.ok:
            raise NotDelivered(outcome)
        return outcome

    def done(self, session: Session, job: ClaimedJob, outcome: Outcome | None, *,
             now: datetime) -> str:  # fmt: skip
        delivery = _delivery(session, job)
        if outcome is None or delivery is None:
            return "nothing to send: its webhook was deleted"
        self._attempted(delivery, job, outcome)
        delivery.status, delivery.delivered_at, delivery.last_error = (
            DeliveryStatus.DELIVERED, now, None,
        )  # fmt: skip
        return f"delivery {delivery.delivery_id} delivered (HTTP {outcome.status_code})"

    def failed(self, session: Session, job: ClaimedJob, error: Exception, *, final: bool,
               now: datetime) -> None:  # fmt: skip
        delivery = _delivery(session, job)
        if delivery is None:
            return
        outcome = getattr(error, "outcome", None) or Outcome(False, None, str(error))
        self._attempted(delivery, job, outcome)
        delivery.last_error = outcome.error
        if final:
            delivery.status = DeliveryStatus.FAILED

    @staticmethod
    def _attempted(delivery: WebhookDelivery, job: ClaimedJob, outcome: Outcome) -> None:
        delivery.attempts += 1
        delivery.last_attempt_at = job.started_at
        delivery.last_status_code = outcome.status_code


HANDLER = WebhookHandler()
