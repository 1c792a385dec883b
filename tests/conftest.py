"""Shared fixtures: a fresh database per test (SQLite by default, PostgreSQL when
FACTCHECK_TEST_DATABASE_URL is set), clients, a CLI runner and factories."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from openapi_check import check_response  # noqa: E402 - tests/ is on sys.path (conftest dir)
from sqlalchemy import create_engine, text

from factcheck import create_app
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import SystemActor
from factcheck.services import articles, users
from factcheck.settings import Settings, normalise_database_url, using

PG_URL = os.environ.get("FACTCHECK_TEST_DATABASE_URL")
# PostgreSQL: seal each unit's events right after its commit, in every app the tests make
# (here, in subprocesses, in live gunicorn servers), so a test reads an event's seq and
# hash as soon as its write returns; tests of the sealer itself set "sealer". SQLite
# seals in the writer anyway.
os.environ.setdefault("FACTCHECK_AUDIT_SEALER", "inline")
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "factcheck" / "demo" / "seed-rfa-passports.txt"
PASSWORD = "correct-horse-battery"
TABLES = [
    "notifications",
    "render_requests",
    "jobs",
    "report_renders",
    "article_versions",
    "webhook_deliveries",
    "webhook_endpoints",
    "assignments",
    "evidence_links",
    "reviews",
    "claims",
    "articles",
    "api_tokens",
    "sign_in_failures",
    "audit_events",
    "users",
]


@pytest.fixture(autouse=True)
def default_settings():
    """Outside any app (tests of pure functions), the default settings apply; an app's
    context, while pushed, answers with that app's own."""
    with using(Settings()) as settings:
        yield settings


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary files)'}"


def _config(uri: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 64,
        "SERVER_NAME": "localhost",
    }


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per session: a SQLite template file, or the PostgreSQL schema."""
    base = tmp_path_factory.mktemp("db")
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(base / "instance")
    if PG_URL:
        uri = normalise_database_url(PG_URL)
        engine = create_engine(uri)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        uri = f"sqlite:///{base / 'template.db'}"
    app = create_app(_config(uri, base))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return uri


def _reset_postgres(uri: str) -> None:
    engine = create_engine(uri)
    with engine.begin() as conn:
        conn.execute(
            text("SET LOCAL session_replication_role = replica")
        )  # lets TRUNCATE past the audit trigger
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(database_template, tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    if PG_URL:
        _reset_postgres(database_template)
        uri = database_template
    else:
        target = tmp_path / "test.db"
        shutil.copy(database_template.removeprefix("sqlite:///"), target)
        uri = f"sqlite:///{target}"
    app = create_app(_config(uri, tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def make_user(app):
    """make_user(role="reviewer", email=None, password=PASSWORD, name=None) -> User."""

    def make(role: str = "reviewer", email: str | None = None, password: str = PASSWORD, name=None):
        email = email or f"{role}{next(_counter)}@example.org"
        with transaction() as s:
            user = users.create_user(s, actor=SystemActor("test"), email=email,
                                     display_name=name or email.split("@")[0], role=role, password=password)  # fmt: skip
            user_id = user.id
        return db.session.get(type(user), user_id)

    return make


@pytest.fixture
def make_article(app, make_user):
    """make_article(text=SEED, actor=None, **meta) -> Article."""

    def make(text: str | None = None, actor=None, **meta):
        actor = actor or make_user("reviewer")
        with transaction() as s:
            article = articles.import_article(
                s, actor=actor, text=text or SEED.read_text("utf-8"), **meta
            )
            article_id = article.id
        return db.session.get(type(article), article_id)

    return make


@pytest.fixture
def login(client):
    """login(user, password=PASSWORD): sign the test client in through the form."""

    def do(user, password: str = PASSWORD, c=None):
        c = c or client
        resp = c.post("/login", data={"email": user.email, "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return c

    return do


@pytest.fixture
def token_for(app):
    """token_for(user) -> a bearer token string."""

    def make(user, name: str = "test") -> str:
        with transaction() as s:
            _t, plaintext = users.create_token(
                s, actor=SystemActor("test"), user_id=user.id, name=name
            )
        return plaintext

    return make


class Api:
    """A small JSON client that sends a bearer token."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, json=None, headers=None, **kw):
        h = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        resp = self.client.open("/api/v1" + path, method=method, json=json, headers=h, **kw)
        check_response(self.client.application, method, "/api/v1" + path, resp)  # document == app
        return resp

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self("PATCH", path, json=json, **kw)


@pytest.fixture
def api_as(client, token_for):
    """api_as(user) -> Api client authenticated with a fresh token of that user."""
    return lambda user: Api(client, token_for(user))


@pytest.fixture
def snapshot(app):
    """snapshot() -> row counts and max versions; equal snapshots mean nothing changed.

    report_renders and render_requests are left out: a kept PDF, and a request to render
    one, are derived data (a cache of a rendering), not a change to the desk's state; and
    so are the render requests' jobs (the jobs of other kinds are counted).
    """

    def take() -> dict:
        out = {}
        with db.engine.connect() as conn:
            for table in TABLES:
                # sign_in_failures: a refused attempt is counted there and audited; the
                # audit_events count shows it
                if table in ("report_renders", "render_requests", "sign_in_failures"):
                    continue
                where = " WHERE kind != 'render'" if table == "jobs" else ""
                out[table] = conn.execute(text(f"SELECT count(*) FROM {table}{where}")).scalar()
            for table in ("articles", "claims", "reviews"):
                out[f"{table}.version"] = conn.execute(
                    text(f"SELECT coalesce(sum(version), 0) FROM {table}")
                ).scalar()
        return out

    return take


class FreshContextClient(FlaskClient):
    """A test client that runs each request in its own app context, as a server does.

    The `app` fixture keeps one app context open for the whole test and Flask reuses it
    for requests, so `g` (Flask-Login's cached user, the API's bearer user) and the
    scoped db.session would carry over from one client's request into another's.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # streamed bodies are read while the context lives
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def fresh_contexts(app):
    """Opt in (before `client` is made): clients made by app.test_client() isolate requests."""
    app.test_client_class = FreshContextClient
    yield
    app.test_client_class = None


# --------------------------------------------------------------------------- reports

REVIEWED_LINK = [{"url": "https://example.org/minutes", "title": "Minutes", "stance": "supports"}]


@pytest.fixture
def renders(monkeypatch):
    """The report renders actually made, as (article id, format): a kept PDF served again,
    or a render left to the background renderer, adds nothing."""
    from factcheck.services import exports

    made = []
    real = exports.render

    def counting(report, fmt):
        made.append((report.article_id, fmt))
        return real(report, fmt)

    monkeypatch.setattr(exports, "render", counting)
    return made


def _review_all(article_id, reviewer, lead, *, approve_article=True):
    from sqlalchemy import select

    from factcheck.models import Article, Claim
    from factcheck.services import approvals, reviews

    ids = list(db.session.scalars(select(Claim.id).where(Claim.article_id == article_id)))
    for claim_id in ids:
        with transaction() as s:
            reviews.submit_review(s, actor=reviewer, claim_id=claim_id, verdict="confirmed",
                                  note="Matches the minutes.", links=REVIEWED_LINK)  # fmt: skip
        with transaction() as s:
            approvals.approve_claim(s, actor=lead, claim_id=claim_id, verdict="confirmed",
                                    note="", version=s.get(Claim, claim_id).version)  # fmt: skip
    if approve_article:
        with transaction() as s:
            articles.approve_article(s, actor=lead, article_id=article_id,
                                     version=s.get(Article, article_id).version)  # fmt: skip
    db.session.rollback()


@pytest.fixture
def review_all():
    """review_all(article_id, reviewer, lead, approve_article=True): the reviewer confirms
    every claim (a note and a link), the lead approves each, then the article."""
    return _review_all
