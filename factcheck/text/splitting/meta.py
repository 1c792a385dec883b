"""Article metadata from the furniture: title, byline, dates, publishers, captions."""

from __future__ import annotations

import re

from factcheck.text.splitting import lexicon as L
from factcheck.text.splitting import patterns as P
from factcheck.text.splitting.furniture import reprint_source
from factcheck.text.splitting.layout import Line
from factcheck.text.splitting.model import ArticleMeta

_BY = re.compile(r"^\(?(?:by|written by|story by|words by|posted by|author:)\s+", re.I)
_FOR = re.compile(r"\s+(?:for|of)\s+(?:the\s+)?([A-Z][\w&.\- ]+)$")
_MDY = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def build_meta(lines: list[Line], dateline: tuple[str, str | None] | None) -> ArticleMeta:
    """Collect metadata from marked lines and the dateline (place, agency)."""
    byline = publisher = original = published = None
    captions = []
    for line in lines:
        kind, text = line.kind, line.text
        if kind == "byline" and byline is None and _BY.match(text):
            byline = _BY.sub("", text).strip("() ")
            m = _FOR.search(byline)
            if m:
                publisher = publisher or m.group(1).strip()
                byline = byline[: m.start()].strip()
        elif kind == "byline" and P.AGENCY_LINE.fullmatch(text):
            publisher = publisher or _agency(text.strip(" .").removeprefix("The "))
        elif kind == "reprint" and original is None:
            original = reprint_source(text)
        elif kind == "caption":
            captions.append(text)
        elif kind == "date" and published is None:
            published = iso_date(text)
    place = agency = None
    if dateline:
        place, agency = dateline
        publisher = publisher or (agency and _agency(agency))
    return ArticleMeta(
        title=_title(lines),
        publisher=publisher,
        original_publisher=original,
        byline=byline,
        published_at=published,
        dateline=place,
        captions=tuple(captions),
    )


def _agency(name: str) -> str:
    return L.AGENCIES.get(name.lower(), name)


def _title(lines: list[Line]) -> str | None:
    """The headline: the first content line standing alone as a paragraph, if short."""
    for i, line in enumerate(lines):
        if line.kind is not None:
            continue
        alone = (i + 1 == len(lines) or lines[i + 1].para != line.para) and (
            i == 0 or lines[i - 1].para != line.para or lines[i - 1].kind is not None
        )
        headline = line.text[-1] not in ".:" and len(line.text.split()) <= 30
        if (alone or headline) and len(line.text.split()) <= 30:
            return line.text
        return None
    return None


def iso_date(text: str) -> str | None:
    """The first date in text as ISO 'YYYY-MM-DD', or None."""
    m = P.DATE.search(text)
    if not m:
        return None
    s = m.group()
    if iso := _ISO.match(s):
        return iso.group()
    for rx, order in ((_MDY, "mdy"), (_DMY, "dmy")):
        d = rx.match(s)
        if d:
            a, b, year = d.groups()
            month, day = (a, b) if order == "mdy" else (b, a)
            num = L.MONTHS.get(month.lower().rstrip("."))
            if num and 1 <= int(day) <= 31:
                return f"{year}-{num:02d}-{int(day):02d}"
    return None
