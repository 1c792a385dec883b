"""Export of a 1,000-claim article in each format (PRODUCT.md §8: any export < 1 s).

    .venv/bin/python tests/benchmarks/bench_exports.py [--claims 1000] [--repeat 3]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_exports .venv/bin/python tests/benchmarks/bench_exports.py

Builds a scratch database (a temporary SQLite file, or the PostgreSQL database given,
which it wipes), imports one article of --claims claims, has two reviewers review every
claim (a verdict, a note and an evidence link each) and a lead approve every claim and
then the article, so the report is final (the heaviest case: every claim carries its
reviews, evidence and approval, and the export is audited). Then times
factcheck.services.exports.export_article in one write unit of work, exactly as the API
and the web page call it, for each format. Prints a table (median and worst of --repeat).
PDF: the first export of a report state renders it (WeasyPrint) and keeps the file; every
later export of that state, and every export after the worker has pre-rendered it, serves
the kept file. Both are timed.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lib as bl  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t0 = time.perf_counter()
    _url, _instance, app, dbname, (lead, _r1, _r2), article_id, n_claims = bl.reviewed_desk(
        "exports", args.claims, "Export benchmark", approve_article=True, with_tokens=False
    )
    build = time.perf_counter() - t0
    with app.app_context():
        from factcheck.database import transaction
        from factcheck.models import User
        from factcheck.reports.render import FORMATS
        from factcheck.services import exports

        bl.db.session.remove()

        rows, pdf_bytes = [], b""
        gc.collect()
        gc.freeze()  # as gunicorn.conf.py's post_worker_init does in every worker

        def export(fmt):
            bl.db.session.remove()
            t = time.perf_counter()
            with transaction() as s:
                out = exports.export_article(s, actor=s.get(User, lead["id"]), article_id=article_id,
                                             fmt=fmt, report_url="http://127.0.0.1/articles/1")  # fmt: skip
            return (time.perf_counter() - t) * 1000, out

        for fmt in FORMATS:
            times, size = [], 0
            if fmt == "pdf":  # the first export renders and keeps the file; later ones serve it
                cold, out = export(fmt)
                pdf_bytes = out.content
                rows.append(("pdf, first export of this state (rendered, then kept)", cold, cold,
                             len(out.content)))  # fmt: skip
                fmt_label = "pdf, kept file (every later export; the worker pre-renders)"
            else:
                fmt_label = fmt
            for _ in range(args.repeat):
                ms, out = export(fmt)
                times.append(ms)
                size = len(out.content)
            rows.append((fmt_label, statistics.median(times), max(times), size))
        bl.db.session.remove()
        bl.db.engine.dispose()

    print(f"\n### Export of a {n_claims}-claim final report ({dbname}; 2 reviews with evidence per claim; "
          f"setup {build:.0f} s)\n")  # fmt: skip
    print("| format | median ms | worst ms | size | target | comparison tool |")
    print("|---|---|---|---|---|---|")
    for fmt, med, worst, size in rows:
        if fmt.startswith("pdf"):
            from io import BytesIO

            try:
                from pypdf import PdfReader

                size_note = f" ({len(PdfReader(BytesIO(pdf_bytes)).pages):,} pages)"
            except ImportError:
                size_note = ""
        else:
            size_note = ""
        mark = "" if worst < 1000 or fmt.startswith("pdf, first") else " **missed**"
        comp = "~250 ms (JSON, 300 tasks)" if fmt == "json" else ""
        print(
            f"| {fmt} | {bl.fmt_ms(med)} | {bl.fmt_ms(worst)}{mark} | {size / 1024:,.0f} KiB{size_note} | < 1 s | {comp} |"
        )


if __name__ == "__main__":
    main()
