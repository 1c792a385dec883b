"""Endpoint configuration: address rules at registration, audited changes, the secret kept
out of the audit trail, readers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from factcheck.extensions import db
from factcheck.models import AuditEvent, WebhookEndpoint, WebhookEvent
from factcheck.services import webhooks

from .conftest import PUBLIC_URL, approve, deliveries, endpoint_count

REFUSED = [
    ("http://127.0.0.1:8080/hook", "address not allowed: 127.0.0.1"),
    ("http://localhost/hook", "address not allowed"),
    ("http://2130706433/hook", "address not allowed: 127.0.0.1"),  # decimal spelling
    ("http://[::ffff:127.0.0.1]/hook", "address not allowed: ::ffff:127.0.0.1"),
    ("http://169.254.169.254/latest", "address not allowed: 169.254.169.254"),
    ("http://10.1.2.3/hook", "address not allowed: 10.1.2.3"),
    ("http://[::1]/hook", "address not allowed: ::1"),
    ("ftp://93.184.216.34/hook", "scheme not allowed: ftp"),
    ("javascript:alert(1)", "scheme not allowed"),
    ("93.184.216.34/hook", "must start with http"),
    ("https://user:pw@93.184.216.34/hook", "credentials not allowed"),
    ("http://93.184.216.34:22/hook", "port not allowed: 22"),
    ("https://93.184.216.34/a\r\nX: y", "control character"),
    ("", "url is required"),
]


def audit_text() -> str:
    db.session.rollback()
    events = db.session.scalars(select(AuditEvent)).all()
    return json.dumps([[e.action, e.before, e.after] for e in events])


@pytest.mark.parametrize(("url", "message"), REFUSED)
def test_unsafe_url_is_refused_at_registration_and_nothing_is_written(admin, url, message):
    events = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    with pytest.raises(InvalidInput) as exc, transaction() as s:
        webhooks.create_endpoint(s, actor=admin, url=url, events=["claim.approved"])
    assert message in exc.value.detail and exc.value.status == 422
    assert "url" in exc.value.errors
    assert endpoint_count() == 0
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == events


def test_loopback_is_allowed_only_when_configured(admin, limits):
    limits.FETCH_ALLOWED_ADDRESSES, limits.FETCH_ALLOWED_PORTS = "127.0.0.1", "80,443,9999"
    with transaction() as s:
        endpoint, _secret = webhooks.create_endpoint(
            s, actor=admin, url="http://127.0.0.1:9999/x", events=["claim.approved"]
        )
        assert endpoint.url == "http://127.0.0.1:9999/x"
    with pytest.raises(InvalidInput, match="address not allowed: 127.0.0.2"), transaction() as s:
        webhooks.create_endpoint(s, actor=admin, url="http://127.0.0.2:9999/x", events=["claim.approved"])  # fmt: skip


@pytest.mark.parametrize("events", [[], ["claim.deleted"], "claim.approved", None])
def test_events_must_be_a_non_empty_subset(admin, events):
    with pytest.raises(InvalidInput) as exc, transaction() as s:
        webhooks.create_endpoint(s, actor=admin, url=PUBLIC_URL, events=events)
    assert "events" in exc.value.errors
    assert endpoint_count() == 0


@pytest.mark.parametrize("role", ["reviewer", "lead"])
def test_only_admins_manage_webhooks(make_user, role):
    user = make_user(role)
    with pytest.raises(PermissionDenied), transaction() as s:
        webhooks.create_endpoint(s, actor=user, url=PUBLIC_URL, events=["claim.approved"])
    assert endpoint_count() == 0


def test_create_returns_secret_once_and_audits_without_it(admin, register):
    endpoint_id, secret = register(PUBLIC_URL, events=["report.exported", "claim.approved"],
                                   description="CMS")  # fmt: skip
    assert len(secret) >= 40
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert endpoint.events == ["claim.approved", "report.exported"]  # canonical order
    ev = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.created")).one()
    assert ev.actor_id == admin.id and ev.target_type == "webhook" and ev.target_id == endpoint_id
    assert ev.after == {"url": PUBLIC_URL, "events": ["claim.approved", "report.exported"],
                        "description": "CMS", "active": True}  # fmt: skip
    assert secret not in audit_text()


def test_update_rotate_retry_delete_are_audited_and_never_leak_the_secret(admin, register):
    endpoint_id, secret = register(PUBLIC_URL)
    with transaction() as s:
        webhooks.update_endpoint(s, actor=admin, endpoint_id=endpoint_id,
                                 events=["article.approved"], description="new")  # fmt: skip
    with transaction() as s:
        webhooks.update_endpoint(s, actor=admin, endpoint_id=endpoint_id, active=False)
    with transaction() as s:
        webhooks.update_endpoint(s, actor=admin, endpoint_id=endpoint_id, active=False)  # no-op
    with transaction() as s:
        _endpoint, new_secret = webhooks.rotate_secret(s, actor=admin, endpoint_id=endpoint_id)
    assert new_secret != secret
    assert db.session.get(WebhookEndpoint, endpoint_id).secret == new_secret
    with transaction() as s:
        webhooks.update_endpoint(s, actor=admin, endpoint_id=endpoint_id, active=True)
        webhooks.enqueue(s, WebhookEvent.ARTICLE_APPROVED, {"article_id": 1})
    [d] = deliveries()
    with transaction() as s:
        webhooks.retry_delivery(s, actor=admin, delivery_id=d.id, endpoint_id=endpoint_id)
    with pytest.raises(NotFound), transaction() as s:
        webhooks.retry_delivery(s, actor=admin, delivery_id=d.id, endpoint_id=endpoint_id + 1)
    with transaction() as s:
        webhooks.delete_endpoint(s, actor=admin, endpoint_id=endpoint_id)
    assert endpoint_count() == 0 and deliveries() == []
    actions = [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_type == "webhook").order_by(AuditEvent.seq))]  # fmt: skip
    assert actions == ["webhook.created", "webhook.updated", "webhook.deactivated",
                       "webhook.secret_rotated", "webhook.activated", "webhook.delivery_retried",
                       "webhook.deleted"]  # fmt: skip
    text = audit_text()
    assert secret not in text and new_secret not in text


def test_retry_refuses_a_delivered_delivery(app, admin, receiver, register, reviewed_claim):
    from .conftest import deliver_due

    register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    deliver_due(app)
    [d] = deliveries()
    with pytest.raises(InvalidTransition), transaction() as s:
        webhooks.retry_delivery(s, actor=admin, delivery_id=d.id)


def test_readers_count_statuses_and_page_deliveries(admin, register):
    endpoint_id, _secret = register(PUBLIC_URL)
    with transaction() as s:
        for i in range(7):
            webhooks.enqueue(s, WebhookEvent.CLAIM_APPROVED, {"claim_id": i})
    [summary] = webhooks.list_endpoints(db.session)
    assert summary.counts == {"pending": 7, "delivered": 0, "failed": 0}
    assert not hasattr(summary, "secret") and summary.last_error is None
    items, total = webhooks.list_deliveries(db.session, endpoint_id, page=2, per_page=5)
    assert total == 7 and len(items) == 2
    with pytest.raises(NotFound):
        webhooks.list_deliveries(db.session, endpoint_id + 1)
