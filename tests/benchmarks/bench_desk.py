"""The desk workload against a live gunicorn server (PRODUCT.md §8: saving a review, memory).

    .venv/bin/python tests/benchmarks/bench_desk.py [--seconds 30] [--workers 2] [--clients 20]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_desk .venv/bin/python tests/benchmarks/bench_desk.py

Builds a scratch database (a temporary SQLite file, or the PostgreSQL database given,
which it wipes), creates a lead and one reviewer account per client with API tokens,
starts gunicorn (gunicorn.conf.py; --workers overrides) on a free loopback port and:

1. imports one article of --claims claims through the API;
2. saves --saves reviews one after another (PUT /api/v1/claims/<id>/reviews/me);
3. closed loop: --clients threads, each a different reviewer with its own keep-alive
   connection, save and revise reviews as fast as they can for --seconds (a revision
   sends the version from the previous response);
4. open loop: --clients reviewers each save once a second for --open-seconds; sends are
   scheduled at fixed times and latency counts from the scheduled time;
5. times the JSON and CSV exports and the claim list (GET /api/v1/articles/<id>), once
   right after step 2 (every claim with one review: the comparison's shape) and once
   after the load (about one review per client per claim);
6. reads each worker's RSS from /proc idle and after the load, and verifies the audit
   chain (no fork, no gap) and that every accepted save is stored.

Prints a Markdown table with the targets and the comparison tool's figures beside ours.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lib as bl  # noqa: E402

VERDICTS = ("confirmed", "unconfirmed", "disputed")


class Reviewer:
    """One client: its token, connection and the versions of its own reviews."""

    def __init__(self, port: int, token: str):
        self.client = bl.Client(port, token=token)
        self.versions: dict[int, int] = {}
        self.n = 0

    def save(self, claim_id: int) -> tuple[int, float]:
        self.n += 1
        body = {
            "verdict": VERDICTS[self.n % 3],
            "note": f"Checked against the source, pass {self.n}.",
        }
        if claim_id in self.versions:
            body["version"] = self.versions[claim_id]
        r = self.client.request("PUT", f"/api/v1/claims/{claim_id}/reviews/me", body=body)
        if r.status in (200, 201):
            self.versions[claim_id] = int(r.headers["ETag"].strip('"'))
        return r.status, r.ms


def closed_loop(reviewers: list[Reviewer], claim_ids: list[int], seconds: float) -> dict:
    lat: list[list[float]] = [[] for _ in reviewers]
    errors: list[dict[int, int]] = [{} for _ in reviewers]
    start = threading.Barrier(len(reviewers) + 1)
    stop_at = [0.0]

    def run(i: int) -> None:
        rv, k = reviewers[i], i * (len(claim_ids) // len(reviewers))
        start.wait()
        while time.perf_counter() < stop_at[0]:
            try:
                status, ms = rv.save(claim_ids[k % len(claim_ids)])
            except OSError as exc:
                errors[i][type(exc).__name__] = errors[i].get(type(exc).__name__, 0) + 1
                continue
            if status in (200, 201):
                lat[i].append(ms)
            else:
                errors[i][status] = errors[i].get(status, 0) + 1
            k += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(reviewers))]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    stop_at[0] = t0 + seconds
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    all_ms = [m for part in lat for m in part]
    errs: dict = {}
    for e in errors:
        for key, n in e.items():
            errs[key] = errs.get(key, 0) + n
    return {"saves": len(all_ms), "rate": len(all_ms) / elapsed, "p50": bl.pct(all_ms, 50),
            "p95": bl.pct(all_ms, 95), "p99": bl.pct(all_ms, 99), "max": max(all_ms, default=0),
            "errors": errs}  # fmt: skip


def open_loop(reviewers: list[Reviewer], claim_ids: list[int], seconds: float, rate: float) -> dict:
    """Each reviewer sends at t0 + phase + k/rate; latency = done - scheduled (no omission)."""
    lat: list[list[float]] = [[] for _ in reviewers]
    service: list[list[float]] = [[] for _ in reviewers]
    errors = [0] * len(reviewers)
    t0 = time.perf_counter() + 0.5
    n = len(reviewers)

    def run(i: int) -> None:
        rv, k, sent = reviewers[i], i * (len(claim_ids) // n) + 7, 0
        while True:
            due = t0 + i / (n * rate) + sent / rate
            if due >= t0 + seconds:
                return
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                status, ms = rv.save(claim_ids[k % len(claim_ids)])
            except OSError:
                status, ms = 0, 0.0
            done = time.perf_counter()
            if status in (200, 201):
                lat[i].append((done - due) * 1000)
                service[i].append(ms)
            else:
                errors[i] += 1
            sent, k = sent + 1, k + 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    all_ms = [m for part in lat for m in part]
    svc = [m for part in service for m in part]
    return {"saves": len(all_ms), "rate": len(all_ms) / seconds, "p50": bl.pct(all_ms, 50),
            "p95": bl.pct(all_ms, 95), "p99": bl.pct(all_ms, 99), "max": max(all_ms, default=0),
            "svc_p95": bl.pct(svc, 95), "errors": sum(errors)}  # fmt: skip


def time_reads(lead_c, article_id: int, claims: int, repeat: int) -> dict:
    """Median ms of the JSON and CSV exports and of the claim list."""
    out = {}
    for fmt in ("json", "csv"):
        times = []
        for _ in range(repeat):
            r = lead_c.request("GET", f"/api/v1/articles/{article_id}/export?format={fmt}",
                               headers={"Accept": "*/*"})  # fmt: skip
            assert r.status == 200, (fmt, r.status, r.body[:300])
            times.append(r.ms)
        out[fmt] = statistics.median(times)
    times = []
    for _ in range(repeat):
        r = lead_c.request("GET", f"/api/v1/articles/{article_id}")
        assert r.status == 200 and len(r.json()["claims"]) == claims
        times.append(r.ms)
    out["list"] = statistics.median(times)
    return out


def _self_cpu() -> float:
    t = os.times()
    return t.user + t.system


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=300)
    ap.add_argument("--saves", type=int, default=300, help="sequential saves")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30, help="closed-loop duration")
    ap.add_argument(
        "--open-seconds", type=float, default=None, help="open-loop duration (default --seconds)"
    )
    ap.add_argument(
        "--rate", type=float, default=1.0, help="open loop: saves per second per reviewer"
    )
    ap.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default gunicorn.conf.py)"
    )
    ap.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when > 1)")
    ap.add_argument("--preload", action=argparse.BooleanOptionalAction, default=None,
                    help="gunicorn preload_app on / off (default gunicorn.conf.py's)")  # fmt: skip
    ap.add_argument(
        "--repeat", type=int, default=10, help="repetitions of each export / list timing"
    )
    args = ap.parse_args()
    open_seconds = args.open_seconds if args.open_seconds is not None else args.seconds

    url, instance = bl.scratch_database("desk")
    app = bl.make_app(url)
    with app.app_context():
        bl.migrate()
        dbname = bl.dialect()
        accounts = bl.create_accounts(
            [("lead@example.org", "lead")]
            + [(f"r{i}@example.org", "reviewer") for i in range(args.clients)]
        )
        bl.db.session.remove()
        bl.db.engine.dispose()
    lead, reviewers_acc = accounts[0], accounts[1:]
    text = bl.synthetic_text(args.claims)

    server = bl.start_server(url, instance, args.workers, args.threads, preload=args.preload)
    server_preload = bl.preload_setting() if args.preload is None else args.preload
    try:
        time.sleep(1)
        rss_idle = server.memory_mib()
        lead_c = bl.Client(server.port, token=lead["token"])
        r = lead_c.request(
            "POST", "/api/v1/articles", body={"text": text, "title": "Desk benchmark"}
        )
        assert r.status == 201, r.body[:500]
        import_ms, art = r.ms, r.json()
        claim_ids = [c["id"] for c in art["claims"]]
        assert len(claim_ids) == args.claims, len(claim_ids)

        solo = Reviewer(server.port, reviewers_acc[0]["token"])
        seq = []
        for n in range(args.saves):
            status, ms = solo.save(claim_ids[n % len(claim_ids)])
            assert status in (200, 201), status
            seq.append(ms)

        # the comparison's shape: every claim with one verdict and note
        reads_one = time_reads(lead_c, art["id"], args.claims, args.repeat)

        clients = [solo] + [Reviewer(server.port, a["token"]) for a in reviewers_acc[1:]]
        cpu0, me0 = server.cpu_seconds(), _self_cpu()
        closed = closed_loop(clients, claim_ids, args.seconds)
        cpu_server, cpu_client = server.cpu_seconds() - cpu0, _self_cpu() - me0
        time.sleep(1)
        opened = open_loop(clients, claim_ids, open_seconds, args.rate)
        rss_load = server.memory_mib()

        reads_after = time_reads(lead_c, art["id"], args.claims, args.repeat)
        rss_after = server.memory_mib()
        master = server.proc.pid
        workers = server.worker_pids()
        log_tail = server.log.read_text(errors="replace")
    finally:
        server.stop()

    with app.app_context():
        from sqlalchemy import func, select

        from factcheck.models import AuditEvent, Review
        from factcheck.services.audit import verify_chain

        v = verify_chain(bl.db.session)
        reviews = bl.db.session.scalar(select(func.count()).select_from(Review))
        seq_max = bl.db.session.scalar(select(func.max(AuditEvent.seq)))
        bl.db.session.remove()
        bl.db.engine.dispose()

    def worker_rss(snapshot: dict, kind: str = "Rss") -> str:
        vals = [snapshot[p][kind] for p in workers if p in snapshot]
        master_mib = snapshot.get(master, {}).get(kind, 0)
        return f"{max(vals):.0f} (max of {len(vals)}; master {master_mib:.0f})" if vals else "–"

    def worker_mem(snapshot: dict) -> str:
        each = " / ".join(worker_rss(snapshot, k).split(" (")[0] for k in ("Rss", "Pss", "Private"))
        return f"{each} (all {sum(m['Pss'] for m in snapshot.values()):.0f} PSS)"

    per_claim = reviews / args.claims
    errs = closed["errors"]
    err_s = "0" if not errs else ", ".join(f"{k}×{n}" for k, n in sorted(errs.items(), key=str))
    print(f"\n### Desk workload: {dbname}, gunicorn {server.workers} workers"
          f"{f' × {args.threads} threads' if args.threads > 1 else ''} (sync), {args.clients} clients, "
          f"{args.seconds:g} s closed / {open_seconds:g} s open, {args.claims} claims\n")  # fmt: skip
    print("| measure | ours | target (PRODUCT §8) | comparison tool |")
    print("|---|---|---|---|")
    rows = [
        (f"import the {args.claims}-claim article (API)", f"{bl.fmt_ms(import_ms)} ms", "", ""),
        (f"single save, sequential ({len(seq)}): median / p95", f"{bl.fmt_ms(statistics.median(seq))} / {bl.fmt_ms(bl.pct(seq, 95))} ms", "", "29 ms median"),
        (f"closed loop, {args.clients} clients: throughput", f"**{closed['rate']:.0f} saves/s** ({closed['saves']} saves)", "≥ 250 saves/s", "20–29 saves/s"),
        ("closed loop: p50 / p95 / p99 (max)", f"{bl.fmt_ms(closed['p50'])} / **{bl.fmt_ms(closed['p95'])}** / {bl.fmt_ms(closed['p99'])} ({bl.fmt_ms(closed['max'])}) ms", "p95 < 150 ms", "p95 ≈ 0.9–1.3 s"),
        ("closed loop: errors", err_s, "0", ""),
        ("closed loop: CPU per save, server / load generator", f"{cpu_server / max(closed['saves'], 1) * 1000:.1f} / {cpu_client / max(closed['saves'], 1) * 1000:.1f} ms "
         f"({(cpu_server + cpu_client) / args.seconds:.2f} of {os.cpu_count()} cores busy)", "", ""),
        (f"open loop, {args.clients} × {args.rate:g}/s: p50 / p95 / p99 (from scheduled time)", f"{bl.fmt_ms(opened['p50'])} / **{bl.fmt_ms(opened['p95'])}** / {bl.fmt_ms(opened['p99'])} ms", "p95 < 30 ms", ""),
        ("open loop: saves, errors, max", f"{opened['saves']} ({opened['rate']:.1f}/s), {opened['errors']}, {bl.fmt_ms(opened['max'])} ms", "0 errors", ""),
        (f"claim list, GET /api/v1/articles/<id> ({args.claims} claims), median: 1 review per claim / after the load ({per_claim:.0f} per claim)", f"{bl.fmt_ms(reads_one['list'])} / {bl.fmt_ms(reads_after['list'])} ms", "", "~170 ms (list 300 tasks)"),
        ("export JSON, median: 1 review per claim / after the load", f"{bl.fmt_ms(reads_one['json'])} / {bl.fmt_ms(reads_after['json'])} ms", "< 1 s", "~250 ms"),
        ("export CSV, median: 1 review per claim / after the load", f"{bl.fmt_ms(reads_one['csv'])} / {bl.fmt_ms(reads_after['csv'])} ms", "< 1 s", ""),
        ("RSS per worker, idle (MiB)", worker_rss(rss_idle), "< 150 MB", "~1.2 GB idle (whole tool)"),
        ("RSS per worker, after the load (MiB)", worker_rss(rss_load), "< 150 MB", ""),
        ("RSS per worker, after the exports (MiB)", worker_rss(rss_after), "< 150 MB", ""),
        ("per worker RSS / PSS / private (MiB, max of the workers; all: PSS of master + workers): idle; after the load; after the exports",
         f"{worker_mem(rss_idle)}; {worker_mem(rss_load)}; {worker_mem(rss_after)}"
         f" (preload {'on' if server_preload else 'off'})", "≤ 80 MiB (#21)", ""),
        ("audit chain after the run", f"{'OK' if v.ok else 'FAIL ' + str(v.reason)}: {v.events} events, max seq {seq_max}", "verifies, no fork", ""),
        ("reviews stored", f"{reviews}", f"≤ {args.clients} × {args.claims}", ""),
    ]  # fmt: skip
    for row in rows:
        print("| " + " | ".join(row) + " |")
    bad = [
        ln
        for ln in log_tail.splitlines()
        if "Traceback" in ln or "locked" in ln or "WORKER TIMEOUT" in ln
    ]
    if bad:
        print(f"\nserver log: {len(bad)} problem lines, e.g. {bad[0][:200]}")


if __name__ == "__main__":
    main()
