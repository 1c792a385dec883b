"""Write the release-0009 data fixtures (release-0009.sqlite.sql, release-0009.postgresql.sql).

Run once, at commit 85af9fa (schema head 0009, before the Enum columns), to make the data a
database of the previous release holds; the files are then kept fixed, and
tests/database/test_migrations.py loads them into a database at 0009 and upgrades it. The
rows are made through that release's services (so its audit chain verifies) and written as
plain INSERT statements, independent of the models that read them back.

    .venv/bin/python tests/database/data/make_release_0009.py sqlite
    FACTCHECK_TEST_DATABASE_URL=postgresql://…/scratch .venv/bin/python \
        tests/database/data/make_release_0009.py postgresql
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TABLES = ["users", "api_tokens", "articles", "article_versions", "claims", "reviews",
          "evidence_links", "assignments", "audit_events"]  # fmt: skip
TEXT = (
    "Buses for the city\n\nThe mayor said the city bought 40 buses in 2024. Ridership rose 12% "
    "last year. The council met on Tuesday. Fares fell to 1.50 euros in March. Officials say the "
    "depot cost 3 million euros.\n"
)
LINK = {"url": "https://example.org/minutes", "title": "Council minutes", "stance": "supports"}
OTHER = {"url": "https://example.org/report", "title": "Audit report", "stance": "contradicts",
         "excerpt": "The depot cost 4.2 million euros.", "archived_url": "https://archive.example.org/r"}  # fmt: skip


def build(uri: str) -> None:
    from factcheck import create_app
    from factcheck.database import transaction
    from factcheck.extensions import db
    from factcheck.models import Claim, SystemActor
    from factcheck.services import approvals, articles, assignments, claims, reviews, users

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x",
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64})  # fmt: skip
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sys_ = SystemActor("fixture")
        with transaction() as s:
            made = {}
            for email, role in [("admin@example.org", "admin"), ("lead@example.org", "lead"),
                                ("ada@example.org", "reviewer"), ("bob@example.org", "reviewer")]:  # fmt: skip
                made[role if role != "reviewer" else email[:3]] = users.create_user(
                    s, actor=sys_, email=email, display_name=email.split("@")[0].title(),
                    role=role, password="correct-horse-battery",
                ).id  # fmt: skip
            users.create_token(s, actor=sys_, user_id=made["ada"], name="script")
        get = lambda key: db.session.get(__import__("factcheck.models").models.User, made[key])  # noqa: E731
        lead, ada, bob = get("lead"), get("ada"), get("bob")
        with transaction() as s:
            article_id = articles.import_article(
                s, actor=ada, text=TEXT, title="Buses for the city"
            ).id
        ids = list(
            db.session.scalars(
                select(Claim.id).where(Claim.article_id == article_id).order_by(Claim.start)
            )
        )
        assert len(ids) >= 5, ids
        with transaction() as s:
            assignments.assign(s, actor=lead, user_id=bob.id, article_id=article_id,
                               due_on=(datetime.now(UTC) + timedelta(days=3)).date().isoformat())  # fmt: skip
        with transaction() as s:  # claim 1: two agreeing reviews, then approved
            reviews.submit_review(s, actor=ada, claim_id=ids[0], verdict="confirmed",
                                  note="Matches the **council minutes**.", links=[LINK])  # fmt: skip
            reviews.submit_review(s, actor=bob, claim_id=ids[0], verdict="confirmed", links=[LINK])
        with transaction() as s:
            c = s.get(Claim, ids[0])
            approvals.approve_claim(s, actor=lead, claim_id=c.id, verdict="confirmed", note="",
                                    version=c.version)  # fmt: skip
        with transaction() as s:  # claim 2: reviews disagree; returned with a comment
            reviews.submit_review(s, actor=ada, claim_id=ids[1], verdict="disputed",
                                  links=[OTHER, LINK])  # fmt: skip
            reviews.submit_review(s, actor=bob, claim_id=ids[1], verdict="unconfirmed")
        with transaction() as s:
            c = s.get(Claim, ids[1])
            approvals.return_claim(s, actor=lead, claim_id=c.id, comment="Find the ridership data.",
                                   version=c.version)  # fmt: skip
        with transaction() as s:  # claim 3: excluded; claim 4: reviewed, revised once
            c = s.get(Claim, ids[2])
            claims.exclude_claim(
                s, actor=ada, claim_id=c.id, reason="not check-worthy", version=c.version
            )
            saved, _ = reviews.submit_review(s, actor=bob, claim_id=ids[3], verdict="unconfirmed")
        with transaction() as s:
            reviews.submit_review(s, actor=bob, claim_id=ids[3], verdict="disputed",
                                  note="Fares are 1.70.", links=[OTHER], version=saved.version)  # fmt: skip
        db.session.remove()
        db.engine.dispose()


def _sqlite_literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    return "'" + str(value).replace("'", "''") + "'"


def dump(uri: str, dialect: str) -> str:
    engine = create_engine(uri)
    lines = [
        f"-- Rows of a release-0009 database ({dialect}), made by make_release_0009.py; keep fixed."
    ]
    with engine.connect() as conn:
        for table in TABLES:
            cols = [
                r[0]
                for r in conn.execute(text(f"SELECT * FROM {table} LIMIT 0")).cursor.description
            ]
            select_cols = ", ".join(cols if dialect == "sqlite" else [f"{c}::text" for c in cols])
            rows = conn.execute(text(f"SELECT {select_cols} FROM {table} ORDER BY id")).all()
            for row in rows:
                if dialect == "sqlite":
                    vals = ", ".join(_sqlite_literal(v) for v in row)
                else:
                    vals = ", ".join(
                        "NULL" if v is None else "'" + v.replace("'", "''") + "'" for v in row
                    )
                lines.append(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({vals});")
        if dialect == "postgresql":
            for table in TABLES:
                lines.append(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}));")  # fmt: skip
    engine.dispose()
    return "\n".join(lines) + "\n"


def main(dialect: str) -> None:
    os.environ.setdefault("FACTCHECK_INSTANCE_PATH", tempfile.mkdtemp())
    if dialect == "sqlite":
        uri = f"sqlite:///{Path(tempfile.mkdtemp()) / 'release-0009.db'}"
    else:
        from factcheck.settings import normalise_database_url

        uri = normalise_database_url(os.environ["FACTCHECK_TEST_DATABASE_URL"])
        engine = create_engine(uri)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    build(uri)
    (HERE / f"release-0009.{dialect}.sql").write_text(dump(uri, dialect), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
