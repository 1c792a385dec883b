"""Plain text and metadata from an HTML page, without ever losing text silently (HOSTILE.md §2.15)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from lxml import etree

from factcheck.errors import InvalidInput
from factcheck.text.htmlscan import scan_html

log = logging.getLogger(__name__)

# lxml's HTML parser stops building the tree at 256 levels and silently drops everything below
# and after that point (measured: a marker at depth 255 vanishes), so trafilatura only sees pages
# comfortably shallower than that; deeper ones use the scan's own text.
SAFE_DEPTH = 200
LXML_DEPTH_CAP = (
    250  # second check on the tree lxml actually built, in case its nesting rules differ
)
# trafilatura needs about 0.2 ms per element (50,000 paragraphs: 10 s); beyond this many elements
# the scan's text (linear, about 0.3 s for that page) is used instead.
MAX_EXTRACTOR_ELEMENTS = 10_000
_BODY = re.compile(r"<body[\s>]", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlDocument:
    """An article extracted from HTML: paragraphs separated by a blank line, headline first."""

    text: str
    title: str | None
    author: str | None
    published_at: str | None  # ISO date "YYYY-MM-DD"
    site_name: str | None
    canonical_url: str | None


def extract_html(html: str, *, max_depth: int = 512) -> HtmlDocument:
    """Extract the main text and metadata; refuse empty, NUL-bearing or too-deeply nested HTML."""
    if not isinstance(html, str):
        raise InvalidInput("HTML must be text", errors={"text": "must be text"})
    if "\x00" in html:
        raise InvalidInput(
            "HTML contains NUL characters", errors={"text": "contains NUL characters"}
        )
    scan = scan_html(html, max_depth=max_depth)  # raises before any other parser sees the page
    visible = scan.text()
    if not visible:
        raise InvalidInput("article is empty", errors={"text": "article is empty"})
    doc = None
    if scan.depth <= SAFE_DEPTH and scan.elements <= MAX_EXTRACTOR_ELEMENTS:
        doc = _trafilatura(scan.for_lxml(html))
    text = _paragraphs(doc.text) if doc is not None and doc.text else ""
    if not text:
        text = (
            visible  # trafilatura found nothing (or was not safe to run): keep every visible word
        )
    meta = doc if doc is not None else _head_metadata(html)
    title = _clean(getattr(meta, "title", None))
    return HtmlDocument(
        text=_headline_first(text, title),
        title=title,
        author=_clean(getattr(meta, "author", None)),
        published_at=_iso_date(getattr(meta, "date", None)),
        site_name=_clean(getattr(meta, "sitename", None)),
        canonical_url=_http_url(getattr(meta, "url", None)),
    )


def _trafilatura(html: str):
    """trafilatura's extraction, or None when lxml truncated the tree or trafilatura failed."""
    try:
        # imported on first use (0.2 s at start-up), and inside the try: a trafilatura that
        # fails to import (lxml_html_clean missing, say) leaves the scan's text, not a 500
        from trafilatura import bare_extraction, load_html

        tree = load_html(html)
        if tree is None or _tree_depth(tree) >= LXML_DEPTH_CAP:
            return None
        return bare_extraction(tree, with_metadata=True, date_extraction_params=_date_params())
    except Exception:  # a third-party parser must not turn a page into a 500: the scan has the text
        log.warning("trafilatura failed; using the plain visible text", exc_info=True)
        return None


def _date_params() -> dict:
    """htmldate without its extensive search: only a date the page states (meta tags,
    JSON-LD, <time>, the URL). The extensive search guesses, e.g. 1 January of a
    copyright year or of any year in the text (a page with no date got 2026-01-01)."""
    return {"original_date": True, "extensive_search": False,
            "max_date": date.today().isoformat()}  # fmt: skip


def _tree_depth(tree) -> int:
    depth = deepest = 0
    for event, _ in etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _head_metadata(html: str):
    """Metadata from the page's head only, which lxml parses safely however deep the body is."""
    match = _BODY.search(html)
    head = html[: match.start()] if match else html[:65536]
    try:
        from trafilatura import load_html
        from trafilatura.metadata import extract_metadata

        tree = load_html(head + "<body></body>")
        return extract_metadata(tree, date_config=_date_params()) if tree is not None else None
    except Exception:  # metadata is optional; the text is what matters
        log.warning("metadata extraction failed", exc_info=True)
        return None


def _paragraphs(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _headline_first(text: str, title: str | None) -> str:
    if not title:
        return text
    wanted = title.casefold()
    if any(p.casefold() == wanted for p in text.split("\n\n", 3)[:3]):
        return text
    return f"{title}\n\n{text}"


def _clean(value) -> str | None:
    """One line of text: whitespace (including CR/LF) collapsed, NUL and other controls gone."""
    if not isinstance(value, str):
        return None
    value = " ".join("".join(ch for ch in value if ch >= " " or ch in "\t\n\r").split())
    return value or None


def _iso_date(value) -> str | None:
    try:
        return date.fromisoformat(value[:10]).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def _http_url(value) -> str | None:
    value = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"https?://[^\s\x00-\x1f\x7f<>\"]{1,2040}", value, re.IGNORECASE):
        return value
    return None  # javascript:, data:, relative or malformed canonical links are not kept
