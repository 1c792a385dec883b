"""Verifying an audit trail of 1,000,000 events (PRODUCT.md §8: < 10 s).

    .venv/bin/python tests/benchmarks/bench_audit.py [--events 1000000]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_audit .venv/bin/python tests/benchmarks/bench_audit.py

Builds a scratch database (a temporary SQLite file, or the PostgreSQL database given,
which it wipes) and fills audit_events with --events events of realistic size (review
creations and revisions with notes and links, claim approvals, imports) chained with
correct hashes: the chain is computed in Python with factcheck.services.audit's own
event_payload/compute_hash and bulk-inserted (SQLite: Core executemany in big batches;
PostgreSQL: COPY). Then times factcheck.services.audit.verify_chain in-process (one process
per core, as the command does, and a single process) and the
`flask --app factcheck audit verify` command end to end (process start included), and
prints a table.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lib as bl  # noqa: E402

BATCH = 20_000
ACTIONS = ("review.created", "review.revised", "claim.approved", "claim.edited", "article.imported")


def events(n: int, actor_ids: list[int], head: tuple[int, str] | None):
    """Yield row dicts of n events continuing the chain after head, in seq order."""
    from factcheck.services.audit import GENESIS, HASHED_COLUMNS, compute_hash, event_payload

    first, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    t0 = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
    for seq in range(first, first + n):
        action = ACTIONS[seq % len(ACTIONS)]
        claim_id, actor = seq // 3 + 1, actor_ids[seq % len(actor_ids)]
        if action.startswith("review"):
            after = {"verdict": ("confirmed", "disputed", "unconfirmed")[seq % 3], "claim_id": claim_id,
                     "note": f"Checked against the ministry's figures for {1990 + seq % 35}; matches table {seq % 40}.",
                     "links": [{"url": f"https://example.org/source/{seq}", "title": "Ministry report",
                                "stance": "supports", "excerpt": None, "archived_url": None}]}  # fmt: skip
            before = (
                None
                if action == "review.created"
                else {"verdict": "unconfirmed", "note": "First pass."}
            )
        elif action == "claim.approved":
            before, after = (
                {"status": "reviewed", "final_verdict": None},
                {"status": "approved", "final_verdict": "confirmed"},
            )
        elif action == "claim.edited":
            before, after = (
                {"end": 120, "text": "The ministry said"},
                {"end": 160, "text": "The ministry said 40 buses"},
            )
        else:
            before, after = None, {"title": f"Article {seq}", "claims": 40, "input_kind": "text"}
        values = (seq, t0 + timedelta(milliseconds=37 * seq), actor, f"user{actor}@example.org", action,
                  "review" if action.startswith("review") else ("article" if action.startswith("article") else "claim"),
                  claim_id, seq // 120 + 1, before, after, f"req-{seq:012x}", "127.0.0.1",
                  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
                  prev)  # fmt: skip
        h = compute_hash(event_payload(values))
        row = dict(zip(HASHED_COLUMNS, values, strict=True))
        row["hash"] = h
        yield row
        prev = h


def fill(n: int, actor_ids: list[int], head) -> float:
    """Insert the chain; returns seconds."""
    from sqlalchemy import insert

    from factcheck.canonical import canonical_json
    from factcheck.models import AuditEvent
    from factcheck.services.audit import HASHED_COLUMNS

    t = time.perf_counter()
    engine = bl.db.engine
    table = AuditEvent.__table__
    cols = [*HASHED_COLUMNS, "hash"]
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            pg = raw.driver_connection
            with (
                pg.cursor() as cur,
                cur.copy(f"COPY audit_events ({', '.join(cols)}) FROM STDIN") as cp,
            ):
                for row in events(n, actor_ids, head):
                    for k in ("before", "after"):
                        if row[k] is not None:
                            row[k] = canonical_json(row[k])  # as the app stores JSON
                    cp.write_row([row[c] for c in cols])
            pg.commit()
        finally:
            raw.close()
    else:
        batch = []
        with engine.begin() as conn:
            for row in events(n, actor_ids, head):
                batch.append(row)
                if len(batch) == BATCH:
                    conn.execute(insert(table), batch)
                    batch = []
            if batch:
                conn.execute(insert(table), batch)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1, help="in-process verifications")
    args = ap.parse_args()
    url, instance = bl.scratch_database("audit")
    app = bl.make_app(url)
    with app.app_context():
        from sqlalchemy import text

        from factcheck.services.audit import chain_head, verify_chain

        bl.migrate()
        dbname = bl.dialect()
        accounts = bl.create_accounts(
            [(f"user{i}@example.org", "reviewer") for i in range(8)], with_tokens=False
        )
        head = chain_head(bl.db.session)  # the account creations are audited too
        bl.db.session.remove()
        build = fill(args.events - (head[0] if head else 0), [a["id"] for a in accounts], head)
        if dbname == "postgresql":
            with bl.db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE audit_events")
                )
        cores = min(len(os.sched_getaffinity(0)), 8)
        runs, serial = [], []
        for _ in range(args.repeat):
            for processes, times in ((cores, runs), (1, serial)):
                t = time.perf_counter()
                v = verify_chain(bl.db.session, processes=processes)
                times.append(time.perf_counter() - t)
                bl.db.session.remove()
                assert v.ok and v.events == args.events, v
        bl.db.engine.dispose()

    env = dict(
        os.environ,
        FACTCHECK_DATABASE_URL=url,
        FACTCHECK_INSTANCE_PATH=instance,
        FACTCHECK_SECRET_KEY="bench",
    )
    # As an installed server runs it: with bytecode caches (a sandbox may set
    # PYTHONDONTWRITEBYTECODE, which makes every start compile the sources again).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    head_cmd = [str(bl.BIN / "flask"), "--app", "factcheck", "audit", "head"]
    subprocess.run(head_cmd, env=env, cwd=bl.ROOT, capture_output=True, check=True)  # warm-up
    t = time.perf_counter()
    subprocess.run(head_cmd, env=env, cwd=bl.ROOT, capture_output=True, check=True)
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    proc = subprocess.Popen([str(bl.BIN / "flask"), "--app", "factcheck", "audit", "verify"], env=env,
                            cwd=bl.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    output = proc.stdout.read()
    # wait4: this command's own peak RSS (and its verifying children's), not that of every
    # child this script ever had (RUSAGE_CHILDREN counted the forked in-process pool, which
    # carries this process's heap).
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cli_s = time.perf_counter() - t
    cli_rss = usage.ru_maxrss / 1024
    out = output.strip().splitlines()[-1]

    print(
        f"\n### Audit trail verification: {dbname}, {args.events:,} events (bulk build {build:.0f} s)\n"
    )
    print("| measure | ours | target (PRODUCT §8) |")
    print("|---|---|---|")
    best, worst = min(runs), max(runs)
    miss = "" if worst < 10 else " **missed**"
    print(
        f"| verify_chain in-process, {cores} processes (best / worst of {len(runs)}) | {best:.1f} / {worst:.1f} s{miss} | < 10 s |"
    )
    print(
        f"| verify_chain in-process, one process (best / worst) | {min(serial):.1f} / {max(serial):.1f} s | |"
    )
    miss = "" if cli_s < 10 else " **missed**"
    print(
        f"| `flask audit verify` end to end, default processes (exit {proc.returncode}: {out}) | {cli_s:.1f} s{miss} | < 10 s |"
    )
    print(f"| of which starting the command (`flask audit head`) | {start_s:.1f} s | |")
    print(
        f"| events verified per second (in-process best) | {args.events / best:,.0f} /s | ≥ 100,000 /s |"
    )
    print(f"| peak RSS of the `flask audit verify` process | {cli_rss:.0f} MiB | |")


if __name__ == "__main__":
    main()
