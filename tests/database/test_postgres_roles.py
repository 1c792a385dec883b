"""The README's PostgreSQL roles (HOSTILE.md §1 "PostgreSQL roles", FLT-07a).

In a scratch database of its own this test runs docs/postgres-roles.sql as the superuser,
migrates as the owner role, runs docs/postgres-grants.sql as the owner, and then runs the
app as the app role: the desk works, and the app role cannot change the audit trail.
The README shows the same SQL; test_readme_shows_the_role_sql keeps them equal.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from factcheck import create_app
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, Claim, Review, SystemActor, User
from factcheck.services import approvals, articles, audit, reviews, similar, users
from factcheck.settings import normalise_database_url

PG_URL = os.environ.get("FACTCHECK_TEST_DATABASE_URL")
ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ROLES_SQL = ROOT / "docs" / "postgres-roles.sql"
GRANTS_SQL = ROOT / "docs" / "postgres-grants.sql"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "correct-horse-battery"
THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}

pg_only = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (FACTCHECK_TEST_DATABASE_URL)")


# --------------------------------------------------------------------------- the SQL files


def sql_statements(sql: str) -> list[str]:
    """The statements of a script: comment lines dropped, whitespace collapsed."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [" ".join(s.split()) for s in "\n".join(lines).split(";") if s.strip()]


def readme_sql(name: str) -> str:
    """The ```sql block that follows the README's `<!-- docs/NAME -->` marker."""
    text_ = README.read_text("utf-8")
    marker = f"<!-- docs/{name} -->"
    assert text_.count(marker) == 1, f"README has no single {marker} marker"
    after = text_.split(marker, 1)[1].lstrip()
    assert after.startswith("```sql\n"), f"no ```sql block right after {marker}"
    return after.removeprefix("```sql\n").split("```", 1)[0]


def test_readme_shows_the_role_sql():
    """The README's SQL is the SQL in docs/ that the tests below run, statement for statement."""
    production = README.read_text("utf-8").split("## Production", 1)[1].split("\n## ", 1)[0]
    for path in (ROLES_SQL, GRANTS_SQL):
        assert f"<!-- docs/{path.name} -->" in production
        assert f"docs/{path.name}" in production.replace(f"<!-- docs/{path.name} -->", "")
        in_file = sql_statements(path.read_text("utf-8"))
        assert in_file, path
        assert sql_statements(readme_sql(path.name)) == in_file, path.name
        assert not re.search(r"^\s*\\", path.read_text("utf-8"), re.M), "no psql meta-commands"


def _substitute(sql: str, variables: dict[str, str]) -> str:
    """psql's :"name" (identifier) and :'name' (literal) interpolation."""

    def one(m: re.Match) -> str:
        value = variables[m.group(2)]
        q = m.group(1)
        return q + value.replace(q, q + q) + q

    return re.sub(r""":(["'])([A-Za-z_]\w*)\1""", one, sql)


def run_sql_file(path: Path, url: str, **variables: str) -> None:
    """Run a script as the README says (psql -v name=value -f FILE); without psql, the same
    statements one by one in autocommit with psql's variable interpolation."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    if shutil.which("psql"):
        args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", plain, "-f", str(path)]
        for name, value in variables.items():
            args += ["-v", f"{name}={value}"]
        result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return
    variables = {"DBNAME": make_url(normalise_database_url(url)).database, **variables}
    engine = create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in sql_statements(path.read_text("utf-8")):
                conn.exec_driver_sql(_substitute(statement, variables))
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- scratch database


def _url(**parts) -> str:
    return make_url(normalise_database_url(PG_URL)).set(**parts).render_as_string(False)


def flask_cli(url: str, instance: Path, *args: str, check: bool = True):
    env = {**os.environ, "FACTCHECK_DATABASE_URL": url.replace("postgresql+psycopg://", "postgresql://"),
           "FACTCHECK_INSTANCE_PATH": str(instance), "FACTCHECK_SECRET_KEY": "test-secret"}  # fmt: skip
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "factcheck", *args], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def roles_db(tmp_path_factory):
    """A fresh database set up as the README says: roles, migration as owner, grants."""
    suffix = secrets.token_hex(4)
    ns = SimpleNamespace(
        dbname=f"factcheck_roles_{suffix}", owner=f"fc_owner_{suffix}", app=f"fc_app_{suffix}",
        owner_password=secrets.token_hex(12), app_password=secrets.token_hex(12),
    )  # fmt: skip
    ns.admin_url = _url(database=ns.dbname)
    ns.owner_url = _url(database=ns.dbname, username=ns.owner, password=ns.owner_password)
    ns.app_url = _url(database=ns.dbname, username=ns.app, password=ns.app_password)
    instance = tmp_path_factory.mktemp("roles-instance")
    admin = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{ns.dbname}"')
    try:
        run_sql_file(ROLES_SQL, ns.admin_url, owner=ns.owner, app=ns.app,
                     owner_password=ns.owner_password, app_password=ns.app_password)  # fmt: skip
        # all migrations but the last, then the grants: the last one comes "later", as the
        # next release's would, and is covered by the default privileges alone
        flask_cli(ns.owner_url, instance, "db", "upgrade")
        flask_cli(ns.owner_url, instance, "db", "downgrade")  # one step
        run_sql_file(GRANTS_SQL, ns.owner_url, app=ns.app)
        # `make serve` runs `flask db upgrade` first: as the app role a pending migration
        # fails, and with none pending it is a no-op check
        pending = flask_cli(ns.app_url, instance, "db", "upgrade", check=False)
        refused = ("permission denied", "must be owner")  # creating a table, altering one
        assert pending.returncode != 0 and any(r in pending.stderr for r in refused), pending.stderr
        flask_cli(ns.owner_url, instance, "db", "upgrade")
        flask_cli(ns.app_url, instance, "db", "upgrade")
        yield ns
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{ns.dbname}" WITH (FORCE)')
            for role in (ns.app, ns.owner):  # owned nothing outside the dropped database
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()


@pytest.fixture
def app_as(tmp_path, monkeypatch):
    """app_as(url) -> a Flask app on that database URL (engine disposed after the test)."""
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    made = []

    def make(url: str):
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                          "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                          "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64,
                          "SERVER_NAME": "localhost"})  # fmt: skip
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _make_users(tag: str) -> tuple[int, int]:
    with transaction() as s:
        ids = []
        for role in ("reviewer", "lead"):
            u = users.create_user(s, actor=SystemActor("test"), email=f"{role}-{tag}@example.org",
                                  display_name=f"{role} {tag}", role=role, password=PASSWORD)  # fmt: skip
            ids.append(u.id)
    return ids[0], ids[1]


# --------------------------------------------------------------------------- (a) it works


@pg_only
def test_the_app_role_has_the_documented_grants_on_every_table(roles_db):
    """Every table: read and write, except audit_events (read, add) and alembic_version (read)."""
    engine = create_engine(normalise_database_url(roles_db.owner_url))
    privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
    try:
        with engine.connect() as conn:
            tables = (
                conn.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
                .scalars()
                .all()
            )
            granted = {
                table: {p for p in privileges if conn.execute(
                    text("SELECT has_table_privilege(:r, :t, :p)"), {"r": roles_db.app, "t": table, "p": p}
                ).scalar()}
                for table in tables
            }  # fmt: skip
            owners = set(conn.exec_driver_sql(
                "SELECT tableowner FROM pg_tables WHERE schemaname = 'public'"
            ).scalars())  # fmt: skip
            can_create = conn.execute(
                text("SELECT has_schema_privilege(:r, 'public', 'CREATE')"), {"r": roles_db.app}
            ).scalar()
    finally:
        engine.dispose()
    assert {"audit_events", "report_renders", "alembic_version"} <= set(tables)
    assert owners == {roles_db.owner}
    assert not can_create
    crud = {"SELECT", "INSERT", "UPDATE", "DELETE"}
    expected = {"audit_events": {"SELECT", "INSERT"}, "alembic_version": {"SELECT"}}
    assert granted == {t: expected.get(t, crud) for t in tables}


@pg_only
def test_the_app_works_as_the_app_role(roles_db, app_as):
    app = app_as(roles_db.app_url)
    with app.app_context():
        assert db.session.execute(text("SELECT current_user")).scalar() == roles_db.app
        db.session.rollback()
        rev_id, lead_id = _make_users("a")
        rev, lead = db.session.get(User, rev_id), db.session.get(User, lead_id)
        with transaction() as s:
            article_id = articles.import_article(s, actor=rev, text=THREE, title="Roles").id
        claim_ids = [c.id for c in db.session.get(Article, article_id).claims]
        assert len(claim_ids) == 3
        for cid in claim_ids:
            with transaction() as s:
                reviews.submit_review(s, actor=rev, claim_id=cid, verdict="confirmed", links=[LINK])
        # revise one review (UPDATE reviews, DELETE and INSERT evidence_links)
        review = db.session.get(Review, reviews.get_own_review(db.session, claim_ids[0], rev_id).id)
        with transaction() as s:
            reviews.submit_review(s, actor=rev, claim_id=claim_ids[0], verdict="confirmed",
                                  note="revised", links=[LINK, {**LINK, "url": "https://example.org/2"}],
                                  version=review.version)  # fmt: skip
        for cid in claim_ids:
            version = db.session.get(Claim, cid).version
            with transaction() as s:
                approvals.approve_claim(s, actor=lead, claim_id=cid, verdict="confirmed", note="",
                                        version=version)  # fmt: skip
        version = db.session.get(Article, article_id).version
        with transaction() as s:
            articles.approve_article(s, actor=lead, article_id=article_id, version=version)
        with transaction() as s:
            _t, token = users.create_token(s, actor=SystemActor("test"), user_id=lead_id, name="t")
        db.session.remove()

    # "previously checked" reads the search index's statistics (kept by ANALYZE, as the
    # owner's autovacuum would); pg_stats shows them to the owner only (migration 0008)
    owner = create_engine(normalise_database_url(roles_db.owner_url))
    with owner.begin() as conn:
        conn.exec_driver_sql("ANALYZE claims")
        assert conn.exec_driver_sql("SELECT count(*) FROM pg_stats WHERE tablename = "
                                    "'ix_claims_approved_fts'").scalar() == 1  # fmt: skip
    owner.dispose()
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = "
                                       "'ix_claims_approved_fts'")).scalar() == 0  # fmt: skip
        similar._STATS_CACHE.clear()
        common = similar._common_lexemes(db.session)
        assert {"price", "export", "unemploy"} <= set(common), common
        similar._STATS_CACHE.clear()
        db.session.remove()

    # through HTTP: a failed and a good sign-in (counted in the database), the API
    client = app.test_client()
    resp = client.post("/login", data={"email": "reviewer-a@example.org", "password": "wrong"})
    assert resp.status_code in (200, 401), resp.status_code
    resp = client.post("/login", data={"email": "reviewer-a@example.org", "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    assert client.get(f"/articles/{article_id}").status_code == 200
    resp = app.test_client().get(
        f"/api/v1/articles/{article_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status_code == 200 and resp.get_json()["status"] == "approved", resp.get_json()

    # the worker runs as the app role too
    runner = app.test_cli_runner()
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 0, (result.output, result.exception)
    # the approved article's PDF is kept (INSERT report_renders, jobs, render_requests)
    assert f"article {article_id}: pdf rendered" in result.output, result.output
    result = runner.invoke(args=["audit", "verify", "--processes", "1"])
    assert result.exit_code == 0 and result.output.startswith("OK "), result.output
    with app.app_context():
        check = audit.verify_chain(db.session)
        assert check.ok and check.events >= 12, check
        db.session.remove()


# --------------------------------------------------------------------------- (b) it cannot tamper

NOT_OWNER = r"must be owner of (table|relation) audit_events"
NO_TABLE_PRIV = r"permission denied for table audit_events"
TAMPERING = [
    ("UPDATE audit_events SET action = 'forged' WHERE seq = 3", NO_TABLE_PRIV),
    ("DELETE FROM audit_events WHERE seq = 2", NO_TABLE_PRIV),
    ("DELETE FROM audit_events", NO_TABLE_PRIV),
    ("TRUNCATE audit_events", NO_TABLE_PRIV),
    ("ALTER TABLE audit_events DISABLE TRIGGER ALL", NOT_OWNER),
    ("ALTER TABLE audit_events DISABLE TRIGGER USER", NOT_OWNER),
    ("DROP TRIGGER audit_events_no_update_delete ON audit_events", NOT_OWNER),
    ("DROP TRIGGER audit_events_no_truncate ON audit_events", NOT_OWNER),
    ("DROP TABLE audit_events", NOT_OWNER),
    (
        "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        r"permission denied for schema public|must be owner of function",
    ),
    ("SET session_replication_role = replica", r'permission denied to set parameter "session_replication_role"'),
    ("SET ROLE {owner}", r'permission denied to set role "{owner}"'),
]  # fmt: skip


def _trail_state(conn) -> tuple:
    rows = conn.exec_driver_sql("SELECT * FROM audit_events ORDER BY seq").all()
    triggers = conn.exec_driver_sql(
        "SELECT tgname, tgenabled FROM pg_trigger "
        "WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal ORDER BY tgname"
    ).all()
    return rows, triggers


@pg_only
def test_the_app_role_cannot_change_the_trail(roles_db, app_as):
    app = app_as(roles_db.app_url)
    with app.app_context():
        _make_users("b")  # events of its own, whatever ran before
        db.session.remove()
    engine = create_engine(normalise_database_url(roles_db.app_url))
    refused = []
    try:
        with engine.connect() as conn:
            before = _trail_state(conn)
            assert len(before[0]) >= 2 and len(before[1]) == 3, before[1]  # + the insert shape
            conn.rollback()
            for sql, expected in TAMPERING:
                sql, expected = (
                    sql.format(owner=roles_db.owner),
                    expected.format(owner=roles_db.owner),
                )
                with pytest.raises(DBAPIError) as info:
                    conn.exec_driver_sql(sql)
                conn.rollback()
                message = str(info.value.orig).splitlines()[0]
                assert info.value.orig.sqlstate == "42501", (sql, info.value.orig.sqlstate, message)
                assert re.search(expected, message), (sql, message)
                refused.append(sql)
            # GRANT by a role without grant options grants nothing (PostgreSQL only warns)
            with contextlib.suppress(DBAPIError):
                conn.exec_driver_sql(
                    f'GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO "{roles_db.app}"'
                )
                conn.commit()
            conn.rollback()
            for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"):
                assert not conn.exec_driver_sql(
                    f"SELECT has_table_privilege(current_user, 'audit_events', '{privilege}')"
                ).scalar(), privilege
            assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"
            assert conn.exec_driver_sql("SELECT current_user").scalar() == roles_db.app
            after = _trail_state(conn)
            conn.rollback()
    finally:
        engine.dispose()
    assert len(refused) == len(TAMPERING)
    assert after == before, "the trail or its triggers changed"
    with app.app_context():
        assert audit.verify_chain(db.session).ok
        db.session.remove()
