"""Sending: signature and headers, approve → one delivery, retries with back-off, failure
after 8 attempts, redirects and timeouts, the after-commit kick and the CLI (FLT-11)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from settings_helpers import override_settings

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs import inline
from factcheck.jobs.webhooks import MAX_ATTEMPTS, backoff, sign
from factcheck.models import Claim, Job, JobStatus, utcnow
from factcheck.services import approvals

from .conftest import approve, deliver_due, deliveries


def test_approve_queues_one_delivery_and_it_is_delivered_signed(app, receiver, register,
                                                                reviewed_claim):  # fmt: skip
    endpoint_id, secret = register(receiver.url("/in?x=1"))
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    [queued] = deliveries()
    assert queued.status == "pending" and queued.attempts == 0 and queued.endpoint_id == endpoint_id
    assert queued.job.kind == "webhook" and queued.job.status == JobStatus.QUEUED

    stats = deliver_due(app)
    assert (stats.run, stats.done, stats.failed) == (1, 1, 0), stats.errors
    [req] = receiver.requests
    h = {k.lower(): v for k, v in req["headers"].items()}
    assert req["path"] == "/in?x=1"
    assert h["content-type"] == "application/json"
    assert h["user-agent"] == "Factcheck-Webhooks/1"
    assert h["x-factcheck-event"] == "claim.approved"
    assert h["x-factcheck-delivery"] == queued.delivery_id
    timestamp = h["x-factcheck-timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + req["body"], hashlib.sha256)
    assert h["x-factcheck-signature"] == "sha256=" + expected.hexdigest()
    assert hmac.compare_digest(h["x-factcheck-signature"], sign(secret, timestamp, req["body"]))
    assert h["x-factcheck-signature"] != sign("wrong secret", timestamp, req["body"])
    body = json.loads(req["body"])
    assert body["event"] == "claim.approved" and body["id"] == queued.delivery_id
    assert body["data"]["claim_id"] == claim_id and body["data"]["final_verdict"] == "confirmed"

    [done] = deliveries()
    assert done.status == "delivered" and done.attempts == 1 and done.last_status_code == 200
    assert done.delivered_at is not None and done.last_error is None
    assert done.job.status == JobStatus.DONE and done.job.finished_at is not None
    assert deliver_due(app).run == 0  # never sent twice
    assert len(receiver.requests) == 1


def test_rolled_back_change_queues_nothing(app, receiver, register, reviewed_claim):
    override_settings(app, WEBHOOKS_ASYNC=True)  # even with the kick on, nothing is sent
    register(receiver.url())
    claim_id, lead = reviewed_claim()
    with pytest.raises(RuntimeError), transaction() as s:
        version = s.get(Claim, claim_id).version
        approvals.approve_claim(s, actor=lead, claim_id=claim_id, verdict="confirmed", note="",
                                version=version)  # fmt: skip
        s.flush()
        raise RuntimeError("fault after the change")
    assert inline.wait(5)
    assert deliveries() == []
    assert deliver_due(app).run == 0
    assert receiver.requests == []


def test_inactive_endpoint_gets_nothing_and_other_events_are_not_sent(app, receiver, register,
                                                                      reviewed_claim):  # fmt: skip
    register(receiver.url(), events=["report.exported"])  # not subscribed to claim.approved
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    assert deliveries() == []


def test_receiver_500_is_retried_with_back_off_then_failed(app, receiver, register, reviewed_claim):
    receiver.status = 500
    register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    now = utcnow()
    gaps = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        stats = deliver_due(app, now=now)
        assert stats.run == 1, attempt
        [d] = deliveries()
        assert d.attempts == attempt and d.last_status_code == 500 and d.last_error == "HTTP 500"
        if attempt < MAX_ATTEMPTS:
            assert d.status == "pending"
            gaps.append((d.next_attempt_at - now).total_seconds())
            assert deliver_due(app, now=d.next_attempt_at - timedelta(seconds=1)).run == 0
            now = d.next_attempt_at
        else:
            assert d.status == "failed" and d.job.status == JobStatus.FAILED
            assert d.job.last_error == "HTTP 500" and d.next_attempt_at is None
    assert gaps == sorted(gaps) and len(set(gaps)) == len(gaps), gaps  # strictly increasing
    # 30 s and 2 min, ±10 %, counted from when the attempt ended: the worker's clock runs on
    # from the `now` it was given, so the attempt's own duration comes on top
    took = 5
    assert 27 <= gaps[0] <= 33 + took and 108 <= gaps[1] <= 132 + took, gaps
    assert deliver_due(app, now=now + timedelta(days=30)).run == 0  # failed stays failed
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_backoff_schedule_has_jitter():
    import random

    rng = random.Random(1)
    waits = [backoff(n, rng).total_seconds() for n in range(1, 9)]
    for got, base in zip(waits, (30, 120, 600, 3600, 21600, 43200, 86400, 86400), strict=True):
        assert base * 0.9 <= got <= base * 1.1
    assert len({backoff(1).total_seconds() for _ in range(20)}) > 1


def test_redirect_is_not_followed(app, receiver, register, reviewed_claim):
    receiver.status, receiver.location = 302, "http://169.254.169.254/latest/meta-data/"
    register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    stats = deliver_due(app)
    assert stats.retrying == 1
    [d] = deliveries()
    assert d.status == "pending" and d.last_status_code == 302
    assert "redirect not followed" in d.last_error
    assert len(receiver.requests) == 1  # nothing went to the Location


def test_address_no_longer_allowed_at_send_time_is_refused(app, receiver, register, reviewed_claim,
                                                           limits):  # fmt: skip
    register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    limits.FETCH_ALLOWED_ADDRESSES = ""  # e.g. the configuration changed, or DNS now says 127.0.0.1
    deliver_due(app)
    [d] = deliveries()
    assert d.status == "pending" and "address not allowed: 127.0.0.1" in d.last_error
    assert receiver.requests == []


def test_receiver_that_never_answers_times_out_and_the_request_stays_fast(
    app, fresh_contexts, receiver, register, reviewed_claim, login
):
    override_settings(app, WEBHOOKS_ASYNC=True, WEBHOOKS_TIMEOUT_SECONDS=1.5)
    receiver.hang = True
    register(receiver.url())
    claim_id, lead = reviewed_claim()
    version = db.session.get(Claim, claim_id).version
    client = login(lead, c=app.test_client())
    started = time.monotonic()
    resp = client.post(f"/claims/{claim_id}/approve",
                       data={"verdict": "confirmed", "note": "", "version": version})  # fmt: skip
    elapsed = time.monotonic() - started
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    assert elapsed < 1.0, f"the approve request waited for the receiver ({elapsed:.2f} s)"
    assert inline.wait(10)
    [d] = deliveries()
    assert len(receiver.requests) == 1
    assert d.status == "pending" and d.attempts == 1 and d.last_status_code is None
    assert "did not respond within 1.5 s" in d.last_error
    assert d.next_attempt_at > utcnow() + timedelta(seconds=20)


def test_after_commit_kick_delivers_right_away(app, fresh_contexts, receiver, register,
                                               reviewed_claim, login):  # fmt: skip
    override_settings(app, WEBHOOKS_ASYNC=True)
    register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)  # outside a request: an app context is enough
    assert inline.wait(10)
    [d] = deliveries()
    assert d.status == "delivered" and len(receiver.requests) == 1


def test_cli_worker_sends_webhooks(app, runner, receiver, register, reviewed_claim):
    register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    [queued] = deliveries()
    result = runner.invoke(args=["worker", "--kind", "webhook"])
    assert result.exit_code == 0, result.output
    line, summary = result.output.strip().splitlines()
    assert line.startswith(
        f"webhook job {queued.job_id}: delivery {queued.delivery_id} delivered (HTTP 200)"
    )
    assert summary == "jobs: 1 run, 1 done, 0 to retry, 0 failed"
    assert [d.status for d in deliveries()] == ["delivered"]
    result = runner.invoke(args=["worker", "--limit", "5"])
    assert result.output.strip() == "no jobs due"
    assert runner.invoke(args=["worker", "--interval", "0"]).exit_code != 0
    unknown = runner.invoke(args=["worker", "--kind", "mail"])
    assert unknown.exit_code != 0 and "unknown job kind(s): mail" in unknown.output


def test_a_switched_off_webhook_waits_uncounted_then_goes_out_when_on(
    app, admin, receiver, register, reviewed_claim
):
    from factcheck.services import webhooks

    endpoint_id, _ = register(receiver.url())
    claim_id, lead = reviewed_claim()
    approve(lead, claim_id)
    with transaction() as s:
        webhooks.update_endpoint(s, actor=admin, endpoint_id=endpoint_id, active=False)
    stats = deliver_due(app)
    assert (stats.run, stats.postponed, stats.done) == (1, 1, 0)
    [d] = deliveries()
    assert d.status == "pending" and d.attempts == 0 and d.job.attempts == 0
    assert d.next_attempt_at > utcnow() + timedelta(minutes=30) and receiver.requests == []
    with transaction() as s:
        webhooks.update_endpoint(s, actor=admin, endpoint_id=endpoint_id, active=True)
    assert deliver_due(app).done == 1 and len(receiver.requests) == 1


def test_two_workers_never_send_the_same_delivery_twice(app, receiver, register):
    import threading

    from factcheck.models import WebhookEvent
    from factcheck.services import webhooks

    register(receiver.url())
    with transaction() as s:
        for i in range(12):
            webhooks.enqueue(s, WebhookEvent.CLAIM_APPROVED, {"claim_id": i})
    results, errors = [], []

    def work():
        try:
            results.append(deliver_due(app, limit=12))
        except Exception as exc:  # reported in the main thread
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(3)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(30)
    assert not errors, errors
    assert sum(r.done for r in results) == 12
    sent = [r["headers"]["X-Factcheck-Delivery"] for r in receiver.requests]
    assert len(sent) == len(set(sent)) == 12
    assert {d.status for d in deliveries()} == {"delivered"}
    assert {d.job.attempts for d in deliveries()} == {1}  # each job was claimed once
    assert db.session.query(Job).filter(Job.status != JobStatus.DONE).count() == 0
