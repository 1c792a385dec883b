"""Shared helpers: URL allowlist, UTC times, bidi balancing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.reports.formats.common import balance_bidi, iso_date, iso_utc, safe_url

OPENERS = {
    "\u202a": "\u202c",
    "\u202b": "\u202c",
    "\u202d": "\u202c",
    "\u202e": "\u202c",
    "\u2066": "\u2069",
    "\u2067": "\u2069",
    "\u2068": "\u2069",
}
BIDI = set(OPENERS) | {"\u202c", "\u2069"}


@pytest.mark.parametrize(
    "url", ["https://x.example/a?b=c#d", "http://x.example", "HTTPS://X.EXAMPLE/"]
)
def test_safe_url_accepts_http(url):
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\nscript:alert(1)",
        "javascript&#58;alert(1)",
        "vbscript:x",
        "data:text/html,<script>",
        "blob:https://x",
        "file:///etc/passwd",
        "about:blank",
        "//evil.example",
        "/relative",
        'https://x.example/"onmouseover=1',
        "https://x.example/<script>",
        "https://",
        "http://[::1",
    ],
)
def test_safe_url_refuses_everything_else(url):
    assert safe_url(url) is None


def test_times():
    plus2 = timezone(timedelta(hours=2))
    assert iso_utc(datetime(2024, 1, 1, 1, 0, tzinfo=plus2)) == "2023-12-31T23:00:00Z"
    assert iso_utc(datetime(2024, 1, 1, 1, 0)) == "2024-01-01T01:00:00Z"
    assert iso_utc(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)) == "9999-12-31T23:59:59Z"
    assert iso_date(datetime(2024, 1, 1, 1, 0, tzinfo=plus2)) == "2023-12-31"
    assert iso_utc(None) is None and iso_date(None) is None


def _is_balanced(text: str) -> bool:
    stack: list[str] = []
    for char in text:
        if char in OPENERS:
            stack.append(OPENERS[char])
        elif char in BIDI:
            if not stack or stack.pop() != char:
                return False
        elif char == "\n" and stack:
            return False
    return not stack


@given(st.text(st.sampled_from(sorted(BIDI)) | st.sampled_from("ab \n"), max_size=30))
def test_balance_bidi_always_balances_and_keeps_text(value):
    out = balance_bidi(value)
    assert _is_balanced(out)
    assert [c for c in out if c not in BIDI] == [c for c in value if c not in BIDI]
    assert balance_bidi(out) == out  # idempotent


def test_balance_bidi_examples():
    assert balance_bidi("a\u202eb") == "a\u202eb\u202c"
    assert balance_bidi("\u2069\u202cx") == "x"
    assert balance_bidi("\u2067\u202ex\u2069y") == "\u2067\u202ex\u202c\u2069y"
    assert balance_bidi("\u202ex\ny") == "\u202ex\u202c\ny"
    assert balance_bidi(None) == ""
