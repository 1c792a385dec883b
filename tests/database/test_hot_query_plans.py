"""EXPLAIN checks of a big desk's hot queries (issue #21 item 5, RESULTS.md).

The query-count tests (tests/views/test_query_counts.py) keep the number of statements
flat; these keep the statements that tests/benchmarks/bench_bigdesk.py found hot on their
indexes. On a tiny desk (the generator at scale 0.0005) a planner may prefer a scan, so
PostgreSQL plans with sequential scans switched off: the check is that an index path
exists for the statement as the service writes it (the claim history's ``IN (subquery)``
under an ``OR`` had none, and read the whole trail on a big desk).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sqlalchemy import event, select

from factcheck.extensions import db
from factcheck.models import Assignment, Claim, User
from factcheck.services import assignments, history

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bigdesk_generate.py"


def _desk(app):
    if "bigdesk_generate" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bigdesk_generate", SCRIPT)
        sys.modules["bigdesk_generate"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["bigdesk_generate"])
    sys.modules["bigdesk_generate"].generate(app, 0.0005)
    if db.engine.dialect.name == "postgresql":  # what autovacuum does for a desk: the
        # visibility map makes an index-only scan (no heap visits) an option
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE reviews")
            conn.exec_driver_sql("VACUUM ANALYZE audit_events")


def _statements(fn) -> list[tuple[str, object]]:
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _plan(statement: str, parameters) -> str:
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if db.engine.dialect.name == "postgresql":
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("EXPLAIN " + statement, parameters)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        text = "\n".join(" ".join(str(x) for x in row) for row in cur.fetchall())
        raw.rollback()
        return text
    finally:
        raw.close()


def test_claim_history_reads_the_trail_by_target(app):
    _desk(app)
    claim = db.session.scalars(select(Claim).where(Claim.status == "reviewed")).first()
    lead = db.session.scalars(select(User).where(User.role == "lead")).first()
    events = history.claim_history(db.session, claim, lead)
    assert events and any(e["target_type"] == "review" for e in events)
    ran = _statements(lambda: history.claim_history(db.session, claim, lead))
    trail = [(s, p) for s, p in ran if "FROM audit_events" in s]
    assert len(trail) == 1
    plan = _plan(*trail[0])
    assert "ix_audit_events_target" in plan, plan
    assert "pk_audit_events" not in plan and "SCAN audit_events" not in plan, plan


def test_conflicts_are_read_from_the_claim_flag_not_grouped(app):
    """The badge's conflict counts (a lead's: awaiting approval and conflicts) read the flag
    the save keeps (migration 0029) through ix_claims_status_disagree, and never group the
    desk's reviews; they equal the grouping's answer."""
    _desk(app)
    lead = db.session.scalars(select(User).where(User.role == "lead")).first()
    counts = assignments.queue_counts(db.session, lead)
    assert counts["conflicts"] > 0  # the generated desk has split verdicts
    truth = set(db.session.scalars(assignments.disagreeing_by_reviews()))
    active = set(db.session.scalars(select(Claim.id).where(Claim.status.in_(assignments.ACTIVE))))
    assert counts["conflicts"] == len(truth & active)
    # what every page runs: the badge's counts, stopped at its cap
    badge = lambda: assignments.queue_counts(db.session, lead, cap=assignments.BADGE_CAP)  # noqa: E731
    assert badge()["conflicts"] == min(counts["conflicts"], assignments.BADGE_CAP)
    ran = _statements(badge)
    assert not [s for s, _p in ran if "GROUP BY" in s]
    flagged = [(s, p) for s, p in ran if "verdicts_disagree" in s]
    assert len(flagged) == 2  # awaiting approval (not conflicting) and conflicts
    for statement, parameters in flagged:
        plan = _plan(statement, parameters)
        assert "ix_claims_status_disagree" in plan, plan


def _plans(fn, marker: str) -> list[str]:
    ran = _statements(fn)
    chosen = [(s, p) for s, p in ran if marker in s]
    assert chosen, [s[:120] for s, _p in ran]
    return [_plan(s, p) for s, p in chosen]


def test_assigned_to_me_starts_from_my_assignments(app):
    """The badge's "assigned to me" (every page) and the reviewer's queue read the user's
    assignments by ix_assignments_user_article and their articles' claims by index; no
    pass over every active claim of the desk."""
    _desk(app)
    reviewer = db.session.get(User, db.session.scalars(select(Assignment.user_id)).first())
    assert assignments.queue_counts(db.session, reviewer)["mine"] > 0
    badge = lambda: assignments.queue_counts(db.session, reviewer, cap=assignments.BADGE_CAP)  # noqa: E731
    for plan in _plans(badge, "UNION"):
        assert "ix_assignments_user_article" in plan, plan
        assert "SCAN claims" not in plan and "Seq Scan on claims" not in plan, plan


def test_lead_desk_sections_read_a_page_in_index_order(app):
    """Each section of the lead desk is a range of ix_claims_status_disagree read in its
    order, and the overdue section walks ix_assignments_due: a page costs a page, not a
    sort of the whole section (136,000 overdue pairs at 100,000 claims)."""
    _desk(app)
    desk = assignments.lead_queue(db.session, per_page=5)
    assert desk["overdue"] and desk["more"]["overdue"] and desk["awaiting_approval"]
    ran = _statements(lambda: assignments.lead_queue(db.session, per_page=5))
    sections = [(s, p) for s, p in ran if "LIMIT" in s and "FROM claims" in s]
    assert len(sections) == 3, [s[:120] for s, _p in ran]  # awaiting, conflicts, returned
    for statement, parameters in sections:
        plan = _plan(statement, parameters)
        assert "Seq Scan on claims" not in plan and "SCAN claims" not in plan, plan
        # PostgreSQL may walk the claims in article order instead (an incremental sort under
        # the limit): a page's cost either way
        assert "ix_claims_status_disagree" in plan or "Incremental Sort" in plan, plan
    overdue = [(s, p) for s, p in ran if "FROM assignments" in s and "LIMIT" in s]
    assert len(overdue) == 1
    plan = _plan(*overdue[0])
    assert "ix_assignments_due" in plan, plan
    if db.engine.dialect.name == "sqlite":  # the walk's order is the query's: no sort
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_search_ranks_a_bounded_set_from_the_indexes(app):
    """Each source (the claims' words, the notes) is read from its index in the order of
    its newest hits and stopped at the bound (search.CANDIDATES): no sort of every hit;
    PostgreSQL: from the GIN indexes on the search_vector columns (0030), ranked from those
    columns (no tsvector rebuilt from each hit's text); no count of its own."""
    from factcheck.services import search

    _desk(app)
    lead = db.session.scalars(select(User).where(User.role == "lead")).first()
    items, total = search.search_claims(db.session, lead, q="said")
    assert items and total >= len(items)
    ran = _statements(lambda: search.search_claims(db.session, lead, q="said"))
    assert not [s for s, _p in ran if s.lstrip().upper().startswith("SELECT COUNT")]
    ranking = "ts_rank" if db.engine.dialect.name == "postgresql" else "bm25"
    parts = [(s, p) for s, p in ran if ranking in s]
    assert len(parts) == 2 and all(" LIMIT " in s for s, _p in parts), parts
    plans = [_plan(*part) for part in parts]
    if db.engine.dialect.name != "postgresql":
        for plan in plans:  # FTS5 gives its rows in rowid order: the walk stops at the bound
            assert "claim_search VIRTUAL TABLE" in plan and "TEMP B-TREE" not in plan, plan
        return
    assert not any("to_tsvector" in s for s, _p in parts)
    for plan in plans:  # ranked above the bound: only the candidates are ranked
        top = plan.splitlines()
        assert top[0].startswith("Subquery Scan") and "Limit" in top[1], plan
    # (on the big desk a common word walks the primary key backwards, newest first, and
    # stops at the bound; a rare one is found by its GIN index: tests/benchmarks/RESULTS.md)
