"""PDF: the standalone HTML report printed by WeasyPrint, fetching nothing.

WeasyPrint's docs warn that rendering untrusted HTML can read local files or reach the
network (HOSTILE.md §2.13). The printed HTML (print.html) is self-contained (inline CSS, no images),
so the URL fetcher refuses every request; a note's link is text, never fetched.
"""

from __future__ import annotations

import gc

from factcheck.reports.formats.html import render_print_html
from factcheck.reports.model import Report

PDF_VARIANT = "pdf/ua-1"  # WeasyPrint's accessible variant: a tagged PDF


class FetchRefused(Exception):
    """Raised for any resource WeasyPrint asks for."""


def refuse_all(url: str, *args, **kwargs):
    """A url_fetcher that fetches nothing (no network, no file://, no data: surprises)."""
    raise FetchRefused(f"report PDFs fetch nothing (asked for {url[:80]!r})")


def render_pdf(report: Report) -> bytes:
    """Render the report's HTML to PDF with no external fetches."""
    from weasyprint import HTML  # imported lazily: it loads Pango at import time

    html = render_print_html(report).decode("utf-8")
    try:
        # PDF/UA-1: tagged (structure tree from the HTML), with the title and language
        return HTML(string=html, url_fetcher=refuse_all, base_url=None).write_pdf(
            pdf_variant=PDF_VARIANT
        )
    finally:
        # A long report leaves millions of cyclic layout objects behind. Collect them here,
        # as part of this slow render, not in a full collection during the next request
        # (5.5 s after a 1,000-claim render in tests/benchmarks/bench_exports.py).
        gc.collect()
