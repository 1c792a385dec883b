"""Import over HTTP and the reviewer workspace (PRODUCT.md §8: import of a 10,000-word
article < 300 ms; reviewer workspace for an article of 500 claims < 150 ms server time).

    .venv/bin/python tests/benchmarks/bench_pages.py [--words 10000] [--claims 500] [--repeat 20]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_pages .venv/bin/python tests/benchmarks/bench_pages.py

Builds a scratch database (a temporary SQLite file, or the PostgreSQL database given,
which it wipes), starts gunicorn (gunicorn.conf.py) on a free loopback port, then:

1. imports a news article of --words words (real prose: the demo article's paragraphs
   repeated) with POST /api/v1/articles, --repeat times, each a new article, and checks
   the claims were stored;
2. imports an article of --claims claims, has two reviewers review every claim through
   the API (verdict, note, one evidence link), and times the workspace page
   GET /articles/<id> (signed in through /login, as the lead, who sees the most: agreement,
   assignment, timeline; and as a reviewer) and the claim list GET /api/v1/articles/<id>.

Times are round trips on loopback with a keep-alive client: server time plus well under
a millisecond. Prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lib as bl  # noqa: E402


def summary(times: list[float]) -> tuple[str, float]:
    p95 = bl.pct(times, 95)
    return f"{bl.fmt_ms(statistics.median(times))} / {bl.fmt_ms(p95)}", p95


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=10_000)
    ap.add_argument("--claims", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    url, instance = bl.scratch_database("pages")
    app = bl.make_app(url)
    with app.app_context():
        bl.migrate()
        dbname = bl.dialect()
        lead, r1, r2 = bl.create_accounts([("lead@example.org", "lead"), ("r1@example.org", "reviewer"),
                                           ("r2@example.org", "reviewer")])  # fmt: skip
        bl.db.session.remove()
        bl.db.engine.dispose()
    article_text = bl.news_text(args.words)
    big = bl.synthetic_text(args.claims)

    server = bl.start_server(url, instance, args.workers)
    rows = []
    try:
        c = bl.Client(server.port, token=lead["token"])
        imports, n_claims = [], set()
        for i in range(args.repeat):
            r = c.request(
                "POST", "/api/v1/articles", body={"text": article_text, "title": f"Import {i}"}
            )
            assert r.status == 201, r.body[:300]
            imports.append(r.ms)
            n_claims.add(len(r.json()["claims"]))
        s, p95 = summary(imports)
        rows.append((f"import a {len(article_text.split()):,}-word article, POST /api/v1/articles "
                     f"({'/'.join(map(str, sorted(n_claims)))} claims stored)", s, p95, 300))  # fmt: skip

        r = c.request(
            "POST", "/api/v1/articles", body={"text": big, "title": "Workspace benchmark"}
        )
        assert r.status == 201
        art = r.json()
        assert len(art["claims"]) == args.claims, len(art["claims"])
        for rv in (r1, r2):
            rc = bl.Client(server.port, token=rv["token"])
            for n, claim in enumerate(art["claims"]):
                body = {"verdict": ("confirmed", "disputed", "unconfirmed")[n % 3],
                        "note": f"Checked against the ministry's figures, table {n}.",
                        "links": [{"url": f"https://example.org/source/{n}", "title": f"Source {n}"}]}  # fmt: skip
                r = rc.request("PUT", f"/api/v1/claims/{claim['id']}/reviews/me", body=body)
                assert r.status == 201, r.body[:300]
            rc.close()

        for who in (lead, r1):
            web = bl.Client(server.port, cookie=bl.login_cookie(server.port, who["email"]))
            times = []
            for _ in range(args.repeat + 1):
                r = web.request("GET", f"/articles/{art['id']}", headers={"Accept": "text/html"})
                assert r.status == 200 and r.body.count(b"data-claim-id") >= args.claims, r.status
                times.append(r.ms)
            s, p95 = summary(times[1:])
            rows.append((f"workspace page GET /articles/<id>, {args.claims} claims, 2 reviews each, as {who['role']} "
                         f"({len(r.body) // 1024} KiB)", s, p95, 150))  # fmt: skip
        times = []
        for _ in range(args.repeat + 1):
            r = c.request("GET", f"/api/v1/articles/{art['id']}")
            assert r.status == 200 and len(r.json()["claims"]) == args.claims
            times.append(r.ms)
        s, p95 = summary(times[1:])
        rows.append((f"claim list GET /api/v1/articles/<id>, {args.claims} claims ({len(r.body) // 1024} KiB)",
                     s, p95, 150))  # fmt: skip
        workers = server.workers
    finally:
        server.stop()

    print(
        f"\n### Import and workspace: {dbname}, gunicorn {workers} workers, {args.repeat} requests each\n"
    )
    print("| measure | median / p95 ms | target (PRODUCT §8) | comparison tool |")
    print("|---|---|---|---|")
    for label, s, p95, target in rows:
        mark = "" if p95 < target else " **missed**"
        comp = "~170 ms (list 300 tasks)" if "api/v1/articles/<id>" in label else ""
        print(f"| {label} | {s}{mark} | < {target} ms | {comp} |")


if __name__ == "__main__":
    main()
