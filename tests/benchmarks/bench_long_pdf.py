"""A long PDF over HTTP: the request answers at once, the file is rendered in the background.

    .venv/bin/python tests/benchmarks/bench_long_pdf.py [--claims 1000] [--poll 2]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_long_pdf .venv/bin/python tests/benchmarks/bench_long_pdf.py

Builds a scratch database (a temporary SQLite file, or the PostgreSQL database given,
which it wipes) with one article of --claims claims, two reviews with evidence on each,
starts gunicorn (gunicorn.conf.py) and asks for the lead's PDF through the API, as an
integrator would: the first answer (202, or 200 for a short report), then a poll every
--poll seconds until the file comes (200), timing /healthz meanwhile and reading the
gunicorn workers' RSS. The render runs in the renderer process the app starts
(`flask worker --kind render --queued-only`, FACTCHECK_RENDER_IN_BACKGROUND), not in the
web worker. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lib as bl  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=1000)
    ap.add_argument("--poll", type=float, default=2.0)
    args = ap.parse_args()
    url, instance, app, dbname, (lead, _r1, _r2), article_id, n_claims = bl.reviewed_desk(
        "long_pdf", args.claims, "Long PDF benchmark", approve_article=False
    )
    with app.app_context():
        bl.db.engine.dispose()

    os.environ["FACTCHECK_RENDER_IN_BACKGROUND"] = "true"  # no `make worker` beside it
    server = bl.start_server(url, instance)
    try:
        idle = max(server.rss_mib().values())
        client = bl.Client(server.port, token=lead["token"])
        path = f"/api/v1/articles/{article_id}/export?format=pdf"
        started = time.perf_counter()
        first = client.request("GET", path)
        health, rss, polls, resp = [], [idle], 0, first
        while resp.status == 202:
            time.sleep(args.poll)
            health.append(client.request("GET", "/healthz").ms)
            resp = client.request("GET", path)
            rss.append(max(server.rss_mib().values()))
            polls += 1
        total = time.perf_counter() - started
        timeouts = server.log.read_text(errors="replace").count("WORKER TIMEOUT")
    finally:
        server.stop()

    print(
        f"\n### A long PDF over HTTP: {dbname}, {n_claims} claims, 2 reviews with evidence each\n"
    )
    print("| measure | result |")
    print("|---|---|")
    print(f"| first answer | {first.status} in {bl.fmt_ms(first.ms)} ms"
          f" (Retry-After: {first.headers.get('Retry-After', '-')}) |")  # fmt: skip
    print(f"| the file | {resp.status} {resp.headers.get('Content-Type', '')}, {len(resp.body) / 1024:,.0f} KiB,"
          f" after {total:.1f} s ({polls} polls) |")  # fmt: skip
    if health:
        print(f"| `/healthz` during the render: median / max | {bl.fmt_ms(bl.pct(health, 50))} /"
              f" {bl.fmt_ms(max(health))} ms |")  # fmt: skip
    print(f"| gunicorn worker timeouts | {timeouts} |")
    print(f"| web worker RSS: idle / max during the render | {idle:.0f} / {max(rss):.0f} MiB |")


if __name__ == "__main__":
    main()
