"""Turn a ``Report`` into a downloadable document in one of the export formats.

Pure: no Flask, no database. The web page, the API and the CLI all call ``render``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from factcheck.reports.formats.annotation import render_w3c
from factcheck.reports.formats.claimreview import render_claimreview
from factcheck.reports.formats.html import render_html
from factcheck.reports.formats.jsondoc import render_json
from factcheck.reports.formats.markdown import render_markdown_report
from factcheck.reports.formats.pdf import render_pdf
from factcheck.reports.formats.tabular import render_csv
from factcheck.reports.model import Report

FORMATS = ("html", "pdf", "md", "csv", "json", "claimreview", "w3c")


@dataclass(frozen=True)
class Rendered:
    content: bytes
    media_type: str
    filename: str  # RFC 6266-safe ASCII


@dataclass(frozen=True)
class _Format:
    render: Callable[[Report], bytes]
    media_type: str
    suffix: str


_FORMATS: dict[str, _Format] = {
    "html": _Format(render_html, "text/html; charset=utf-8", ".html"),
    "pdf": _Format(render_pdf, "application/pdf", ".pdf"),
    "md": _Format(render_markdown_report, "text/markdown; charset=utf-8", ".md"),
    "csv": _Format(render_csv, "text/csv; charset=utf-8", ".csv"),
    "json": _Format(render_json, "application/json", ".json"),
    "claimreview": _Format(render_claimreview, "application/ld+json", "-claimreview.jsonld"),
    "w3c": _Format(render_w3c, "application/ld+json", "-annotations.jsonld"),
}


def filename(report: Report, fmt: str) -> str:
    """The download name, e.g. ``factcheck-report-12-draft.md`` (ASCII, no quotes)."""
    state = "final" if report.is_final else "draft"
    return f"factcheck-report-{int(report.article_id)}-{state}{_FORMATS[fmt].suffix}"


def render(report: Report, fmt: str) -> Rendered:
    """Render the report in ``fmt`` (one of ``FORMATS``); ValueError for anything else."""
    spec = _FORMATS.get(fmt) if isinstance(fmt, str) else None
    if spec is None:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return Rendered(spec.render(report), spec.media_type, filename(report, fmt))
