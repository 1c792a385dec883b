"""Turn a ``Report`` into a downloadable document in one of the export formats.

Pure: no Flask, no database. The web page, the API and the CLI all call ``render``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from factcheck.reports.formats.annotation import render_w3c
from factcheck.reports.formats.claimreview import render_claimreview
from factcheck.reports.formats.html import render_html
from factcheck.reports.formats.jsondoc import render_json
from factcheck.reports.formats.markdown import render_markdown_report
from factcheck.reports.formats.pdf import render_pdf
from factcheck.reports.formats.tabular import UTF8_BOM, render_csv
from factcheck.reports.model import Report

FORMATS = ("html", "pdf", "md", "csv", "json", "claimreview", "w3c")
KEPT_FORMATS = frozenset({"pdf"})  # slow to render: files are kept per report state


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


def with_bom(rendered: Rendered) -> Rendered:
    """A CSV with the UTF-8 byte order mark Excel needs to read it as UTF-8 (else mojibake);
    other formats unchanged."""
    if not rendered.media_type.startswith("text/csv") or rendered.content.startswith(UTF8_BOM):
        return rendered
    return replace(rendered, content=UTF8_BOM + rendered.content)


def printed_size(report: Report, fmt: str) -> int:
    """How much a file in ``fmt`` prints, in bytes of its HTML: what a PDF's render time
    grows with (WeasyPrint: about 28 ms per KiB on the reference machine on a fast day,
    twice that on a slow one; 1,000 claims with two reviews each are 1.8 MiB)."""
    return len(render_html(report))


def media_type(fmt: str) -> str:
    return _FORMATS[fmt].media_type


def _renderer_digest() -> str:
    """What else decides a kept file's bytes: the report template, its CSS and WeasyPrint."""
    h = hashlib.sha256(metadata.version("weasyprint").encode())
    for path in sorted((Path(__file__).parent / "templates").iterdir()):
        h.update(path.read_bytes())
    return h.hexdigest()


_RENDERER = _renderer_digest()


def fingerprint(report: Report, fmt: str) -> str:
    """sha256 of everything a file in ``fmt`` prints except when it was generated and the
    chain head at that moment (and the report URL, which HTML and PDF do not print)."""
    stable = replace(report, generated_at=None, chain_head_seq=None, chain_head_hash=None,
                     report_url=None)  # fmt: skip
    return hashlib.sha256(f"{fmt}\0{_RENDERER}\0{stable!r}".encode()).hexdigest()
