"""A local webhook receiver (threaded http.server on 127.0.0.1), allowed through the fetch
policy for the test only, and helpers to register endpoints and approve claims."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from settings_helpers import SettingsProxy
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs import inline, worker
from factcheck.models import Claim, WebhookDelivery, WebhookEndpoint
from factcheck.services import approvals, reviews, webhooks

LINK = {"url": "https://example.org/proof", "title": "Proof", "stance": "supports"}
PUBLIC_URL = "https://93.184.216.34/hook"  # a public IP literal: passes without DNS or network


class Receiver:
    """Records every POST; answers `status` (with `location` for 3xx), or never answers."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.location: str | None = None
        self.hang = False
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                )
                if receiver.hang:
                    receiver.release.wait(30)
                    self.close_connection = True
                    return
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "2")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(b"ok")
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def limits(app):
    """The app's settings; a limit set here holds for this test's app only."""
    return SettingsProxy(app)


@pytest.fixture
def receiver(app, limits):
    """A receiver on 127.0.0.1, allowed by configuration (FETCH_ALLOWED_ADDRESSES / PORTS)."""
    server = Receiver()
    limits.FETCH_ALLOWED_ADDRESSES = "127.0.0.1"
    limits.FETCH_ALLOWED_PORTS = f"80,443,{server.port}"
    yield server
    server.release.set()
    assert inline.wait(15), "a webhook kick thread is still running"
    server.close()


@pytest.fixture(autouse=True)
def _no_kick_left_behind(app):
    yield
    assert inline.wait(15), "a webhook kick thread is still running"


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def register(admin):
    """register(url, events=("claim.approved",)) -> (endpoint id, secret)."""

    def make(url: str, events=("claim.approved",), description=None):
        with transaction() as s:
            endpoint, secret = webhooks.create_endpoint(
                s, actor=admin, url=url, events=list(events), description=description
            )
            return endpoint.id, secret

    return make


@pytest.fixture
def reviewed_claim(make_article, make_user):
    """reviewed_claim() -> (claim id, a lead who may approve it)."""

    def make():
        reviewer, lead = make_user("reviewer"), make_user("lead")
        article = make_article(actor=reviewer)
        claim_id = article.claims[0].id
        with transaction() as s:
            reviews.submit_review(
                s, actor=reviewer, claim_id=claim_id, verdict="confirmed", links=[LINK]
            )
        return claim_id, lead

    return make


def approve(lead, claim_id) -> None:
    with transaction() as s:
        version = s.get(Claim, claim_id).version
        approvals.approve_claim(
            s, actor=lead, claim_id=claim_id, verdict="confirmed", note="", version=version
        )


def deliveries() -> list[WebhookDelivery]:
    db.session.rollback()
    db.session.expire_all()
    return list(db.session.scalars(
        select(WebhookDelivery).options(selectinload(WebhookDelivery.job)).order_by(WebhookDelivery.id)
    ))  # fmt: skip


def deliver_due(app, **kw) -> worker.Stats:
    """The worker's run, for webhook jobs only (``kw``: now, limit, ids)."""
    return worker.run(app, kinds=["webhook"], **kw)


def endpoint_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(WebhookEndpoint))
