"""Helpers shared by the report formats: labels, times, URLs, bidi and safe JSON.

Renderers never trust text: URLs are shown as links only when they are http(s), bidi
controls are balanced so they cannot reorder text outside their field, and JSON is
serialised so it can sit inside ``<script type="application/ld+json">`` unchanged.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from factcheck.models.vocabulary import Verdict
from factcheck.reports.model import VERDICT_LABELS, ClaimItem, Report
from factcheck.text.markup import sanitize

# ClaimReview's reviewRating: best 3 (confirmed) to worst 1 (disputed).
RATING_VALUES = {Verdict.CONFIRMED: 3, Verdict.UNCONFIRMED: 2, Verdict.DISPUTED: 1}
VERIFY_COMMAND = "flask --app factcheck audit verify --head {head}"

_EMBEDDINGS = {"\u202a", "\u202b", "\u202d", "\u202e"}  # LRE RLE LRO RLO, closed by PDF
_ISOLATES = {"\u2066", "\u2067", "\u2068"}  # LRI RLI FSI, closed by PDI
_PDF, _PDI = "\u202c", "\u2069"
_BREAKS = {"\n", "\r", "\u2029", "\x1c", "\x1d", "\x1e", "\x85"}
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_JSON_ESCAPES.update({"\u2028": "\\u2028", "\u2029": "\\u2029"})


def verdict_label(verdict: str | None) -> str | None:
    """English label of a verdict for the data formats (``None`` stays ``None``); the
    reports' words in their language are ``reports.words``."""
    if verdict is None:
        return None
    return VERDICT_LABELS.get(verdict, verdict)


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 UTC with a ``Z`` suffix, e.g. ``2024-05-01T12:00:00Z``."""
    if value is None:
        return None
    text = to_utc(value).isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def iso_date(value: datetime | None) -> str | None:
    """The UTC calendar date, e.g. ``2024-05-01``."""
    return None if value is None else to_utc(value).date().isoformat()


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL without whitespace or quotes, else None."""
    if not url or _UNSAFE_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def clean_html(html: str | None) -> str:
    """Sanitize note HTML again with the markup allowlist (idempotent on clean input)."""
    return sanitize(html)


def balance_bidi(text: str | None) -> str:
    """Drop unmatched bidi terminators and close open ones so no override leaks out."""
    if not text:
        return ""
    out: list[str] = []
    stack: list[str] = []
    for char in text:
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(char)
        elif char == _PDF:
            if not stack or stack[-1] not in _EMBEDDINGS:
                continue
            stack.pop()
        elif char == _PDI:
            if not any(c in _ISOLATES for c in stack):
                continue
            while stack.pop() not in _ISOLATES:
                out.append(_PDF)
        elif char in _BREAKS:
            out.extend(_closers(stack))
            stack.clear()
        out.append(char)
    out.extend(_closers(stack))
    return "".join(out)


def _closers(stack: list[str]) -> list[str]:
    return [_PDI if c in _ISOLATES else _PDF for c in reversed(stack)]


def claim_url(report: Report, claim: ClaimItem) -> str | None:
    """Where the claim lives in the published report (``report_url#claim-<id>``)."""
    base = safe_url(report.report_url)
    return None if base is None else f"{base.split('#', 1)[0]}#claim-{claim.id}"


def evidence_urls(claim: ClaimItem) -> list[str]:
    """Every evidence URL cited in the claim's reviews, first occurrence order."""
    seen: dict[str, None] = {}
    for review in claim.reviews:
        for link in review.links:
            seen.setdefault(link.url, None)
    return list(seen)


def json_bytes(data: object) -> bytes:
    """UTF-8 JSON with ``<``, ``>``, ``&``, U+2028/9 escaped, safe inside a script block.

    Compact: the C encoder only runs without indentation, and indenting a 1,000-claim
    report took a third of its export time (any JSON viewer indents it again).
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in _JSON_ESCAPES.items():  # one C scan each, not a call per match
        if char in text:
            text = text.replace(char, escape)
    return text.encode() + b"\n"
