"""Safe rendering of user-written Markdown.

Markdown is not a sanitizer (HOSTILE.md §2.12): notes are rendered with markdown-it, then
the HTML goes through nh3 with an allowlist of tags, attributes and URL schemes.
No Flask import: reports and templates share it.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False})
    .enable("table")
    .enable("strikethrough")
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


# One line of letters, digits, spaces and punctuation that starts no Markdown construct
# anywhere: no * _ ` [ ] < > & # | ~ \\ = +, no line breaks, and it does not begin with a
# digit, "-" or a space (lists, thematic breaks, code). Such a note renders as one plain
# paragraph; most reviewers' notes are like this, and parsing them dominated exports of
# big reports. tests/test_markup.py checks the shortcut against the parser on random text.
_PLAIN = re.compile(r"(?![\d\s-])(?:[^\W_]|[ ,.;:'\"?!()%$/@\u2013\u2014-])+(?<! )")


def is_plain(text: str) -> bool:
    """True when ``text`` means exactly what it says in Markdown (one plain paragraph)."""
    return _PLAIN.fullmatch(text) is not None


def render_markdown(text: str | None) -> str:
    """Render Markdown to sanitized HTML (only http/https/mailto links, no scripts)."""
    if not text:
        return ""
    if is_plain(text):
        return f"<p>{text}</p>\n"  # nothing to escape: no & < >
    return sanitize(_md.render(text))


def sanitize(html: str | None) -> str:
    """HTML through the note allowlist (idempotent on clean input): the one sanitiser."""
    if not html:
        return ""
    if html.startswith("<p>") and html.endswith("</p>\n") and is_plain(html[3:-5]):
        return html  # render_markdown's own plain paragraph: already what nh3 gives back
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
