"""Turning what a person gives us (text, a file, HTML, a URL) into an article Source.

No database work happens here, so a URL fetch or an HTML parse never holds a write
transaction open (HOSTILE.md §2.7): entry points prepare the Source first, then call
``articles.import_article`` in one short transaction.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from factcheck.errors import InvalidInput, TooLarge, UnsupportedType
from factcheck.net.policy import FetchPolicy
from factcheck.settings import settings_of
from factcheck.text import splitting

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
# Leading bytes of common binary formats a file may be disguised as (HOSTILE IMP-03).
MAGIC = {
    b"\x89PNG": "PNG image", b"GIF8": "GIF image", b"\xff\xd8\xff": "JPEG image",
    b"%PDF": "PDF document", b"PK\x03\x04": "ZIP archive (or .docx)", b"\x7fELF": "program",
    b"\x1f\x8b": "gzip archive", b"MZ": "Windows program", b"Rar!": "RAR archive",
}  # fmt: skip
_LOOKS_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
# Every sentence ends at one of these marks, a list marker (" 2." / " b)") or a line end, so
# counting them bounds the number of sentences from above without running the splitter.
_SENTENCE_MARKS = re.compile(r"[.!?…•⁃▪‣◦●■]|(?<= )(?:\d{1,3}|[A-Za-z])(?:\.\)|\)|\.)(?=\s)")
_LINES = re.compile(r"[^\r\n]+")


@dataclass(frozen=True)
class Source:
    """An article's input, decoded: the text claims are split from, and what we found."""

    text: str  # plain text (extracted from HTML when the input was HTML)
    raw: str  # the input exactly as given, kept unchanged
    kind: str  # text | file | html | url
    filename: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: str | None = None
    site_name: str | None = None
    url: str | None = None


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.match(text[:1000]))


def from_text(text, *, detect_html: bool = True) -> Source:
    """Pasted text (a pasted whole HTML document is extracted as HTML when detect_html)."""
    if not isinstance(text, str):
        raise InvalidInput("text must be a string", errors={"text": "must be text"})
    _check_size(text)
    if detect_html and looks_like_html(text):
        return from_html(text)
    _check_sentences(text)
    return Source(text=text, raw=text, kind="text")


def from_html(
    html, *, kind: str = "html", filename: str | None = None, url: str | None = None
) -> Source:
    """HTML: main text and metadata extracted; the HTML itself kept as the raw input."""
    if not isinstance(html, str):
        raise InvalidInput("html must be a string", errors={"html": "must be text"})
    _check_size(html, limit=settings_of().MAX_UPLOAD_BYTES)
    if "\x00" in html:
        raise InvalidInput(
            "HTML contains NUL characters", errors={"html": "contains NUL characters"}
        )
    from factcheck.text.html import extract_html  # lxml: 4 MiB per web worker, only for HTML

    doc = extract_html(html)
    _check_sentences(doc.text)
    return Source(text=doc.text, raw=html, kind=kind, filename=filename, title=doc.title, author=doc.author,
                  published_at=doc.published_at, site_name=doc.site_name, url=url or doc.canonical_url)  # fmt: skip


def from_file(data: bytes, filename: str | None) -> Source:
    """An uploaded .txt, .md or .html file: checked by content, not by extension alone."""
    name = (filename or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in TEXT_EXTENSIONS | HTML_EXTENSIONS:
        raise UnsupportedType(
            f"unsupported file type {ext or '(no extension)'}: upload a .txt, .md or .html file",
            errors={"file": "use a .txt, .md or .html file"},
        )
    text = decode_bytes(data)
    if ext in HTML_EXTENSIONS:
        return from_html(text, kind="file", filename=filename)
    _check_size(text)
    _check_sentences(text)
    return Source(text=text, raw=text, kind="file", filename=filename)


def fetch_url(url: str, policy: FetchPolicy):
    """net.fetch.fetch_url, imported when a URL is first fetched: a worker that never
    imports from the web does not carry the HTTP transport (httpcore, about 1 MiB)."""
    from factcheck.net import fetch

    return fetch.fetch_url(url, policy)


def from_url(url, policy: FetchPolicy) -> Source:
    """Fetch a page with the SSRF-safe fetcher, then extract it."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("url is required", errors={"url": "required"})
    fetched = fetch_url(url.strip(), policy)
    if fetched.is_html:
        return from_html(fetched.text, kind="url", url=fetched.url)
    _check_size(fetched.text)
    _check_sentences(fetched.text)
    return Source(text=fetched.text, raw=fetched.text, kind="url", url=fetched.url)


def fetch_policy() -> FetchPolicy:
    """The configured URL-import policy (HOSTILE.md §1: 5 MB, 15 s, 5 redirects)."""
    limits = settings_of()
    return FetchPolicy(allowed_addresses=limits.FETCH_ALLOWED_ADDRESSES, allowed_ports=limits.FETCH_ALLOWED_PORTS,
                       max_bytes=limits.FETCH_MAX_BYTES, deadline=float(limits.FETCH_DEADLINE_SECONDS),
                       max_url_chars=limits.MAX_URL_CHARS)  # fmt: skip


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM stripped) or UTF-16 with a BOM; anything else is refused, naming the byte."""
    limits = settings_of()
    if len(data) > limits.MAX_UPLOAD_BYTES:
        raise TooLarge(f"file is larger than {limits.MAX_UPLOAD_BYTES} bytes")
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedType(f"unsupported file type: this looks like a {kind}, not text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"file is not valid UTF-16 (byte {exc.start})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"file is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and try again",
            errors={"file": f"not valid UTF-8 at byte {exc.start}"},
        ) from None


def _check_sentences(text: str) -> None:
    """Refuse an article of more than MAX_SENTENCES sentences, before any database work.

    A cheap upper bound first; only text past it is split to count exactly.
    """
    limit = settings_of().MAX_SENTENCES
    marks = sum(1 for _ in _SENTENCE_MARKS.finditer(text))
    if marks + sum(1 for _ in _LINES.finditer(text)) <= limit:
        return
    body = text.replace("\r\n", "\n").replace("\r", "\n")  # as the import normalises it
    if len(splitting.analyze(body).claims) > limit:
        message = f"article has more than {limit:,} sentences: split it into several articles"
        raise InvalidInput(message, errors={"text": f"more than {limit:,} sentences"})


def _check_size(text: str, *, limit: int | None = None) -> None:
    limit = limit or settings_of().MAX_ARTICLE_CHARS
    if len(text) > limit:
        raise TooLarge(f"article is longer than {limit} characters")
