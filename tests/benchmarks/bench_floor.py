"""How close the review save is to the floor: the bare stack (floor_app.py) vs the product.

    .venv/bin/python tests/benchmarks/bench_floor.py [--seconds 30] [--clients 20] [--workers 2]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_floor .venv/bin/python tests/benchmarks/bench_floor.py

For each of the floor app and the product, in that order: a fresh scratch database (a
temporary SQLite file, or the PostgreSQL database given, which it wipes) migrated with
the product's migrations, a lead and one reviewer per client with API tokens, one
article of --claims claims imported in-process; then gunicorn with gunicorn.conf.py
serving that app, and the workload of bench_desk.py: --saves sequential saves, the
closed loop (--clients reviewers flat out for --seconds, server CPU from /proc) and the
open loop (--clients reviewers × --rate/s for --open-seconds, latency from the scheduled
time). Afterwards the trail is verified with the product's verify_chain (the floor
chains its events the same way) and the reviews counted.

Prints a Markdown table: floor, product, and the ratio product/floor.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_desk as bd  # noqa: E402
import bench_lib as bl  # noqa: E402

APPS = {"floor": "floor_app:app", "product": "wsgi:app"}
_WAITERS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
)


class LockSampler:
    """PostgreSQL: how many backends wait on an advisory lock (a desk-wide lock), sampled.

    Every ``interval`` s during the closed loop a side connection counts the database's
    backends waiting on an advisory lock. Before the chain was sealed later that was the
    chain lock's queue (with W workers at most W - 1; the share of samples with one is the
    time a worker sat idle on it); docs/audit-design.md removed it (§5, measurement 1), so
    any waiter now is a regression. The sealer's lease is a try-lock and never waits."""

    def __init__(self, url: str, interval: float = 0.01):
        self.url, self.interval = url.replace("postgresql+psycopg://", "postgresql://"), interval
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(self.interval):
                self.samples.append(conn.execute(_WAITERS).fetchone()[0])

    def summary(self) -> str:
        if not self.samples:
            return "–"
        waiting = self.samples
        share = sum(1 for w in waiting if w) / len(waiting)
        return (f"{statistics.mean(waiting):.1f} avg, max {max(waiting)}; ≥ 1 waiting in "
                f"{share:.0%} of {len(waiting)} samples")  # fmt: skip


def prepare(name: str, clients: int, claims: int) -> tuple[str, str, str, list[dict], list[int]]:
    """A fresh migrated database with accounts and one article; (url, instance, dialect, reviewers, claim ids)."""
    from factcheck.database import transaction
    from factcheck.models import User
    from factcheck.services import articles

    url, instance = bl.scratch_database(f"floor-{name}")
    app = bl.make_app(url)
    with app.app_context():
        bl.migrate()
        dialect = bl.dialect()
        people = bl.create_accounts(
            [("lead@example.org", "lead")]
            + [(f"r{i}@example.org", "reviewer") for i in range(clients)]
        )
        with transaction() as s:
            art = articles.import_article(
                s, actor=s.get(User, people[0]["id"]), text=bl.synthetic_text(claims),
                title="Floor benchmark",
            )  # fmt: skip
            claim_ids = [c.id for c in art.claims]
        bl.db.session.remove()
        bl.db.engine.dispose()
    return url, instance, dialect, people[1:], claim_ids


def check(url: str) -> tuple[str, int]:
    """The product's verdict on the trail the run left, and the reviews stored."""
    from sqlalchemy import func, select

    from factcheck.models import Review
    from factcheck.services.audit import verify_chain

    app = bl.make_app(url)
    with app.app_context():
        v = verify_chain(bl.db.session)
        reviews = bl.db.session.scalar(select(func.count()).select_from(Review))
        lag = _seal_lag(bl.db.session)
        bl.db.session.remove()
        bl.db.engine.dispose()
    waiting = f", {v.unsealed} awaiting the sealer" if v.unsealed else ""
    verdict = f"OK, {v.events} events{waiting}" if v.ok else f"FAIL {v.reason}"
    return verdict + (f"; seal lag p50 / p99 / max {lag}" if lag else ""), reviews


def _seal_lag(session) -> str | None:
    """PostgreSQL: sealed_at - entered_at over the run's events (the merge delay)."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return None
    row = session.execute(text(
        "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY lag), max(lag) "
        "FROM (SELECT EXTRACT(EPOCH FROM sealed_at - entered_at) * 1000 AS lag "
        "FROM audit_events WHERE sealed_at IS NOT NULL AND entered_at IS NOT NULL "
        "AND action LIKE 'review.%') x")).first()  # fmt: skip
    if row is None or row[1] is None:
        return None
    return f"{row[0][0]:.0f} / {row[0][1]:.0f} / {row[1]:.0f} ms"


def measure(name: str, args) -> dict:
    """One app through the whole workload on its own fresh database."""
    url, instance, dialect, accounts, claim_ids = prepare(name, args.clients, args.claims)
    load0 = os.getloadavg()[0]
    server = bl.start_server(url, instance, args.workers, wsgi=APPS[name])
    try:
        time.sleep(1)
        clients = [bd.Reviewer(server.port, a["token"]) for a in accounts]
        seq = []
        for n in range(args.saves):
            status, ms = clients[0].save(claim_ids[n % len(claim_ids)])
            assert status in (200, 201), (name, status)
            seq.append(ms)
        cpu0 = server.cpu_seconds()
        sampler = LockSampler(url) if dialect == "postgresql" else contextlib.nullcontext()
        with sampler:
            closed = bd.closed_loop(clients, claim_ids, args.seconds)
        cpu = server.cpu_seconds() - cpu0
        time.sleep(1)
        opened = bd.open_loop(clients, claim_ids, args.open_seconds, args.rate)
        workers = server.workers
        problems = [ln for ln in server.log.read_text(errors="replace").splitlines()
                    if "Traceback" in ln or "locked" in ln or "WORKER TIMEOUT" in ln]  # fmt: skip
    finally:
        server.stop()
    chain, reviews = check(url)
    return {"dialect": dialect, "workers": workers, "seq": seq, "closed": closed,
            "cpu_ms": cpu / max(closed["saves"], 1) * 1000, "open": opened, "chain": chain,
            "reviews": reviews, "load": (load0, os.getloadavg()[0]), "problems": problems,
            "waiters": sampler.summary() if isinstance(sampler, LockSampler) else None}  # fmt: skip


def _ratio(product: float, floor: float) -> str:
    return f"**{product / floor:.2f}**" if floor and floor == floor and product == product else "–"


def report(f: dict, p: dict, args) -> None:
    fc, pc, fo, po = f["closed"], p["closed"], f["open"], p["open"]
    ms = bl.fmt_ms
    print(f"\n### Floor ratio: {f['dialect']}, gunicorn {f['workers']} sync workers, "
          f"{args.clients} clients, {args.seconds:g} s closed / {args.open_seconds:g} s open, "
          f"{args.claims} claims\n")  # fmt: skip
    print("| measure | floor (floor_app.py) | product | product / floor |")
    print("|---|---|---|---|")
    fs, ps = statistics.median(f["seq"] or [0]), statistics.median(p["seq"] or [0])
    rows = [
        (f"single save, sequential ({args.saves}): median", f"{ms(fs)} ms", f"{ms(ps)} ms", _ratio(ps, fs)),
        (f"closed loop, {args.clients} clients: saves/s", f"{fc['rate']:.0f} ({fc['saves']} saves)",
         f"{pc['rate']:.0f} ({pc['saves']} saves)", _ratio(pc["rate"], fc["rate"])),
        ("closed loop: p50", f"{ms(fc['p50'])} ms", f"{ms(pc['p50'])} ms", _ratio(pc["p50"], fc["p50"])),
        ("closed loop: p95", f"{ms(fc['p95'])} ms", f"{ms(pc['p95'])} ms", _ratio(pc["p95"], fc["p95"])),
        ("closed loop: server CPU per save", f"{f['cpu_ms']:.2f} ms", f"{p['cpu_ms']:.2f} ms",
         _ratio(p["cpu_ms"], f["cpu_ms"])),
        ("closed loop: errors", str(fc["errors"] or 0), str(pc["errors"] or 0), ""),
        *([("closed loop: backends waiting on the chain's advisory lock (sampled every 10 ms)",
            f["waiters"], p["waiters"], "")] if f["waiters"] else []),
        (f"open loop, {args.clients} × {args.rate:g}/s: p50 (from scheduled time)", f"{ms(fo['p50'])} ms",
         f"{ms(po['p50'])} ms", _ratio(po["p50"], fo["p50"])),
        ("open loop: p95", f"{ms(fo['p95'])} ms", f"{ms(po['p95'])} ms", _ratio(po["p95"], fo["p95"])),
        ("open loop: saves, errors", f"{fo['saves']}, {fo['errors']}", f"{po['saves']}, {po['errors']}", ""),
        ("audit chain after the run (product's verify_chain)", f["chain"], p["chain"], ""),
        ("reviews stored", str(f["reviews"]), str(p["reviews"]), ""),
        ("load average (1 min) before / after", "{:.2f} / {:.2f}".format(*f["load"]),
         "{:.2f} / {:.2f}".format(*p["load"]), ""),
    ]  # fmt: skip
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for name, run in (("floor", f), ("product", p)):
        if run["problems"]:
            print(f"\n{name} server log: {len(run['problems'])} problem lines, e.g. "
                  f"{run['problems'][0][:200]}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=300)
    ap.add_argument("--saves", type=int, default=100, help="sequential saves (also the warm-up)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30, help="closed-loop duration")
    ap.add_argument("--open-seconds", type=float, default=None, help="default --seconds")
    ap.add_argument("--rate", type=float, default=1.0, help="open loop: saves/s per reviewer")
    ap.add_argument("--workers", type=int, default=None, help="default gunicorn.conf.py")
    args = ap.parse_args()
    if args.open_seconds is None:
        args.open_seconds = args.seconds
    floor = measure("floor", args)
    product = measure("product", args)
    report(floor, product, args)


if __name__ == "__main__":
    main()
