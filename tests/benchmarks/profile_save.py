"""Where a review save's CPU goes: cProfile of the floor app and the product, in-process.

    .venv/bin/python tests/benchmarks/profile_save.py [--saves 400] [--top 30] [--sort tottime]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_perf .venv/bin/python tests/benchmarks/profile_save.py

One scratch database (bench_lib.scratch_database: a temporary SQLite file, or the
PostgreSQL database given, which it wipes) with --clients reviewers and one article of
--claims claims; then, for the floor app (floor_app.py) and the product (the app wsgi.py
builds), --saves saves through Flask's test client with bench_desk.py's bodies (creations
first, then revisions sending the version of the previous answer), after a warm-up of
--warmup saves. Prints, per app, the function calls and SQL statements per save (both
independent of the machine's load), CPU per save, and the top functions of the profile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lib as bl  # noqa: E402

VERDICTS = ("confirmed", "unconfirmed", "disputed")


def prepare(clients: int, claims: int):
    from factcheck.database import transaction
    from factcheck.models import User
    from factcheck.services import articles

    url, instance = bl.scratch_database("profile")
    app = bl.make_app(url)
    with app.app_context():
        bl.migrate()
        people = bl.create_accounts(
            [("lead@example.org", "lead")]
            + [(f"r{i}@example.org", "reviewer") for i in range(clients)]
        )
        with transaction() as s:
            art = articles.import_article(
                s, actor=s.get(User, people[0]["id"]), text=bl.synthetic_text(claims),
                title="Profile",
            )  # fmt: skip
            claim_ids = [c.id for c in art.claims]
        bl.db.session.remove()
        bl.db.engine.dispose()
    return url, instance, people[1:], claim_ids


class Saver:
    """bench_desk.Reviewer's bodies, through a test client."""

    def __init__(self, client, tokens: list[str], claim_ids: list[int]):
        self.client, self.tokens, self.claim_ids = client, tokens, claim_ids
        self.versions: dict[tuple[int, int], int] = {}
        self.n = 0

    def save(self) -> int:
        self.n += 1
        who = self.n % len(self.tokens)
        claim_id = self.claim_ids[(self.n // len(self.tokens)) % len(self.claim_ids)]
        body = {
            "verdict": VERDICTS[self.n % 3],
            "note": f"Checked against the source, pass {self.n}.",
        }
        if (who, claim_id) in self.versions:
            body["version"] = self.versions[who, claim_id]
        r = self.client.put(f"/api/v1/claims/{claim_id}/reviews/me", json=body,
                            headers={"Authorization": f"Bearer {self.tokens[who]}",
                                     "User-Agent": "profile_save"})  # fmt: skip
        if r.status_code not in (200, 201):
            raise RuntimeError(f"{r.status_code}: {r.get_data(as_text=True)[:300]}")
        self.versions[who, claim_id] = int(r.headers["ETag"].strip('"'))
        return r.status_code


def statements(app_kind: str, app):
    """A counter of the SQL statements the app's connections execute."""
    from sqlalchemy import event

    counter = {"n": 0, "last": []}
    if app_kind == "product":
        with app.app_context():
            engine = bl.db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, *_a, **_k):
            counter["n"] += 1
            counter["last"].append(statement)

        @event.listens_for(engine, "commit")
        def commit(*_a):
            counter["last"].append("COMMIT (driver)")

    return counter


def run(kind: str, app, saver: Saver, args) -> dict:
    saver.client = app.test_client()  # the versions carry over: both apps write one database
    for _ in range(args.warmup):
        saver.save()
    sql = statements(kind, app)
    prof = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    prof.enable()
    for _ in range(args.saves):
        sql["last"] = []
        saver.save()
    prof.disable()
    if args.sql and sql["last"]:
        print(f"\n{kind}: the statements of the last save\n")
        print("\n".join(" ".join(st.split())[:160] for st in sql["last"]))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    stats = pstats.Stats(prof)
    if args.dump:
        prof.dump_stats(f"{args.dump}-{kind}.prof")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
    return {"calls": stats.total_calls / args.saves, "cpu_ms": cpu / args.saves * 1000,
            "wall_ms": wall / args.saves * 1000, "sql": sql["n"] / args.saves if sql["n"] else None,
            "table": out.getvalue()}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=300)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--saves", type=int, default=400)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--sort", default="tottime")
    ap.add_argument("--cpu", action="store_true", help="profile CPU time, not wall time")
    ap.add_argument("--sql", action="store_true", help="print the statements of the last save")
    ap.add_argument("--dump", default=None, help="write PREFIX-floor.prof, PREFIX-product.prof")
    ap.add_argument("--only", choices=("floor", "product"), default=None)
    args = ap.parse_args()
    url, instance, accounts, claim_ids = prepare(args.clients, args.claims)
    saver = Saver(None, [a["token"] for a in accounts], claim_ids)
    os.environ.update(FACTCHECK_DATABASE_URL=url, FACTCHECK_INSTANCE_PATH=instance,
                      FACTCHECK_SECRET_KEY="bench-secret", FACTCHECK_LOG_LEVEL="warning")  # fmt: skip
    results = {}
    if args.only in (None, "floor"):
        import floor_app

        results["floor"] = run("floor", floor_app.app, saver, args)
    if args.only in (None, "product"):
        from factcheck import create_app

        results["product"] = run("product", create_app(migrations=False), saver, args)
    for kind, r in results.items():
        print(f"\n## {kind}\n\n{r['table']}")
    print(f"\n### Save profile, {bl.normalise_database_url(url).split(':')[0]}, {args.saves} saves "
          f"through the test client (cProfile on)\n")  # fmt: skip
    print(
        "| measure | "
        + " | ".join(results)
        + (" | product / floor |" if len(results) == 2 else " |")
    )
    print("|---|" + "---|" * (len(results) + (len(results) == 2)))
    for key, label, fmt in (("calls", "function calls per save", "{:.0f}"),
                            ("sql", "SQL statements per save", "{:.1f}"),
                            ("cpu_ms", "CPU per save (profiled)", "{:.2f} ms"),
                            ("wall_ms", "wall per save (profiled)", "{:.2f} ms")):  # fmt: skip
        vals = [results[k][key] for k in results]
        cells = ["–" if v is None else fmt.format(v) for v in vals]
        ratio = f"{vals[1] / vals[0]:.2f}" if len(vals) == 2 and all(vals) else ""
        print(f"| {label} | " + " | ".join(cells) + (f" | {ratio} |" if len(vals) == 2 else " |"))
    print(f"\nload average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
