"""JSON and CSV exports at a desk's real shape against a bare serialisation (issue #21 item 2).

    .venv/bin/python tests/benchmarks/bench_export_desk.py [--claims 300] [--reviews 1,12] [--repeat 9]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_perf .venv/bin/python tests/benchmarks/bench_export_desk.py

For each number of reviews per claim: a fresh scratch database (bench_lib: a temporary
SQLite file, or the PostgreSQL database given, which it wipes), one article of --claims
claims, that many reviewers each reviewing every claim with bench_desk.py's note (no
link: bench_desk's saves send none), the lead's API token. Then, alternating, --repeat
times each:

- the product: GET /api/v1/articles/<id>/export?format=json|csv through Flask's test
  client with the lead's bearer token (authentication, permission, the report build and
  render, the response), each request in its own app context as on a server;
- the floor: one SQL statement reading the same rows (claims, their reviews, reviewer
  names, evidence links) straight from the driver, then ``json.dumps`` of a list of
  claims with their reviews, or ``csv.writer`` over one row per claim with the reviews
  joined, what any exporter must at least do.

Prints median and spread (min-max) of each, the ratio product/floor, and the goal:
≤ 80 ms with 1 review per claim and ≤ 150 ms with 12 on a machine where the comparison
tool takes ~830 ms (issue #21), i.e. ten times faster than the peer.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lib as bl  # noqa: E402

NOTE = "Checked against the source, pass {n}."
VERDICTS = ("confirmed", "unconfirmed", "disputed")
FLOOR_SQL = (
    "SELECT c.id, c.start_offset, c.end_offset, c.text, c.speaker, c.status, r.verdict, r.note, "
    "r.updated_at, u.display_name, l.url, l.title, l.stance "
    "FROM claims c LEFT JOIN reviews r ON r.claim_id = c.id "
    "LEFT JOIN users u ON u.id = r.reviewer_id LEFT JOIN evidence_links l ON l.review_id = r.id "
    "WHERE c.article_id = {article} ORDER BY c.start_offset, r.id, l.position"
)


def build(claims: int, per_claim: int):
    """A scratch desk: (url, instance, lead token, article id, reviews stored)."""
    from factcheck.database import transaction
    from factcheck.models import User
    from factcheck.services import articles, reviews

    url, instance = bl.scratch_database(f"export-desk-{per_claim}")
    app = bl.make_app(url)
    with app.app_context():
        bl.migrate()
        people = bl.create_accounts(
            [("lead@example.org", "lead")]
            + [(f"r{i}@example.org", "reviewer") for i in range(per_claim)]
        )
        with transaction() as s:
            art = articles.import_article(s, actor=s.get(User, people[0]["id"]),
                                          text=bl.synthetic_text(claims), title="Export desk")  # fmt: skip
            article_id, claim_ids = art.id, [c.id for c in art.claims]
        n = 0
        for person in people[1:]:
            with transaction() as s:
                actor = s.get(User, person["id"])
                for cid in claim_ids:
                    n += 1
                    reviews.submit_review(s, actor=actor, claim_id=cid, verdict=VERDICTS[n % 3],
                                          note=NOTE.format(n=n))  # fmt: skip
        bl.db.session.remove()
        bl.db.engine.dispose()
    return url, instance, people[0]["token"], article_id, n


def floor(url: str, article_id: int, fmt: str, conn) -> int:
    """The same rows read and serialised with nothing else: bytes produced."""
    cur = conn.cursor()
    cur.execute(FLOOR_SQL.format(article=int(article_id)))
    rows = cur.fetchall()
    claims: dict[int, dict] = {}
    for cid, start, end, text, speaker, status, verdict, note, updated, name, *link in rows:
        claim = claims.get(cid)
        if claim is None:
            claim = claims[cid] = {"id": cid, "start": start, "end": end, "text": text,
                                   "speaker": speaker, "status": status, "reviews": []}  # fmt: skip
        if verdict is not None:
            claim["reviews"].append({"reviewer": name, "verdict": verdict, "note": note,
                                     "updated_at": str(updated),
                                     "links": [dict(zip(("url", "title", "stance"), link,
                                                        strict=True))] if link[0] else []})  # fmt: skip
    if fmt == "json":
        return len(json.dumps({"article_id": article_id, "claims": list(claims.values())}).encode())
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "start", "end", "text", "speaker", "status", "verdicts", "notes"])
    for c in claims.values():
        writer.writerow([c["id"], c["start"], c["end"], c["text"], c["speaker"], c["status"],
                         "; ".join(r["verdict"] for r in c["reviews"]),
                         " | ".join(r["note"] for r in c["reviews"])])  # fmt: skip
    return len(buffer.getvalue().encode())


def driver_connection(url: str):
    if url.startswith("postgresql"):
        import psycopg

        return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    import sqlite3

    return sqlite3.connect(url.removeprefix("sqlite:///"))


def measure(per_claim: int, args) -> dict:
    given = os.environ.get("FACTCHECK_DATABASE_URL")
    try:
        return _measure(per_claim, args)
    finally:  # the next shape builds its own scratch database from the URL given
        os.environ.pop("FACTCHECK_DATABASE_URL", None)
        if given:
            os.environ["FACTCHECK_DATABASE_URL"] = given


def _measure(per_claim: int, args) -> dict:
    url, instance, token, article_id, stored = build(args.claims, per_claim)
    os.environ.update(FACTCHECK_DATABASE_URL=url, FACTCHECK_INSTANCE_PATH=instance,
                      FACTCHECK_SECRET_KEY="bench-secret")  # fmt: skip
    from factcheck import create_app

    app = create_app(migrations=False)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    conn = driver_connection(url)
    out = {"reviews": stored}
    gc.collect()
    gc.freeze()  # as gunicorn.conf.py's post_worker_init does in every worker
    for fmt in ("json", "csv"):
        path = f"/api/v1/articles/{article_id}/export?format={fmt}"
        product, bare, size = [], [], 0
        for i in range(args.repeat + 1):  # the first of each is a warm-up
            t = time.perf_counter()
            r = client.get(path, headers=headers)
            p = (time.perf_counter() - t) * 1000
            assert r.status_code == 200, r.get_data(as_text=True)[:300]
            size = len(r.get_data())
            t = time.perf_counter()
            floor(url, article_id, fmt, conn)
            f = (time.perf_counter() - t) * 1000
            if i:
                product.append(p)
                bare.append(f)
        out[fmt] = {"product": product, "floor": bare, "size": size}
    conn.close()
    return out


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=300)
    ap.add_argument("--reviews", default="1,12", help="reviews per claim, comma-separated")
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    dialect = (
        "postgresql"
        if os.environ.get("FACTCHECK_DATABASE_URL", "").startswith("postgres")
        else "sqlite"
    )
    results = {int(n): measure(int(n), args) for n in args.reviews.split(",")}
    print(f"\n### Exports at a desk's shape: {dialect}, {args.claims} claims, median (min–max) of "
          f"{args.repeat}, load {load0:.1f} → {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    print(
        "| reviews per claim | format | product (API, ms) | floor (bare, ms) | product / floor | size | goal |"
    )
    print("|---|---|---|---|---|---|---|")
    for per_claim, res in results.items():
        goal = "≤ 80 ms" if per_claim == 1 else "≤ 150 ms"
        for fmt in ("json", "csv"):
            r = res[fmt]
            ratio = statistics.median(r["product"]) / statistics.median(r["floor"])
            print(f"| {per_claim} ({res['reviews']} reviews) | {fmt} | {_cell(r['product'])} | "
                  f"{_cell(r['floor'])} | {ratio:.1f} | {r['size'] / 1024:,.0f} KiB | {goal} |")  # fmt: skip


if __name__ == "__main__":
    main()
