"""The plain-note shortcut of markup.render_markdown and the Markdown report's inert check
must agree with the full parser on every text they accept."""

from __future__ import annotations

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.reports.formats import markdown as md_report
from factcheck.text import markup

ALLOWED = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    ",.;:'\"?!()%$/@\u2013\u2014-éçßøÅ漢字кириллица"
)
TRICKY = "*_`[]<>&#|~\\=+\n\t\u00a0\u200b\u202e0123456789-. "


def _slow_html(text: str) -> str:
    html = markup._md.render(text)
    return nh3.clean(html, tags=markup.ALLOWED_TAGS, attributes=markup.ALLOWED_ATTRIBUTES,
                     url_schemes=markup.ALLOWED_SCHEMES, link_rel="noopener noreferrer nofollow")  # fmt: skip


def _slow_inert(note: str) -> bool:
    plain, markup.is_plain = markup.is_plain, lambda _text: False
    md_report.is_plain = markup.is_plain
    try:
        return md_report._is_inert(note)
    finally:
        markup.is_plain = md_report.is_plain = plain


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.text(alphabet=ALLOWED + TRICKY, min_size=1, max_size=60))
def test_the_shortcut_renders_what_the_parser_renders(text):
    if markup.is_plain(text):
        assert markup.render_markdown(text) == _slow_html(text)
        assert _slow_inert(text.strip()) or not text.strip()


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=ALLOWED, min_size=1, max_size=80))
def test_most_ordinary_notes_take_the_shortcut_and_agree(text):
    if markup.is_plain(text):
        assert markup.render_markdown(text) == _slow_html(text)


@pytest.mark.parametrize(
    "text",
    ["- a list", "+ a list", "1. first", "2) second", "# heading", "a *b*", "a_b_c", "`code`",
     "[x](http://e.example)", "<b>x</b>", "a & b", "a | b", "~~gone~~", " leading", "trailing ",
     "two\nlines", "---", "tab\there", "nbsp\u00a0here", "x\\y"],
)  # fmt: skip
def test_markdown_syntax_never_takes_the_shortcut(text):
    assert not markup.is_plain(text)


def test_ordinary_notes_do():
    for note in ("Matches the council minutes.", "Checked against the ministry's figures for 1990; "
                 "matches table 4.", 'He said "no" (twice) — 50% / $3?', "Ça a été vérifié"):  # fmt: skip
        assert markup.is_plain(note), note
        assert markup.render_markdown(note) == _slow_html(note)


def _slow_sanitize(html: str) -> str:
    return nh3.clean(html, tags=markup.ALLOWED_TAGS, attributes=markup.ALLOWED_ATTRIBUTES,
                     url_schemes=markup.ALLOWED_SCHEMES, link_rel="noopener noreferrer nofollow")  # fmt: skip


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.text(alphabet=ALLOWED + TRICKY, min_size=1, max_size=60))
def test_sanitize_passes_a_plain_paragraph_as_nh3_would(text):
    """The exports sanitize note HTML again; a plain note's own paragraph is returned as it
    is, which must be exactly what nh3 makes of it (and of anything else, nh3 decides)."""
    for html in (f"<p>{text}</p>\n", markup.render_markdown(text)):
        assert markup.sanitize(html) == _slow_sanitize(html)
