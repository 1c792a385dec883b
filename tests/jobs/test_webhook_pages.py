"""Admin pages under /admin/webhooks: admins only, secret shown once, refused URLs change
nothing, the delivery log shows failures, retry now, CSRF on every form."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from factcheck.extensions import db
from factcheck.jobs.webhooks import MAX_ATTEMPTS
from factcheck.models import WebhookEndpoint, utcnow

from .conftest import PUBLIC_URL, approve, deliver_due, deliveries, endpoint_count


@pytest.fixture(autouse=True)
def _fresh_context_per_request(fresh_contexts):
    """Every request runs in its own app context, as on a server."""


@pytest.fixture
def as_admin(app, admin, login):
    return login(admin, c=app.test_client())


def _secret_in(html: str) -> str:
    m = re.search(r'<code class="token" id="webhook-secret">([^<]+)</code>', html)
    assert m, html[:2000]
    return m.group(1)


@pytest.mark.parametrize("role", ["reviewer", "lead"])
def test_reviewers_and_leads_get_403(app, make_user, login, register, role):
    endpoint_id, _ = register(PUBLIC_URL)
    c = login(make_user(role), c=app.test_client())
    assert c.get("/admin/webhooks").status_code == 403
    assert c.get(f"/admin/webhooks/{endpoint_id}").status_code == 403
    data = {"url": PUBLIC_URL, "events": ["claim.approved"]}
    assert c.post("/admin/webhooks", data=data).status_code == 403
    assert c.post(f"/admin/webhooks/{endpoint_id}/rotate").status_code == 403
    assert endpoint_count() == 1
    assert "/admin/webhooks" not in c.get("/articles").get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/admin/webhooks")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_create_shows_the_secret_once(as_admin):
    assert 'href="/admin/webhooks"' in as_admin.get("/articles").get_data(as_text=True)
    resp = as_admin.post("/admin/webhooks", data={"url": PUBLIC_URL, "description": "CMS",
                                                  "events": ["claim.approved", "article.approved"]})  # fmt: skip
    assert resp.status_code == 201, resp.get_data(as_text=True)[:1000]
    secret = _secret_in(resp.get_data(as_text=True))
    db.session.rollback()
    endpoint = db.session.query(WebhookEndpoint).one()
    assert endpoint.secret == secret and endpoint.events == ["claim.approved", "article.approved"]
    listing = as_admin.get("/admin/webhooks")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert PUBLIC_URL in page and "CMS" in page and secret not in page
    show = as_admin.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert PUBLIC_URL in show and secret not in show
    assert secret not in as_admin.get("/audit").get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/hook", "address not allowed: 127.0.0.1"),
        ("http://169.254.169.254/", "address not allowed: 169.254.169.254"),
        ("http://[::ffff:10.0.0.1]/", "address not allowed: ::ffff:10.0.0.1"),
        ("ftp://93.184.216.34/", "scheme not allowed: ftp"),
        ("file:///etc/passwd", "scheme not allowed: file"),
    ],
)
def test_refused_url_is_a_clear_422_and_writes_nothing(as_admin, snapshot, url, message):
    before = snapshot()
    resp = as_admin.post("/admin/webhooks", data={"url": url, "events": ["claim.approved"]})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert snapshot() == before and endpoint_count() == 0


def test_no_event_chosen_is_422(as_admin):
    resp = as_admin.post("/admin/webhooks", data={"url": PUBLIC_URL})
    assert resp.status_code == 422 and "choose at least one" in resp.get_data(as_text=True)
    assert endpoint_count() == 0


def test_failures_show_on_the_pages_and_retry_now(app, as_admin, receiver, register,
                                                  reviewed_claim):  # fmt: skip
    receiver.status = 500
    endpoint_id, _ = register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(app, now=now)
        now += timedelta(days=2)
    [d] = deliveries()
    assert d.status == "failed"
    listing = as_admin.get("/admin/webhooks").get_data(as_text=True)
    assert "HTTP 500" in listing
    assert re.search(r"<td>0</td><td>0</td><td>1</td>", listing)  # pending, delivered, failed
    show = as_admin.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "HTTP 500" in show and "failed" in show and f"<td>{MAX_ATTEMPTS}</td>" in show
    assert "Retry now" in show

    receiver.status = 200
    resp = as_admin.post(f"/admin/webhooks/{endpoint_id}/deliveries/{d.id}/retry")
    assert resp.status_code == 302
    [d] = deliveries()
    assert d.status == "pending" and abs((d.next_attempt_at - utcnow()).total_seconds()) < 30
    assert deliver_due(app).done == 1
    show = as_admin.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "delivered" in show and "Retry now" not in show


def test_toggle_edit_rotate_delete(as_admin, register):
    endpoint_id, secret = register(PUBLIC_URL)
    assert as_admin.post(f"/admin/webhooks/{endpoint_id}/toggle").status_code == 302
    db.session.rollback()
    assert db.session.get(WebhookEndpoint, endpoint_id).active is False
    assert "Switch on" in as_admin.get("/admin/webhooks").get_data(as_text=True)
    resp = as_admin.post(f"/admin/webhooks/{endpoint_id}", data={
        "events": ["report.exported"], "description": "exports", "active": "y"})  # fmt: skip
    assert resp.status_code == 302
    db.session.rollback()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert endpoint.active and endpoint.events == ["report.exported"]
    bad = as_admin.post(f"/admin/webhooks/{endpoint_id}", data={"description": "x"})
    assert bad.status_code == 422
    resp = as_admin.post(f"/admin/webhooks/{endpoint_id}/rotate")
    assert resp.status_code == 200
    new_secret = _secret_in(resp.get_data(as_text=True))
    assert new_secret != secret
    db.session.rollback()
    assert db.session.get(WebhookEndpoint, endpoint_id).secret == new_secret
    assert as_admin.post(f"/admin/webhooks/{endpoint_id}/delete").status_code == 302
    assert endpoint_count() == 0
    assert as_admin.get(f"/admin/webhooks/{endpoint_id}").status_code == 404


def test_delivery_log_is_paginated(as_admin, register):
    from factcheck.database import transaction
    from factcheck.models import WebhookEvent
    from factcheck.services import webhooks

    endpoint_id, _ = register(PUBLIC_URL)
    with transaction() as s:
        for i in range(55):
            webhooks.enqueue(s, WebhookEvent.CLAIM_APPROVED, {"claim_id": i})
    first = as_admin.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert first.count("Retry now<span") == 50 and "Older →" in first
    second = as_admin.get(f"/admin/webhooks/{endpoint_id}?page=2").get_data(as_text=True)
    assert second.count("Retry now<span") == 5 and "← Newer" in second


def test_csrf_is_required_on_every_form(app, as_admin, register):
    endpoint_id, _ = register(PUBLIC_URL)
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"url": "https://93.184.216.35/x", "events": ["claim.approved"]}
    assert as_admin.post("/admin/webhooks", data=data).status_code == 400
    for path in ("", "/toggle", "/rotate", "/delete"):
        assert as_admin.post(f"/admin/webhooks/{endpoint_id}{path}").status_code == 400, path
    assert endpoint_count() == 1
    page = as_admin.get("/admin/webhooks").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = as_admin.post("/admin/webhooks", data={**data, "csrf_token": token})
    assert resp.status_code == 201
    assert endpoint_count() == 2
