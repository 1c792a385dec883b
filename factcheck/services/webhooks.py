"""Webhooks: the outbox. Services enqueue deliveries inside their unit of work.

``enqueue`` adds one pending delivery per active endpoint subscribed to the event, in
the caller's transaction: if the change rolls back, so do its deliveries, and nothing
is ever sent for a change that did not happen.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import WebhookDelivery, WebhookEndpoint, WebhookEvent, iso, utcnow


def enqueue(session: Session, event: WebhookEvent, data: dict) -> int:
    """Queue `event` for every active endpoint that wants it; returns how many."""
    endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))).all()
    now = utcnow()
    count = 0
    for endpoint in endpoints:
        if event.value not in (endpoint.events or []):
            continue
        delivery_id = str(uuid.uuid4())
        payload = {"id": delivery_id, "event": event.value, "occurred_at": iso(now), "data": data}
        session.add(WebhookDelivery(delivery_id=delivery_id, endpoint_id=endpoint.id, event=event.value,
                                    payload=payload, next_attempt_at=now))  # fmt: skip
        count += 1
    return count
