"""Webhooks: the outbox, and the endpoints an admin registers.

``enqueue`` adds one pending delivery per active endpoint subscribed to the event, with
the job that sends it (kind ``webhook``, jobs/webhooks.py), in the caller's transaction:
if the change rolls back, so do its deliveries, and nothing is ever sent for a change
that did not happen.

Endpoint URLs pass the same address rules as URL import (HOSTILE.md §2.14): http(s) only,
no credentials, allowed ports only, and every address the host resolves to must be public
unless FETCH_ALLOWED_ADDRESSES lists it. ``net.client.check_url`` resolves the host
(network, no database): entry points call it before their transaction and hand its result
to ``create_endpoint`` so no lock is held during a DNS lookup. The secret is returned once
and never written to the audit trail.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from factcheck.errors import N_, InvalidInput, InvalidTransition, NotFound
from factcheck.jobs import queue
from factcheck.models import (
    DeliveryStatus,
    Job,
    JobStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    iso,
    utcnow,
)
from factcheck.net.client import CheckedUrl, check_url
from factcheck.permissions import Permission, require
from factcheck.services import audit
from factcheck.services.common import clean_text, get_or_404
from factcheck.services.sources import fetch_policy

STATUSES = tuple(status.value for status in DeliveryStatus)
MAX_DESCRIPTION = 200
KIND = "webhook"  # the job kind that sends a delivery
MAX_ATTEMPTS = 8


def enqueue(session: Session, event: WebhookEvent, data: dict) -> int:
    """Queue `event` for every active endpoint that wants it; returns how many."""
    endpoints = session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))
    ).all()
    now = utcnow()
    count = 0
    for endpoint in endpoints:
        if event.value not in (endpoint.events or []):
            continue
        delivery_id = str(uuid.uuid4())
        payload = {"id": delivery_id, "event": event.value, "occurred_at": iso(now), "data": data}
        job = _send_job(session, delivery_id, max_attempts=MAX_ATTEMPTS)
        session.add(WebhookDelivery(delivery_id=delivery_id, endpoint_id=endpoint.id,
                                    event=event.value, payload=payload, job=job))  # fmt: skip
        count += 1
    return count


def _send_job(session: Session, delivery_id: str, *, max_attempts: int) -> Job:
    return queue.enqueue(session, KIND, {"delivery_id": delivery_id}, max_attempts=max_attempts)


# -- checks ----------------------------------------------------------------------------


def check_events(events) -> list[str]:
    """A non-empty list of known event names, in the canonical order."""
    if isinstance(events, str) or not isinstance(events, list | tuple | set | frozenset):
        raise InvalidInput(
            N_("events must be a list"), errors={"events": N_("a list of event names")}
        )
    names = {str(e) for e in events}
    known = [e.value for e in WebhookEvent]
    unknown = sorted(names - set(known))
    if unknown:
        raise InvalidInput(
            N_(
                "unknown event(s): %(value)s (known: %(value2)s)",
                value=", ".join(unknown),
                value2=", ".join(known),
            ),
            errors={"events": N_("unknown: %(value)s", value=", ".join(unknown))},
        )
    if not names:
        raise InvalidInput(
            N_("choose at least one event"), errors={"events": N_("choose at least one")}
        )
    return [e for e in known if e in names]


def _view(endpoint: WebhookEndpoint) -> dict:
    """What the audit trail keeps of an endpoint: never the secret."""
    return {
        "url": endpoint.url,
        "events": list(endpoint.events or []),
        "description": endpoint.description,
        "active": endpoint.active,
    }


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


# -- writers ---------------------------------------------------------------------------


def create_endpoint(
    session: Session, *, actor, url, events, description=None
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint (admins); returns it and its secret, which is shown only once."""
    require(actor, Permission.MANAGE_WEBHOOKS)
    events = check_events(events)
    description = clean_text(description, "description", max_chars=MAX_DESCRIPTION) or None
    checked = url if isinstance(url, CheckedUrl) else check_url(url, fetch_policy())
    secret = _new_secret()
    endpoint = WebhookEndpoint(url=checked.url, secret=secret, events=events,
                               description=description, active=True,
                               created_by_id=getattr(actor, "id", None))  # fmt: skip
    session.add(endpoint)
    session.flush()
    audit.record(session, actor, "webhook.created", "webhook", endpoint.id, after=_view(endpoint))
    return endpoint, secret


def get_endpoint(session: Session, endpoint_id, *, for_update: bool = False) -> WebhookEndpoint:
    """An endpoint by id, or NotFound."""
    return get_or_404(session, WebhookEndpoint, endpoint_id, for_update=for_update)


def update_endpoint(
    session: Session, *, actor, endpoint_id, active=None, events=None, description=None
) -> WebhookEndpoint:
    """Switch an endpoint on or off, change its events or description (admins)."""
    require(actor, Permission.MANAGE_WEBHOOKS)
    endpoint = get_endpoint(session, endpoint_id, for_update=True)
    before = _view(endpoint)
    if active is not None:
        if not isinstance(active, bool):
            raise InvalidInput(N_("active must be true or false"), errors={"active": N_("boolean")})
        if active and not endpoint.active:  # its deliveries waited while it was off: due now
            for job in session.scalars(_jobs_of(endpoint.id, JobStatus.QUEUED)):
                queue.run_now(session, job)
        endpoint.active = active
    if events is not None:
        endpoint.events = check_events(events)
    if description is not None:
        endpoint.description = (
            clean_text(description, "description", max_chars=MAX_DESCRIPTION) or None
        )
    after = _view(endpoint)
    if after != before:
        action = "webhook.updated"
        if before["active"] != after["active"]:
            action = "webhook.activated" if endpoint.active else "webhook.deactivated"
        session.flush()
        audit.record(session, actor, action, "webhook", endpoint.id, before=before, after=after)
    return endpoint


def rotate_secret(session: Session, *, actor, endpoint_id) -> tuple[WebhookEndpoint, str]:
    """Replace an endpoint's signing secret (admins); the new one is returned once."""
    require(actor, Permission.MANAGE_WEBHOOKS)
    endpoint = get_endpoint(session, endpoint_id, for_update=True)
    secret = _new_secret()
    endpoint.secret = secret
    session.flush()
    audit.record(session, actor, "webhook.secret_rotated", "webhook", endpoint.id,
                 after={"secret": "rotated"})  # fmt: skip
    return endpoint, secret


def delete_endpoint(session: Session, *, actor, endpoint_id) -> None:
    """Remove an endpoint and its delivery log (admins)."""
    require(actor, Permission.MANAGE_WEBHOOKS)
    endpoint = get_endpoint(session, endpoint_id, for_update=True)
    before = _view(endpoint)
    jobs = select(WebhookDelivery.job_id).where(WebhookDelivery.endpoint_id == endpoint.id)
    session.execute(  # a job already running finds its delivery gone and sends nothing
        delete(Job).where(Job.id.in_(jobs), Job.status == JobStatus.QUEUED),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id),
        execution_options={"synchronize_session": False},
    )
    session.delete(endpoint)
    session.flush()
    audit.record(session, actor, "webhook.deleted", "webhook", endpoint_id, before=before)


def retry_delivery(session: Session, *, actor, delivery_id, endpoint_id=None) -> WebhookDelivery:
    """Send a failed (or waiting) delivery again as soon as possible (admins): a failed one
    gets one more attempt."""
    require(actor, Permission.MANAGE_WEBHOOKS)
    delivery = get_or_404(session, WebhookDelivery, delivery_id, for_update=True)
    if endpoint_id is not None and str(delivery.endpoint_id) != str(endpoint_id):
        raise NotFound(
            N_(
                "webhook %(endpoint_id)s has no delivery %(delivery_id)s",
                endpoint_id=endpoint_id,
                delivery_id=delivery_id,
            )
        )
    if delivery.status == DeliveryStatus.DELIVERED:
        raise InvalidTransition(
            N_("delivery %(delivery_id)s was already delivered", delivery_id=delivery.delivery_id)
        )
    job = delivery.job
    if job is not None and job.status == JobStatus.RUNNING:
        raise InvalidTransition(
            N_("delivery %(delivery_id)s is being sent right now", delivery_id=delivery.delivery_id)
        )
    before = {"status": delivery.status.value, "next_attempt_at": iso(delivery.next_attempt_at)}
    if job is None or job.status == JobStatus.DONE:  # history from before the job queue
        delivery.job = _send_job(session, delivery.delivery_id, max_attempts=1)
    else:
        queue.run_now(session, job)
    delivery.status = DeliveryStatus.PENDING
    session.flush()
    audit.record(session, actor, "webhook.delivery_retried", "webhook", delivery.endpoint_id,
                 before=before, after={"status": "pending", "delivery_id": delivery.delivery_id,
                                       "next_attempt_at": iso(delivery.next_attempt_at)})  # fmt: skip
    return delivery


def _jobs_of(endpoint_id: int, status: JobStatus):
    return (
        select(Job)
        .join(WebhookDelivery, WebhookDelivery.job_id == Job.id)
        .where(WebhookDelivery.endpoint_id == endpoint_id, Job.status == status)
    )


# -- readers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EndpointSummary:
    """An endpoint for the list page: no secret, counts per status, the latest error."""

    id: int
    url: str
    events: list
    description: str | None
    active: bool
    created_at: object
    counts: dict
    last_error: str | None
    last_error_at: object


def list_endpoints(session: Session) -> list[EndpointSummary]:
    """Every endpoint with its pending / delivered / failed counts and latest error."""
    endpoints = session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    rows = session.execute(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count()).group_by(
            WebhookDelivery.endpoint_id, WebhookDelivery.status
        )
    ).all()
    counts: dict[int, dict] = {e.id: dict.fromkeys(STATUSES, 0) for e in endpoints}
    for endpoint_id, status, n in rows:
        counts.setdefault(endpoint_id, dict.fromkeys(STATUSES, 0))[status] = n
    latest = _latest_errors(session)
    out = []
    for e in endpoints:
        last = latest.get(e.id)
        out.append(EndpointSummary(e.id, e.url, list(e.events or []), e.description, e.active,
                                   e.created_at, counts[e.id], last[0] if last else None,
                                   last[1] if last else None))  # fmt: skip
    return out


def _latest_errors(session: Session) -> dict[int, tuple]:
    """{endpoint_id: (last_error, last_attempt_at)} of each endpoint's latest failed attempt,
    in one query (not one per endpoint)."""
    newest_first = (WebhookDelivery.last_attempt_at.desc(), WebhookDelivery.id.desc())
    ranked = (
        select(
            WebhookDelivery.endpoint_id, WebhookDelivery.last_error, WebhookDelivery.last_attempt_at,
            func.row_number().over(partition_by=WebhookDelivery.endpoint_id, order_by=newest_first).label("n"),
        )
        .where(WebhookDelivery.last_error.is_not(None))
        .subquery()
    )  # fmt: skip
    rows = session.execute(
        select(ranked.c.endpoint_id, ranked.c.last_error, ranked.c.last_attempt_at).where(
            ranked.c.n == 1
        )
    )
    return {endpoint_id: (error, at) for endpoint_id, error, at in rows}


def list_deliveries(
    session: Session, endpoint_id, page: int = 1, per_page: int = 50
) -> tuple[list[WebhookDelivery], int]:
    """One page of an endpoint's deliveries, newest first, and the total count."""
    endpoint = (
        session.get(WebhookEndpoint, int(endpoint_id)) if str(endpoint_id).isdigit() else None
    )
    if endpoint is None:
        raise NotFound(N_("webhook %(endpoint_id)s does not exist", endpoint_id=endpoint_id))
    page = max(int(page or 1), 1)
    where = WebhookDelivery.endpoint_id == endpoint.id
    total = session.scalar(select(func.count()).select_from(WebhookDelivery).where(where)) or 0
    items = session.scalars(
        select(WebhookDelivery)
        .options(selectinload(WebhookDelivery.job))  # its next attempt
        .where(where)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(items), total
