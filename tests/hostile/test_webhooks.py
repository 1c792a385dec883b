"""HOSTILE.md §3.4 FLT-11 "webhook down": receivers that never answer, answer 500 or redirect
to a private address; a rolled-back change; private targets at registration.

Receivers are RawServers on the allowed "public" address 127.0.0.5; the redirect points at
the `canary` on 127.0.0.1, which must never be reached. Deliveries go out as in production:
the after-commit kick (``WEBHOOKS_ASYNC`` on: jobs.inline) for the first attempt, the
worker's run (``jobs.worker.run``) with a simulated clock for the retries.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from datetime import timedelta

import pytest
from settings_helpers import override_settings
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.jobs import inline, worker
from factcheck.jobs.webhooks import BACKOFF_SECONDS, MAX_ATTEMPTS
from factcheck.models import AuditEvent, Claim, WebhookDelivery, WebhookEndpoint
from factcheck.services import approvals, reviews
from factcheck.services import webhooks as webhook_service

pytestmark = pytest.mark.usefixtures("app")

LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
RUNS = 10  # approvals per latency sample
KICK_TIMEOUT = 1.0  # WEBHOOKS_TIMEOUT_SECONDS: an inline send would add >= this per approval

RETRY_TIMEOUT = 0.5  # the worker's timeout for the simulated retries (keeps the case short)
MAX_DELTA_MS = 200.0


def _locked() -> Exception:
    """What sqlite3 raises when busy_timeout runs out (SQLITE_BUSY): errors map by code."""
    orig = sqlite3.OperationalError("database is locked")
    orig.sqlite_errorcode = 5
    return orig


@pytest.fixture(autouse=True)
def _no_kick_left_behind():
    yield
    assert inline.wait(30), "a webhook kick thread is still running"


def deliver_due(app, **kw) -> worker.Stats:
    """The worker's run, for webhook jobs only."""
    return worker.run(app, kinds=["webhook"], **kw)


def _text(n: int) -> str:
    return " ".join(f"Item {i} rose {i % 80 + 2}% in 2021." for i in range(n)) + "\n"


def _reviewed_claims(make_user, make_article, n: int) -> tuple[list[int], object]:
    """n reviewed claims (confirmed, one link, by a reviewer) and a lead who may approve them."""
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(_text(n + 2), actor=reviewer)
    ids = [c.id for c in article.claims][:n]
    assert len(ids) == n, len(article.claims)
    with transaction() as s:
        for claim_id in ids:
            reviews.submit_review(s, actor=reviewer, claim_id=claim_id, verdict="confirmed",
                                  links=[LINK])  # fmt: skip
    db.session.rollback()
    return ids, lead


def _version(claim_id: int) -> int:
    db.session.rollback()
    version = db.session.get(Claim, claim_id).version
    db.session.rollback()
    return version


def _timed_approve(api, claim_id: int) -> tuple[int, float, dict]:
    version = _version(claim_id)
    started = time.perf_counter()
    resp = api.post(
        f"/claims/{claim_id}/approve", json={"verdict": "confirmed", "version": version}
    )
    return resp.status_code, (time.perf_counter() - started) * 1000, resp.get_json() or {}


def _deliveries(**where) -> list[WebhookDelivery]:
    db.session.rollback()
    db.session.expire_all()
    stmt = (
        select(WebhookDelivery)
        .options(selectinload(WebhookDelivery.job))
        .order_by(WebhookDelivery.id)
    )
    for key, value in where.items():
        stmt = stmt.where(getattr(WebhookDelivery, key) == value)
    rows = list(db.session.scalars(stmt))
    db.session.rollback()
    return rows


def _count(model, *where) -> int:
    db.session.rollback()
    n = db.session.scalar(select(func.count()).select_from(model).where(*where))
    db.session.rollback()
    return n


def _hang(conn, server):
    """Accept, read the request, never answer (until the test ends)."""
    while server.sleep(0.05):
        pass


def _register_form(admin_client, url: str):
    return admin_client.post("/admin/webhooks", data={"url": url, "events": ["claim.approved"]})


# --------------------------------------------------------------------------- (a) down


def test_flt11_down_receivers_do_not_slow_approvals_and_are_retried(
    app, make_user, make_article, api_as, login, serve, canary, allow_public, verify, figure, h
):
    override_settings(app, WEBHOOKS_ASYNC=True, WEBHOOKS_TIMEOUT_SECONDS=KICK_TIMEOUT)
    redirect_to = canary.url("/latest/meta-data/")
    servers = {
        "hang": serve(_hang),
        "500": serve(lambda conn, s: conn.sendall(h.response(500, b"boom"))),
        "302": serve(lambda conn, s: conn.sendall(h.response(302, headers={"Location": redirect_to}))),
    }  # fmt: skip
    allow_public(*(s.port for s in servers.values()))
    ids, lead = _reviewed_claims(make_user, make_article, 2 * RUNS + 2)
    api = api_as(lead)

    # Warm-up (not measured), then RUNS approvals with no webhook registered.
    for claim_id in ids[:2]:
        assert _timed_approve(api, claim_id)[0] == 200
    baseline = []
    for claim_id in ids[2 : 2 + RUNS]:
        status, ms, body = _timed_approve(api, claim_id)
        assert status == 200 and body["status"] == "approved", (status, body)
        baseline.append(ms)
    assert _count(WebhookDelivery) == 0

    # An admin registers the three dead receivers through the admin form.
    admin = login(make_user("admin"), c=app.test_client())
    endpoint_ids = {}
    for kind, server in servers.items():
        resp = _register_form(admin, server.url(f"/hook-{kind}"))
        assert resp.status_code == 201, resp.get_data(as_text=True)[:800]
        db.session.rollback()
        endpoint_ids[kind] = db.session.scalar(
            select(WebhookEndpoint.id).where(WebhookEndpoint.url.like(f"%/hook-{kind}"))
        )
    db.session.rollback()

    dead = []
    for claim_id in ids[2 + RUNS :]:
        status, ms, body = _timed_approve(api, claim_id)
        assert status == 200 and body["status"] == "approved", (status, body)
        dead.append(ms)
    delta = statistics.median(dead) - statistics.median(baseline)

    # The state change committed whatever the receivers do.
    approved = _count(Claim, Claim.id.in_(ids), Claim.status == "approved")
    audited = _count(AuditEvent, AuditEvent.action == "claim.approved")
    assert approved == audited == len(ids)

    # First attempt: the after-commit kick, in the background.
    assert inline.wait(30)
    first = _deliveries()
    assert len(first) == 3 * RUNS
    assert all(d.status == "pending" and d.attempts == 1 for d in first), [
        (d.status, d.attempts, d.last_error) for d in first
    ]
    by_endpoint = {
        kind: [d for d in first if d.endpoint_id == eid] for kind, eid in endpoint_ids.items()
    }
    assert all(f"did not respond within {KICK_TIMEOUT:g} s" in d.last_error for d in by_endpoint["hang"]), by_endpoint["hang"][0].last_error  # fmt: skip
    assert all(d.last_error == "HTTP 500" and d.last_status_code == 500 for d in by_endpoint["500"])
    assert all("redirect not followed" in d.last_error and d.last_status_code == 302
               for d in by_endpoint["302"])  # fmt: skip

    # Retries with back-off (the worker, simulated clock), for the last approval's three.
    app.config["WEBHOOKS_TIMEOUT_SECONDS"] = RETRY_TIMEOUT
    watched = [rows[-1].id for rows in by_endpoint.values()]
    jobs = [rows[-1].job_id for rows in by_endpoint.values()]
    gaps: dict[int, list[float]] = {i: [] for i in watched}
    early_claims = 0
    for attempt in range(2, MAX_ATTEMPTS + 1):
        rows = [d for d in _deliveries() if d.id in watched]
        for d in rows:
            gaps[d.id].append((d.next_attempt_at - d.last_attempt_at).total_seconds())
        soonest = min(d.next_attempt_at for d in rows)
        early_claims += deliver_due(app, ids=jobs, now=soonest - timedelta(seconds=1)).run
        stats = deliver_due(app, ids=jobs, now=max(d.next_attempt_at for d in rows))
        assert stats.run == 3 and stats.done == 0, (attempt, stats)
    assert early_claims == 0, "a delivery was sent before its back-off ended"
    final = [d for d in _deliveries() if d.id in watched]
    assert all(d.status == "failed" and d.attempts == MAX_ATTEMPTS for d in final), [
        (d.status, d.attempts) for d in final
    ]
    assert all(d.job.status == "failed" and d.job.attempts == MAX_ATTEMPTS for d in final)
    for delivery_id, seq in gaps.items():
        assert len(seq) == MAX_ATTEMPTS - 1
        assert seq == sorted(seq) and len(set(seq)) == len(seq), (delivery_id, seq)
        for got, base in zip(seq, BACKOFF_SECONDS, strict=True):
            assert base * 0.9 - 2 <= got <= base * 1.1 + 2, (delivery_id, seq)
    assert deliver_due(app, ids=jobs, now=max(d.last_attempt_at for d in final) + timedelta(days=30)).run == 0  # fmt: skip

    # Failing is visible to the admin: service counts and the two admin pages.
    summaries = {e.id: e for e in webhook_service.list_endpoints(db.session)}
    db.session.rollback()
    for kind, eid in endpoint_ids.items():
        assert summaries[eid].counts == {"pending": RUNS - 1, "delivered": 0, "failed": 1}, (kind, summaries[eid])  # fmt: skip
        assert summaries[eid].last_error
    index = admin.get("/admin/webhooks").get_data(as_text=True)
    assert "HTTP 500" in index and "redirect not followed" in index and "did not respond" in index
    pages_ok = 0
    for eid in endpoint_ids.values():
        resp = admin.get(f"/admin/webhooks/{eid}")
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200
        pages_ok += "webhook-failed" in page and "webhook-pending" in page and "Retry now" in page
    assert pages_ok == 3

    # Sent exactly once per attempt; nothing followed the redirect to 127.0.0.1.
    attempts = RUNS - 1 + MAX_ATTEMPTS
    assert servers["500"].connections == servers["302"].connections == attempts
    assert servers["hang"].connections == attempts
    assert canary.connections == 0
    result = verify()
    assert result.ok

    figure("FLT-11:down", cases=f"3 receivers (no answer, 500, 302 -> 127.0.0.1) x {RUNS} approvals + {RUNS} without",
           ok=f"latency Δ {delta:.1f} ms (median {statistics.median(baseline):.1f} -> {statistics.median(dead):.1f} ms; "
              f"bar {MAX_DELTA_MS:.0f}); {approved}/{len(ids)} approvals committed; retries shown",
           rows=f"deliveries {len(first)} pending after the kick; 3 failed after {MAX_ATTEMPTS} attempts",
           verify="OK" if result.ok else "FAIL", canary=canary.connections,
           notes=f"kick timeout {KICK_TIMEOUT:g} s; back-off gaps {[round(g) for g in gaps[watched[0]]]} s; "
                 f"early sends 0; failing shown on /admin/webhooks and 3/3 endpoint pages")  # fmt: skip
    assert delta < MAX_DELTA_MS, (delta, baseline, dead)


# --------------------------------------------------------------------------- (b) rolled back


def test_flt11_rolled_back_change_never_emits_a_webhook(
    app, make_user, make_article, api_as, serve, allow_public, snapshot, verify, monkeypatch,
    figure, h,
):  # fmt: skip
    override_settings(app, WEBHOOKS_ASYNC=True, WEBHOOKS_TIMEOUT_SECONDS=KICK_TIMEOUT)
    server = serve(lambda conn, s: conn.sendall(h.response(200, b"ok")))
    allow_public(server.port)
    ids, lead = _reviewed_claims(make_user, make_article, 4)
    admin = make_user("admin")
    with transaction() as s:
        webhook_service.create_endpoint(s, actor=admin, url=server.url("/hook"),
                                        events=["claim.approved"])  # fmt: skip
    api = api_as(lead)
    real_enqueue = webhook_service.enqueue
    raised = {"n": 0}

    def enqueue_then_fail(session, *args, **kwargs):
        count = real_enqueue(session, *args, **kwargs)
        session.flush()  # the delivery rows have reached the database
        assert count == 1
        raised["n"] += 1
        raise OperationalError("INSERT", {}, _locked())

    def fail_at_commit(session, *_args):
        if any(
            isinstance(o, WebhookDelivery) for o in [*session.new, *session.identity_map.values()]
        ):
            raised["n"] += 1
            raise OperationalError("COMMIT", {}, _locked())

    def api_approve(claim_id):
        return api.post(f"/claims/{claim_id}/approve",
                        json={"verdict": "confirmed", "version": _version(claim_id)}).status_code  # fmt: skip

    def service_approve(claim_id):
        try:
            with transaction() as s:
                approvals.approve_claim(s, actor=lead, claim_id=claim_id, verdict="confirmed",
                                        note="", version=s.get(Claim, claim_id).version)  # fmt: skip
                s.flush()
                raised["n"] += 1
                raise RuntimeError("fault after the approval, same unit of work")
        except RuntimeError:
            return "RuntimeError"
        return "committed"

    faults = {
        "API, fault after enqueue": (ids[0], api_approve, "patch"),
        "API, fault at commit (before_commit)": (ids[1], api_approve, "commit"),
        "service, RuntimeError after flush": (ids[2], service_approve, None),
    }
    outcomes, leaks = {}, 0
    for name, (claim_id, call, how) in faults.items():
        before = snapshot()
        if how == "patch":
            monkeypatch.setattr(webhook_service, "enqueue", enqueue_then_fail)
        elif how == "commit":
            event.listen(Session, "before_commit", fail_at_commit)
        try:
            outcomes[name] = call(claim_id)
        finally:
            monkeypatch.setattr(webhook_service, "enqueue", real_enqueue)
            if event.contains(Session, "before_commit", fail_at_commit):
                event.remove(Session, "before_commit", fail_at_commit)
        assert inline.wait(10)
        leaks += h.diff(before, snapshot())
        assert _count(Claim, Claim.id == claim_id, Claim.status == "approved") == 0, name
    queued = _count(WebhookDelivery)
    worker_runs = deliver_due(app).run
    sent = server.connections
    assert raised["n"] == len(faults), raised
    assert outcomes == {"API, fault after enqueue": 503, "API, fault at commit (before_commit)": 503,
                        "service, RuntimeError after flush": "RuntimeError"}, outcomes  # fmt: skip

    # Control: the same approval without a fault is queued and sent by the kick.
    assert api_approve(ids[3]) == 200
    assert inline.wait(10)
    control = [(d.status, d.payload["data"]["claim_id"]) for d in _deliveries()]
    result = verify()
    figure("FLT-11:rollback", cases=f"{len(faults)} faults after approve in the unit of work + 1 control",
           ok=f"{queued} webhooks queued, {sent} sent for rolled-back changes; control delivered {len(control)}/1",
           rows=f"{leaks} changed", verify="OK" if result.ok else "FAIL",
           notes=str(outcomes))  # fmt: skip
    assert leaks == 0 and queued == 0 and worker_runs == 0 and sent == 0
    assert control == [("delivered", ids[3])] and server.connections == 1
    assert result.ok


# --------------------------------------------------------------------------- (c) private


PRIVATE = {"http://127.0.0.1/": "127.0.0.1", "http://10.0.0.1/": "10.0.0.1",
           "http://[::1]/": "::1", "http://169.254.169.254/": "169.254.169.254"}  # fmt: skip


def test_flt11_private_targets_refused_at_registration(
    app, make_user, login, allow_public, canary, events, figure
):
    allow_public(canary.port)  # 127.0.0.5 and the canary's port allowed: loopback still refused
    admin = make_user("admin")
    client = login(admin, c=app.test_client())
    before_events = events()
    targets = {**PRIVATE, canary.url("/hook"): "127.0.0.1"}
    refused, unclear = 0, {}
    for url, ip in targets.items():
        expected = f"address not allowed: {ip} (private, loopback or reserved)"
        resp = _register_form(client, url)
        page = resp.get_data(as_text=True)
        with pytest.raises(InvalidInput) as info, transaction() as s:
            webhook_service.create_endpoint(s, actor=admin, url=url, events=["claim.approved"])
        form_clear = resp.status_code == 422 and expected in page and "webhook-secret" not in page
        service_clear = info.value.detail == expected and "url" in (info.value.errors or {})
        refused += form_clear + service_clear
        if not (form_clear and service_clear):
            unclear[url] = (resp.status_code, info.value.detail)
    rows = _count(WebhookEndpoint)
    added = events() - before_events
    figure("FLT-11:private", cases=f"{len(targets)} URLs (incl. the canary 127.0.0.1:port) x 2 entry points (admin form, service)",
           ok=f"{refused}/{2 * len(targets)} refused 422 'address not allowed: <ip> (private, loopback or reserved)'",
           rows=f"{rows} endpoints, {added} audit events", canary=canary.connections,
           notes=f"{', '.join(PRIVATE)}, canary 127.0.0.1:<port>/hook; 127.0.0.5 allowed meanwhile" + (f"; unclear {unclear}" if unclear else ""))  # fmt: skip
    assert refused == 2 * len(targets), unclear
    assert rows == 0 and added == 0 and canary.connections == 0
