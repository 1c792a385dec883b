"""Turning what a person gives us (text, a file, HTML, a URL) into an article Source.

No database work happens here, so a URL fetch, an HTML parse or the claim splitter never
holds a write transaction open (HOSTILE.md §2.7): entry points prepare the Source first
(every ``from_*`` checks the text and splits it into claims), then call
``articles.import_article`` or ``versions.import_new_version`` in one short transaction,
which stores the split it is given and never waits on the splitter while other writers
wait on it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from factcheck.errors import N_, InvalidInput, TooLarge, UnsupportedType
from factcheck.net.policy import FetchPolicy
from factcheck.net.slots import fetch_slot
from factcheck.settings import settings_of
from factcheck.text import splitting
from factcheck.text.language import check_language, detect_language

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
# Leading bytes of common binary formats a file may be disguised as (HOSTILE IMP-03).
MAGIC = {
    b"\x89PNG": "PNG image", b"GIF8": "GIF image", b"\xff\xd8\xff": "JPEG image",
    b"%PDF": "PDF document", b"PK\x03\x04": "ZIP archive (or .docx)", b"\x7fELF": "program",
    b"\x1f\x8b": "gzip archive", b"MZ": "Windows program", b"Rar!": "RAR archive",
}  # fmt: skip
_LOOKS_HTML = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)


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
    body: str | None = None  # the text as stored: line endings normalised (prepare)
    language: str | None = None  # the language the claims were split by (given, else detected)
    split: splitting.SplitResult | None = field(default=None, compare=False, repr=False)


def normalise_body(text: str) -> str:
    """Line endings become \\n (documented); everything else is kept as evidence."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_article_text(text) -> str:
    limits = settings_of()
    if not isinstance(text, str):
        raise InvalidInput(N_("text must be a string"), errors={"text": N_("must be text")})
    if len(text) > limits.MAX_ARTICLE_CHARS:
        raise TooLarge(
            N_(
                "article is longer than %(max_article_chars)s characters",
                max_article_chars=limits.MAX_ARTICLE_CHARS,
            )
        )
    if "\x00" in text:
        raise InvalidInput(
            N_("article contains NUL characters"), errors={"text": N_("contains NUL characters")}
        )
    if not text.strip():
        raise InvalidInput(N_("article is empty"), errors={"text": N_("article is empty")})
    return text


def prepare(source: Source, language: str | None = None) -> Source:
    """The Source with its checked, normalised body split into claims by its language (the
    one given, else detected): call it before the write transaction (every ``from_*`` does).
    More than MAX_SENTENCES claims is refused."""
    source = _split(source, language)
    limit = settings_of().MAX_SENTENCES
    if len(source.split.claims) > limit:
        message = f"article has more than {limit:,} sentences: split it into several articles"
        raise InvalidInput(message, errors={"text": f"more than {limit:,} sentences"})
    return source


def split_of(source: Source, language: str | None = None) -> tuple[str, str, splitting.SplitResult]:
    """The body, language and claims of a prepared Source. Entry points prepare it in the
    language it will be stored in (the one given, or a corrected version's article's); a
    Source built by hand, or prepared in another language than ``language``, is split here,
    inside the caller's turn (tests/services/test_split_before_write.py holds them to it)."""
    source = _split(source, language)
    return source.body, source.language, source.split


def _split(source: Source, language: str | None = None) -> Source:
    wanted = check_language(language) if language else None
    if source.split is not None and (wanted is None or wanted == source.language):
        return source
    body = source.body or normalise_body(check_article_text(source.text))
    lang = wanted or source.language or detect_language(body)
    return replace(source, body=body, language=lang, split=splitting.analyze(body, language=lang))


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.match(text[:1000]))


def from_text(text, *, detect_html: bool = True, language: str | None = None) -> Source:
    """Pasted text (a pasted whole HTML document is extracted as HTML when detect_html)."""
    if not isinstance(text, str):
        raise InvalidInput(N_("text must be a string"), errors={"text": N_("must be text")})
    _check_size(text)
    if detect_html and looks_like_html(text):
        return from_html(text, language=language)
    return prepare(Source(text=text, raw=text, kind="text"), language)


def from_html(
    html,
    *,
    kind: str = "html",
    filename: str | None = None,
    url: str | None = None,
    language: str | None = None,
) -> Source:
    """HTML: main text and metadata extracted; the HTML itself kept as the raw input."""
    if not isinstance(html, str):
        raise InvalidInput(N_("html must be a string"), errors={"html": N_("must be text")})
    _check_size(html, limit=settings_of().MAX_UPLOAD_BYTES)
    if "\x00" in html:
        raise InvalidInput(
            N_("HTML contains NUL characters"), errors={"html": N_("contains NUL characters")}
        )
    from factcheck.text.html import extract_html  # lxml: 4 MiB per web worker, only for HTML

    doc = extract_html(html)
    return prepare(Source(text=doc.text, raw=html, kind=kind, filename=filename, title=doc.title, author=doc.author,
                          published_at=doc.published_at, site_name=doc.site_name, url=url or doc.canonical_url), language)  # fmt: skip


def from_file(data: bytes, filename: str | None, *, language: str | None = None) -> Source:
    """An uploaded .txt, .md or .html file: checked by content, not by extension alone."""
    name = (filename or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in TEXT_EXTENSIONS | HTML_EXTENSIONS:
        raise UnsupportedType(
            N_(
                "unsupported file type %(value)s: upload a .txt, .md or .html file",
                value=ext or "(no extension)",
            ),
            errors={"file": N_("use a .txt, .md or .html file")},
        )
    text = decode_bytes(data)
    if ext in HTML_EXTENSIONS:
        return from_html(text, kind="file", filename=filename, language=language)
    _check_size(text)
    return prepare(Source(text=text, raw=text, kind="file", filename=filename), language)


def fetch_url(url: str, policy: FetchPolicy):
    """net.fetch.fetch_url, imported when a URL is first fetched: a worker that never
    imports from the web does not carry the HTTP transport (httpcore, about 1 MiB)."""
    from factcheck.net import fetch

    return fetch.fetch_url(url, policy)


def from_url(url, policy: FetchPolicy, *, language: str | None = None, slot: bool = True) -> Source:
    """Fetch a page with the SSRF-safe fetcher, then extract it. ``slot``: take one of the
    server-wide fetch slots first (a request's fetch); a background job (services.url_imports)
    is capped by its kind instead."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput(N_("url is required"), errors={"url": N_("required")})
    limits = settings_of()
    if slot:
        # One of a few server-wide slots, or 503 at once: slow publishers never hold every worker.
        with fetch_slot(Path(limits.INSTANCE_PATH) / "fetch-slots", limits.FETCH_MAX_CONCURRENT):
            fetched = fetch_url(url.strip(), policy)
    else:
        fetched = fetch_url(url.strip(), policy)
    if fetched.is_html:
        return from_html(fetched.text, kind="url", url=fetched.url, language=language)
    _check_size(fetched.text)
    return prepare(
        Source(text=fetched.text, raw=fetched.text, kind="url", url=fetched.url), language
    )


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
        raise TooLarge(
            N_(
                "file is larger than %(max_upload_bytes)s bytes",
                max_upload_bytes=limits.MAX_UPLOAD_BYTES,
            )
        )
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedType(
                N_("unsupported file type: this looks like a %(kind)s, not text", kind=kind)
            )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                N_("file is not valid UTF-16 (byte %(start)s)", start=exc.start)
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            N_(
                "file is not valid UTF-8 (byte %(start)s); save it as UTF-8 and try again",
                start=exc.start,
            ),
            errors={"file": N_("not valid UTF-8 at byte %(start)s", start=exc.start)},
        ) from None


def _check_size(text: str, *, limit: int | None = None) -> None:
    limit = limit or settings_of().MAX_ARTICLE_CHARS
    if len(text) > limit:
        raise TooLarge(N_("article is longer than %(limit)s characters", limit=limit))
