"""The migrations build exactly the schema the models describe (no drift), and a database
of the previous release, with its data, upgrades to head and still verifies and reads."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import pytest
from alembic import command
from flask_migrate import Migrate, downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from factcheck import create_app
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.settings import normalise_database_url

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
DATA = Path(__file__).resolve().parent / "data"
PG_URL = os.environ.get("FACTCHECK_TEST_DATABASE_URL")
PREVIOUS_RELEASE = "0009"


def test_models_and_migrations_agree(app):
    config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
    command.check(config)  # raises if autogenerate would emit any operation


def test_one_head(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
    assert isinstance(app.extensions["migrate"].migrate, Migrate)


@pytest.fixture
def scratch_uri(tmp_path, monkeypatch):
    """An empty database of its own (a SQLite file, or a PostgreSQL database dropped after)."""
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'release.db'}"
        return
    name = f"factcheck_mig_{secrets.token_hex(4)}"
    admin = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(normalise_database_url(PG_URL)).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _load_release_data(dialect: str) -> None:
    """The rows a release-0009 desk held (tests/database/data, made by that release)."""
    script = (DATA / f"release-0009.{dialect}.sql").read_text("utf-8")
    raw = db.engine.raw_connection()
    try:
        if dialect == "sqlite":
            raw.driver_connection.executescript(script)
        else:
            with raw.cursor() as cur:
                cur.execute(script)
        raw.commit()
    finally:
        raw.close()


@pytest.fixture
def released(scratch_uri):
    """An app on a database migrated to the previous release, holding that release's data."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_uri,
                      "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64,
                      "SERVER_NAME": "localhost"})  # fmt: skip
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision=PREVIOUS_RELEASE)
        _load_release_data(db.engine.dialect.name)
        yield app
        db.session.remove()
        db.engine.dispose()


def _verify(app) -> str:
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--processes", "1"])
    db.session.rollback()  # end the read: PostgreSQL's ALTER TABLE audit_events waits for it
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_release_data_upgrades_to_head_and_verifies(released):
    from factcheck.models import Article, Claim, EvidenceLink, Review, User
    from factcheck.services import approvals

    assert _verify(released) == "OK 16 events"  # the release's own chain, as it left it
    upgrade(directory=str(MIGRATIONS))
    assert _verify(released) == "OK 16 events"

    db.session.remove()  # a session begun before the upgrade still reads the old schema
    s = db.session
    assert {u.email: str(u.role) for u in s.scalars(select(User))} == {
        "admin@example.org": "admin", "lead@example.org": "lead",
        "ada@example.org": "reviewer", "bob@example.org": "reviewer",
    }  # fmt: skip
    article = s.scalars(select(Article)).one()
    assert (article.title, str(article.status)) == ("Buses for the city", "in_review")
    states = [(str(c.status), c.final_verdict and str(c.final_verdict)) for c in article.claims]
    assert states[:4] == [("approved", "confirmed"), ("returned", None), ("excluded", None),
                          ("reviewed", None)]  # fmt: skip
    assert {str(r.verdict) for r in s.scalars(select(Review))} == {
        "confirmed",
        "disputed",
        "unconfirmed",
    }
    assert sorted(str(link.stance) for link in s.scalars(select(EvidenceLink))) == [
        "contradicts",
        "contradicts",
        "supports",
        "supports",
        "supports",
    ]

    # The upgraded desk works: a page and the API read it, a lead's change is audited.
    client = released.test_client()
    resp = client.post(
        "/login", data={"email": "lead@example.org", "password": "correct-horse-battery"}
    )
    assert resp.status_code == 302
    page = client.get(f"/articles/{article.id}")
    assert page.status_code == 200 and "Buses for the city" in page.get_data(as_text=True)
    data = json.loads(client.get(f"/api/v1/articles/{article.id}").get_data(as_text=True))
    assert [c["status"] for c in data["claims"]][:4] == [
        "approved",
        "returned",
        "excluded",
        "reviewed",
    ]
    first = article.claims[0].id
    lead = s.scalars(select(User).where(User.email == "lead@example.org")).one()
    with transaction() as tx:
        approvals.reopen_claim(tx, actor=lead, claim_id=first, reason="new facts",
                               version=tx.get(Claim, first).version)  # fmt: skip
    assert str(s.get(Claim, first).status) == "reviewed"
    _assert_constraints_hold(article.claims[1].id)
    assert _verify(released) == "OK 18 events"  # the sign-in and the reopening


def _assert_constraints_hold(claim_id: int) -> None:
    """The Enum columns' CHECK constraints (and 0001's span check, copied along) refuse bad rows."""
    from sqlalchemy.exc import IntegrityError

    for sql in (
        "UPDATE claims SET status = 'done' WHERE id = :id",
        "UPDATE claims SET final_verdict = 'maybe' WHERE id = :id",
        "UPDATE claims SET end_offset = start_offset WHERE id = :id",
        "UPDATE users SET role = 'owner' WHERE id = 1",
        "UPDATE articles SET status = 'published'",
        "UPDATE reviews SET verdict = 'maybe'",
        "UPDATE evidence_links SET stance = 'neutral'",
    ):
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(sql), {"id": claim_id})
    with db.engine.connect() as conn:
        names = {
            name
            for table in ("users", "articles", "claims", "reviews", "evidence_links")
            for name in (c["name"] for c in inspect(conn).get_check_constraints(table))
        }
    assert names >= {"ck_users_role", "ck_articles_status", "ck_claims_status", "ck_claims_verdict",
                     "ck_claims_span", "ck_reviews_verdict", "ck_evidence_links_stance"}  # fmt: skip


def test_claim_search_survives_the_upgrade(released):
    """SQLite's table copies take 0003's search structures along (PostgreSQL alters in place)."""
    from factcheck.models import Claim

    upgrade(directory=str(MIGRATIONS))
    claims = db.session.scalars(select(Claim).order_by(Claim.start)).all()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            assert "ix_claims_approved_fts" in {
                i["name"] for i in inspect(conn).get_indexes("claims")
            }
    else:
        with db.engine.connect() as conn:
            triggers = set(conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'claims'"
            ).scalars())  # fmt: skip
            rows = conn.exec_driver_sql("SELECT rowid FROM claims_fts").scalars().all()
        assert triggers == {"claims_fts_insert", "claims_fts_update", "claims_fts_delete",
                            "claim_search_claim_insert", "claim_search_claim_update",
                            "claim_search_claim_delete"}  # fmt: skip
        assert rows == [claims[0].id]


def _search_structures(conn) -> set[str]:
    if conn.dialect.name == "postgresql":
        return set(conn.exec_driver_sql(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_claim_search%%' UNION "
            "SELECT proname FROM pg_proc WHERE proname = 'claim_search_fold'").scalars())  # fmt: skip
    return set(conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE name LIKE 'claim_search%' AND type IN ('table', 'trigger')"
    ).scalars())  # fmt: skip


def test_claim_search_backfills_the_release_and_goes_down_and_up(released):
    """0027 indexes the claims and review notes already there, and its downgrade removes all
    it made (the search page's index: every claim, accents folded, notes apart)."""
    from flask_migrate import downgrade

    from factcheck.models import Claim, User
    from factcheck.services import search

    upgrade(directory=str(MIGRATIONS))
    db.session.remove()
    lead = db.session.scalars(select(User).where(User.email == "lead@example.org")).one()
    first = db.session.scalars(select(Claim).order_by(Claim.start)).first()
    found = search.search_claims(db.session, lead, q="council minutes")  # ada's note
    assert [i["claim_id"] for i in found[0]] == [first.id]
    assert search.search_claims(db.session, lead, q="ridership")[1] == 1
    db.session.remove()
    with db.engine.connect() as conn:
        made = _search_structures(conn)
    assert len(made) == (
        3 if db.engine.dialect.name == "postgresql" else 12
    )  # FTS5: 5 shadow tables
    downgrade(directory=str(MIGRATIONS), revision="0025_claim_numbers")
    with db.engine.connect() as conn:
        assert _search_structures(conn) == set()
    upgrade(directory=str(MIGRATIONS))
    with db.engine.connect() as conn:
        assert _search_structures(conn) == made


def test_the_enum_migration_goes_down_and_up_again(released):
    """0010's downgrade puts 0001's constraints back; the data survives both directions."""
    from flask_migrate import downgrade

    upgrade(directory=str(MIGRATIONS))
    downgrade(directory=str(MIGRATIONS), revision=PREVIOUS_RELEASE)
    with db.engine.connect() as conn:
        verdict = next(
            c
            for c in inspect(conn).get_check_constraints("claims")
            if c["name"] == "ck_claims_verdict"
        )
    assert "IS NULL" in verdict["sqltext"]  # 0001's own wording again
    upgrade(directory=str(MIGRATIONS))
    assert _verify(released) == "OK 16 events"


def test_release_data_fixture_holds_the_release_rows():
    """The fixtures are the data a release-0009 desk held (kept fixed: never regenerated)."""
    for dialect in ("sqlite", "postgresql"):
        script = (DATA / f"release-0009.{dialect}.sql").read_text("utf-8")
        for table in ("users", "articles", "claims", "reviews", "evidence_links", "audit_events"):
            assert f"INSERT INTO {table} " in script, (dialect, table)
        assert script.count("INSERT INTO audit_events ") == 16


def test_first_verdicts_are_backfilled_from_the_trail(released):
    """0014: each review's first verdict is its review.created event's (else its verdict)."""
    upgrade(directory=str(MIGRATIONS))
    rows = db.session.execute(
        text(
            "SELECT id, verdict, first_verdict, first_submitted_at, revised_after_seen FROM reviews"
        )
    ).all()
    created = {}
    for target_id, after in db.session.execute(
        text("SELECT target_id, after FROM audit_events WHERE action = 'review.created'")
    ):
        after = json.loads(after) if isinstance(after, str) else after
        created.setdefault(target_id, after.get("verdict"))
    db.session.rollback()
    assert rows, "the release data holds reviews"
    for review_id, verdict, first, first_at, _seen in rows:
        assert first == (created.get(review_id) or verdict) and first_at is not None


def test_claim_numbers_are_backfilled_in_reading_order(released):
    """0025: the release's claims get 1..n per article by position (orphans after them),
    unique per article; a claim added after the upgrade takes the article's next number."""
    from factcheck.models import Claim

    upgrade(directory=str(MIGRATIONS))
    rows = db.session.execute(
        text(
            "SELECT article_id, number, start_offset, anchor FROM claims ORDER BY article_id, number"
        )
    ).all()
    db.session.rollback()
    assert rows, "the release data holds claims"
    by_article: dict[int, list] = {}
    for article_id, number, start, anchor in rows:
        by_article.setdefault(article_id, []).append((number, start, anchor))
    for claims_of in by_article.values():
        assert [n for n, _s, _a in claims_of] == list(range(1, len(claims_of) + 1))
        current = [s for _n, s, a in claims_of if a != "orphaned"]
        assert current == sorted(current)
    article_id = next(iter(by_article))
    top = max(n for n, _s, _a in by_article[article_id])
    claim = db.session.scalars(select(Claim).where(Claim.article_id == article_id)).first()
    clone = Claim(article_id=article_id, start=claim.start, end=claim.end, text=claim.text,
                  reasons=[], anchor="orphaned")  # fmt: skip
    db.session.add(clone)
    db.session.flush()
    assert clone.number == top + 1
    db.session.rollback()


def test_verdicts_disagree_is_backfilled_from_the_reviews(released):
    """0029: a claim's conflict flag is set exactly where its reviews' verdicts differ (the
    grouping the badge ran before), and the migration goes down and up again."""
    from factcheck.services.assignments import disagreeing_by_reviews

    upgrade(directory=str(MIGRATIONS), revision="0028_bigdesk_indexes")
    # the release's reviews agree: make one claim with two reviews disagree before 0029
    pair = db.session.execute(
        text("SELECT claim_id, min(id) FROM reviews GROUP BY claim_id HAVING count(*) > 1")
    ).first()
    assert pair, "the release data holds a claim with two reviews"
    db.session.execute(
        text("UPDATE reviews SET verdict = CASE WHEN verdict = 'disputed' THEN 'confirmed'"
             " ELSE 'disputed' END WHERE id = :id"), {"id": pair[1]}
    )  # fmt: skip
    db.session.commit()

    def flagged():
        got = set(db.session.scalars(text("SELECT id FROM claims WHERE verdicts_disagree")))
        truth = set(db.session.scalars(disagreeing_by_reviews()))
        db.session.rollback()
        return got, truth

    for _ in range(2):
        upgrade(directory=str(MIGRATIONS))
        got, truth = flagged()
        assert pair[0] in truth and got == truth
        downgrade(directory=str(MIGRATIONS), revision="0028_bigdesk_indexes")
        db.session.rollback()
        assert "verdicts_disagree" not in {
            c["name"] for c in inspect(db.engine).get_columns("claims")
        }
