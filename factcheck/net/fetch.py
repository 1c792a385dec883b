"""Fetch one page from the public internet, safely (HOSTILE.md §2.14, IMP-13 … IMP-19).

Every hop goes through ``client.request`` (resolve once, check every address, connect to a
checked one, one total deadline for the whole fetch); redirects are followed here by hand,
each new URL parsed and checked like the first; the body is capped after decompression.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from factcheck.errors import N_, InvalidInput, SourceUnreachable, UnsupportedType
from factcheck.net import client
from factcheck.net.body import read_body
from factcheck.net.policy import FetchPolicy, Target, check_characters, parse_url
from factcheck.net.transport import Clock, Response

USER_AGENT = "Factcheck/1.0 (+fact-checking desk)"
HEADERS = (
    ("User-Agent", USER_AGENT),
    ("Accept", "text/html, text/plain;q=0.9"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Connection", "close"),
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
_LOOKS_HTML = re.compile(rb"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE
)
# Labels a browser reads as windows-1252 (WHATWG Encoding), and labels never honoured.
_WINDOWS_1252 = {
    "iso-8859-1",
    "iso8859-1",
    "latin1",
    "latin-1",
    "l1",
    "us-ascii",
    "ascii",
    "windows-1252",
    "cp1252",
}
_REFUSED_CODECS = {"utf-7", "utf_7"}


@dataclass(frozen=True)
class Fetched:
    """A fetched page: final URL, media type as labelled, decoded text, and whether it is HTML."""

    url: str
    content_type: str
    text: str
    is_html: bool


def fetch_url(url: str, policy: FetchPolicy = FetchPolicy()) -> Fetched:  # noqa: B008 - frozen, immutable
    """Fetch ``url`` under ``policy``; raise a domain error for anything unsafe, slow, big or odd."""
    clock = Clock(policy.deadline)
    seen: set[str] = set()
    for hop in range(policy.max_redirects + 1):
        try:
            target = parse_url(
                url, allowed_ports=policy.allowed_ports, max_chars=policy.max_url_chars
            )
            if target.url in seen:
                raise InvalidInput(N_("redirect loop"), errors={"url": N_("redirect loop")})
            seen.add(target.url)
            response = client.request("GET", target, policy=policy, clock=clock, headers=HEADERS)
        except InvalidInput as exc:  # a URL or an address the policy refuses
            if hop == 0:
                raise
            message = N_("redirect refused: %(why)s", why=exc.detail)
            raise InvalidInput(message, errors={"url": message}) from None
        with response:
            if response.status in REDIRECTS:
                url = _next_url(target, response)
                continue
            if not 200 <= response.status < 300:
                raise SourceUnreachable(
                    N_("source answered HTTP %(status)s", status=response.status)
                )
            media_type, charset = _content_type(response.header("content-type"))
            body = read_body(response, policy.max_bytes)
        is_html = media_type in HTML_TYPES or (media_type == "text/plain" and _looks_html(body))
        return Fetched(target.url, media_type, _decode(body, charset, is_html), is_html)
    message = N_("too many redirects (more than %(max)s)", max=policy.max_redirects)
    raise InvalidInput(message, errors={"url": message})


def _next_url(target: Target, response: Response) -> str:
    raw = response.header("location")
    if not raw:
        raise SourceUnreachable(
            N_("source answered HTTP %(status)s without a Location", status=response.status)
        )
    try:
        location = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        location = raw
    try:
        check_characters(location)  # before urljoin, which silently drops tabs and newlines
    except InvalidInput as exc:
        message = N_("redirect refused: %(why)s", why=exc.detail)
        raise InvalidInput(message, errors={"url": message}) from None
    return urljoin(target.url, location)


def _content_type(value: str | None) -> tuple[str, str | None]:
    media_type, _, params = (value or "").partition(";")
    media_type = media_type.strip().lower()
    if media_type not in HTML_TYPES | TEXT_TYPES:
        shown = media_type[:60] or "none given"
        raise UnsupportedType(
            N_(
                "unsupported content type (%(type)s): import an HTML or plain-text page", type=shown
            ),
            errors={"url": N_("unsupported content type (%(type)s)", type=shown)},
        )
    charset = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", params, re.IGNORECASE)
    return media_type, charset.group(1) if charset else None


def _looks_html(body: bytes) -> bool:
    start = body[:1024].removeprefix(codecs.BOM_UTF8)
    return bool(_LOOKS_HTML.match(start))


def _decode(body: bytes, charset: str | None, is_html: bool) -> str:
    """BOM first, then the header's charset, then <meta charset>, then UTF-8; never replaced silently."""
    if body.startswith(codecs.BOM_UTF8):
        name, body, offset = "utf-8", body[3:], 3
    elif body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        name, offset = "utf-16", 0
    else:
        meta = _META_CHARSET.search(body[:1024]) if is_html and not charset else None
        name, offset = (
            _codec(charset or (meta and meta.group(1).decode("ascii")), from_meta=bool(meta)),
            0,
        )
    try:
        text = body.decode(name)
    except UnicodeDecodeError as exc:
        if (
            name == "cp1252"
        ):  # the five bytes cp1252 leaves undefined: read as Latin-1, as browsers do
            text = body.decode("latin-1")
        else:
            message = N_(
                "source is not valid %(encoding)s (byte %(byte)s)",
                encoding=name.upper(),
                byte=exc.start + offset,
            )
            raise InvalidInput(message, errors={"url": message}) from None
    if "\x00" in text:
        message = N_(
            "source contains NUL characters (character %(index)s)", index=text.index(chr(0))
        )
        raise InvalidInput(message, errors={"url": message})
    return text


def _codec(label: str | None, *, from_meta: bool) -> str:
    label = (label or "utf-8").strip().lower()
    if label in _WINDOWS_1252:
        return "cp1252"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return "utf-8"  # unknown label: the default, still checked strictly
    if info.name in _REFUSED_CODECS or not getattr(info, "_is_text_encoding", True):
        return "utf-8"
    if from_meta and info.name.startswith("utf-16"):
        return "utf-8"  # a <meta> readable as ASCII cannot be UTF-16 (WHATWG)
    return info.name
