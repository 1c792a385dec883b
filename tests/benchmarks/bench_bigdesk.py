"""A big desk's pages, API lists, search and audit verification (issue #21 item 5).

    .venv/bin/python tests/benchmarks/bench_bigdesk.py --database sqlite:////tmp/bigdesk.db
    .venv/bin/python tests/benchmarks/bench_bigdesk.py \
        --database postgresql://postgres@127.0.0.1:5432/fc_bigdesk

Against a database filled by bigdesk_generate.py. Server time: each page is requested
through Flask's test client in this process (no network, no gunicorn), one warm-up then the
median of --repeat; the statements each request runs are counted and timed with the
engine's cursor events, and the slowest distinct statements are EXPLAINed (PostgreSQL:
EXPLAIN ANALYZE; SQLite: EXPLAIN QUERY PLAN) with the parameters they ran with. Then
``flask audit verify`` end to end (a process of its own, one worker per core) and, when the
command has it, ``--since-head`` from the head kept before the run. Goals: every page and
API list under 150 ms, search under 100 ms, verify --since-head under 1 s, full under 60 s.

Signing in and the API tokens write audit events (and, on PostgreSQL, the sealer seals
them here): the database grows by a few events per run, nothing else is changed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402

from factcheck.extensions import db  # noqa: E402
from factcheck.models import Article, AuditEvent, Claim, SystemActor, User  # noqa: E402

PASSWORD = "bigdesk-password-1"
PAGE_GOAL, SEARCH_GOAL = 150.0, 100.0


class Statements:
    """Every statement run while ``on``: (sql, parameters, seconds)."""

    def __init__(self, engine):
        self.on, self.log = False, []
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t"] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        if self.on and not executemany:
            self.log.append((statement, parameters, time.perf_counter() - conn.info["bench_t"]))


def pick_ids() -> dict:
    """An in-review article in the middle of the desk, a reviewed claim of it, an approved one."""
    s = db.session
    n = s.scalar(select(func.max(Article.id)))
    in_review = s.scalar(
        select(Article.id).where(Article.status == "in_review", Article.id >= n // 2).limit(1)
    )
    approved = s.scalar(
        select(Article.id).where(Article.status == "approved", Article.id >= n // 2).limit(1)
    )
    claim = s.scalar(
        select(Claim.id).where(Claim.article_id == in_review, Claim.status == "reviewed").limit(1)
    )
    mid_seq = s.scalar(select(func.max(AuditEvent.seq))) // 2
    return {"article": in_review, "approved": approved, "claim": claim, "mid_seq": mid_seq}


def sign_in(app, email: str):
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    if resp.status_code != 302:
        raise SystemExit(f"sign-in of {email} failed: {resp.status_code}")
    return client


def token(email: str) -> str:
    from factcheck.database import transaction
    from factcheck.services import users

    user_id = db.session.scalar(select(User.id).where(User.email == email))
    with transaction() as s:
        _t, plain = users.create_token(s, actor=SystemActor("bench"), user_id=user_id, name="bench")
    return plain


def cases(ids: dict) -> list[tuple[str, str, str, float]]:
    """(label, who, path, goal ms). who: reviewer / lead / admin, or api-<role> (bearer)."""
    a, c, ap, mid = ids["article"], ids["claim"], ids["approved"], ids["mid_seq"]
    P, S = PAGE_GOAL, SEARCH_GOAL
    return [
        ("articles list", "reviewer", "/articles", P),
        ("articles list, in review, page 20", "reviewer", "/articles?status=in_review&page=20", P),
        ("articles list, title filter", "reviewer", "/articles?q=desk+file+12", P),
        ("articles list, mine", "reviewer", "/articles?mine=1", P),
        ("articles list, conflicts", "reviewer", "/articles?conflicts=1", P),
        ("article page (in review)", "reviewer", f"/articles/{a}", P),
        ("article page (approved)", "lead", f"/articles/{ap}", P),
        ("next claim for me", "reviewer", f"/articles/{a}/next", P),
        ("claim page (reviewer)", "reviewer", f"/claims/{c}", P),
        ("claim page (lead)", "lead", f"/claims/{c}", P),
        ("queue (reviewer)", "reviewer", "/queue", P),
        ("lead desk (queue, lead)", "lead", "/queue", P),
        ("inbox", "lead", "/inbox", P),
        ("search: one word", "reviewer", "/search?q=ministry", S),
        ("search: two words", "lead", "/search?q=traffic+noise", S),
        ("search: common word", "lead", "/search?q=said", S),
        ("search: word + status", "lead", "/search?q=police&status=approved", S),
        ("search: rare word", "reviewer", "/search?q=Tbilisi", S),
        ("audit page (latest)", "admin", "/audit", P),
        ("audit page (middle, before_seq)", "admin", f"/audit?before_seq={mid}", P),
        ("audit page (one article)", "admin", f"/audit?article_id={a}", P),
        ("audit page (one action)", "admin", "/audit?action=claim.returned", P),
        ("users (admin)", "admin", "/admin/users", P),
        ("API article with claims", "api-reviewer", f"/api/v1/articles/{a}", P),
        ("API article changes", "api-reviewer", f"/api/v1/articles/{a}/changes", P),
        ("API agreement", "api-lead", f"/api/v1/articles/{a}/agreement", P),
        ("API queue", "api-lead", "/api/v1/queue", P),
        ("API needs-me", "api-reviewer", f"/api/v1/articles/{a}/needs-me", P),
        ("API claim history", "api-reviewer", f"/api/v1/claims/{c}/history", P),
        ("API claim comments", "api-reviewer", f"/api/v1/claims/{c}/comments", P),
        ("API search", "api-reviewer", "/api/v1/search/claims?q=ministry", S),
        ("API audit (latest)", "api-admin", "/api/v1/audit", P),
        ("API audit (one article)", "api-admin", f"/api/v1/audit?article_id={a}", P),
        ("API notifications", "api-lead", "/api/v1/notifications", P),
        ("API users", "api-admin", "/api/v1/users", P),
    ]


def run_pages(app, stmts: Statements, repeat: int, only: str = "") -> list[dict]:
    """Requests are made with no app context pushed here: each request gets its own (an
    outer one would be reused, and Flask-Login's user in ``g`` with it)."""
    with app.app_context():
        ids = pick_ids()
        emails = {r: f"{r}1@bigdesk.example.org" for r in ("reviewer", "lead", "admin")}
        tokens = {f"api-{r}": token(e) for r, e in emails.items()}
        db.session.remove()
    clients = {r: sign_in(app, e) for r, e in emails.items()}
    with app.app_context():
        seal()
    out = []
    for label, who, path, goal in cases(ids):
        if only and only not in label:
            continue
        client = clients.get(who) or clients["reviewer"]
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who in tokens else {}
        if who in tokens:
            client = app.test_client()
        times, counts, status = [], [], None
        for i in range(repeat + 1):
            stmts.log, stmts.on = [], True
            t = time.perf_counter()
            resp = client.get(path, headers=headers)
            elapsed = time.perf_counter() - t
            stmts.on = False
            status = resp.status_code
            if i:  # the first is the warm-up
                times.append(elapsed * 1000)
                counts.append(len(stmts.log))
                log = stmts.log
        worst = max(log, key=lambda x: x[2]) if log else ("", None, 0.0)
        out.append({"label": label, "path": path, "status": status, "ms": statistics.median(times),
                    "goal": goal, "queries": counts[-1], "log": log,
                    "sql_ms": 1000 * sum(x[2] for x in log), "worst_ms": 1000 * worst[2],
                    "worst": " ".join(worst[0].split())[:70]})  # fmt: skip
    return out


def seal() -> None:
    from factcheck.services import sealing

    sealing.seal_all(db.engine)


def explain(statements: list[tuple[str, object, float]], limit: int) -> list[str]:
    """EXPLAIN the slowest distinct statements with their parameters."""
    dialect = db.engine.dialect.name
    seen, slow = set(), []
    for sql, params, secs in sorted(statements, key=lambda s: -s[2]):
        if sql in seen:
            continue
        seen.add(sql)
        slow.append((sql, params, secs))
        if len(slow) == limit:
            break
    raw = db.engine.raw_connection()
    out = []
    try:
        cur = raw.cursor()
        for sql, params, secs in slow:
            prefix = (
                "EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
            )
            cur.execute(prefix + sql, params)
            plan = [" | ".join(str(x) for x in row) for row in cur.fetchall()]
            out.append(
                f"-- {secs * 1000:.1f} ms\n{' '.join(sql.split())[:1500]}\n" + "\n".join(plan)
            )
        raw.rollback()
    finally:
        raw.close()
    return out


def cli(url: str, *args: str) -> tuple[float, str]:
    env = dict(os.environ, FACTCHECK_DATABASE_URL=url)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "flask", "--app", "factcheck", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True)  # fmt: skip
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    said = [x for x in lines if x.startswith(("OK", "FAIL"))]
    return time.perf_counter() - t, (said or lines)[-1]


def has_since_head() -> bool:
    from factcheck.cli import audit_verify

    return any(p.name == "since_head" for p in audit_verify.params)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", default=os.environ.get("FACTCHECK_DATABASE_URL"), required=False)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--explain", type=int, default=5, help="slowest statements to EXPLAIN")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--only", default="", help="only the pages whose label contains this")
    ap.add_argument("--since-back", type=int, default=10_000,
                    help="verify --since-head from the head this many events before the tip")  # fmt: skip
    args = ap.parse_args()
    if not args.database:
        ap.error("--database (or FACTCHECK_DATABASE_URL) is required")
    from factcheck import create_app
    from factcheck.settings import normalise_database_url

    url = normalise_database_url(args.database)
    os.environ.setdefault("FACTCHECK_INSTANCE_PATH", "/tmp/bigdesk-instance")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bigdesk",
                      "WTF_CSRF_ENABLED": False})  # fmt: skip
    with app.app_context():
        counts = {
            name: db.session.scalar(select(func.count()).select_from(model))
            for name, model in (("articles", Article), ("claims", Claim), ("audit", AuditEvent))
        }
        stmts = Statements(db.engine)
        db.session.remove()
    rows = run_pages(app, stmts, args.repeat, args.only)
    with app.app_context():
        print(f"\n{db.engine.dialect.name}: {counts}; median of {args.repeat} after a warm-up\n")
        print("| page | status | ms | goal | queries | SQL ms | slowest statement (ms) |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            mark = "" if r["ms"] < r["goal"] else " **over**"
            print(f"| {r['label']} (`{r['path']}`) | {r['status']} | {r['ms']:.1f}{mark} | "
                  f"< {r['goal']:.0f} | {r['queries']} | {r['sql_ms']:.1f} | "
                  f"{r['worst_ms']:.1f}: `{r['worst']}…` |")  # fmt: skip
        slowest = [s for r in rows for s in r["log"]]
        print("\nSlowest statements (EXPLAIN):\n")
        for block in explain(slowest, args.explain):
            print("```\n" + block + "\n```")
        if args.no_verify:
            return
        seal()
        last = db.session.scalar(select(func.max(AuditEvent.seq)))
        head = db.session.execute(  # kept N events ago (yesterday's run, say)
            select(AuditEvent.seq, AuditEvent.hash).where(
                AuditEvent.seq == max(1, last - args.since_back)
            )
        ).first()
        db.session.remove()
    secs, line = cli(url, "audit", "verify")
    print(f"\n| audit verify | seconds | output | goal |\n|---|---|---|---|\n"
          f"| full (`flask audit verify`) | {secs:.2f} | {line} | < 60 |")  # fmt: skip
    if has_since_head():
        secs, line = cli(url, "audit", "verify", "--since-head", f"{head.seq} {head.hash}")
        with app.app_context():
            from factcheck.services.audit import verify_since

            t = time.perf_counter()
            ok = verify_since(db.session, (head.seq, head.hash))
            inproc = time.perf_counter() - t
            db.session.remove()
        print(f"| incremental (`--since-head SEQ HASH`, {ok.events} events) | {secs:.2f} "
              f"(in-process {inproc:.3f}) | {line} | < 1 |")  # fmt: skip
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import factcheck.cli"], cwd=ROOT, check=True)
        print(
            f"| (a Python process importing factcheck.cli) | {time.perf_counter() - t0:.2f} | | |"
        )
    else:
        print(
            "| incremental (`--since-head`) | — | missing: the command has no --since-head | < 1 |"
        )


if __name__ == "__main__":
    main()
