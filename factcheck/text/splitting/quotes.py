"""Quotation tracking across sentences and paragraphs.

Straight quotes are read from their surroundings: space before and a word after opens,
a word before and space or punctuation after closes, and a straight quote with space
on both sides stands for a dash (a mangled "—"). A paragraph that ends inside an
open double quote continues the same quotation when the next paragraph reopens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKS = re.compile(r"[\"“”„«»‘’'‚]")
# German and Czech quotation marks: „low-high“ and ‚low-high‘ (the high mark closes)
_LOW_CLOSER = {"„": "“", "‚": "‘"}
_LEFT_SPACE = frozenset("([{—–-/")
_RIGHT_SPACE = frozenset(".,;:!?)]}—–-…")
OPENERS = frozenset('"“„«')


@dataclass(slots=True)
class QuoteSpan:
    """A stretch of quoted text inside one unit, part of quotation `region`."""

    start: int
    end: int
    region: int
    closed: bool


@dataclass
class QuoteTracker:
    """Feeds units in document order and returns the quoted spans of each."""

    regions: int = 0
    _open: int | None = None  # region of the open double quote
    _open_at: int = 0
    _single: int | None = None
    _single_at: int = 0
    _continuing: bool = False
    _low: str = ""  # the closer an open „ or ‚ awaits
    _low_single: str = ""
    spans: list[QuoteSpan] = field(default_factory=list)

    def is_open(self) -> bool:
        """Is a quotation open (continued from an earlier unit)?"""
        return self._open is not None or self._single is not None

    def new_paragraph(self, body: str, start: int) -> None:
        """Close what a paragraph left open unless the next paragraph reopens the quote."""
        self._single = None
        if self._open is not None and body[start] in OPENERS:
            self._continuing = True
        else:
            self._open = None

    def feed(self, body: str, start: int, end: int) -> list[QuoteSpan]:
        """Quoted spans of body[start:end]."""
        out: list[QuoteSpan] = []
        if self._open is not None:
            self._open_at = start
        if self._single is not None:
            self._single_at = start
        for m in _MARKS.finditer(body, start, end):
            i = m.start()
            role = _role(body, i, start, end)
            mark = m.group()
            if mark in "‘’'‚":
                if mark == "‘" and self._low_single == "‘" and self._single is not None:
                    role = "close"
                self._single_mark(role, i, out)
                if role == "open" and self._single_at == i:
                    self._low_single = _LOW_CLOSER.get(mark, "")
            else:
                if mark == "“" and self._low == "“" and self._open is not None:
                    role = "close"
                self._double_mark(role, i, out)
                if role == "open" and self._open_at == i:
                    self._low = _LOW_CLOSER.get(mark, "")
        if self._single is not None and self._open is None:
            out.append(QuoteSpan(self._single_at, end, self._single, False))
        if self._open is not None:
            out.append(QuoteSpan(self._open_at, end, self._open, False))
        out.sort(key=lambda s: s.start)
        return out

    def _double_mark(self, role: str, i: int, out: list[QuoteSpan]) -> None:
        if self._continuing:
            self._continuing = False
            if role == "open":
                return  # the reopening mark of a continued quotation
        if role == "open" or (role == "toggle" and self._open is None):
            if self._open is not None:  # never closed: end it here
                out.append(QuoteSpan(self._open_at, i, self._open, True))
            self._open, self._open_at = self._new_region(), i
        elif role in ("close", "toggle") and self._open is not None:
            out.append(QuoteSpan(self._open_at, i + 1, self._open, True))
            self._open = None
            self._single = None

    def _single_mark(self, role: str, i: int, out: list[QuoteSpan]) -> None:
        if role == "open" and self._single is None:
            self._single = self._open if self._open is not None else self._new_region()
            self._single_at = i
        elif role == "close" and self._single is not None:
            if self._open is None:
                out.append(QuoteSpan(self._single_at, i + 1, self._single, True))
            self._single = None

    def _new_region(self) -> int:
        self.regions += 1
        return self.regions


def _role(body: str, i: int, start: int, end: int) -> str:
    """'open', 'close', 'toggle' or 'none' for the quote mark at i."""
    ch = body[i]
    prev = body[i - 1] if i > start else " "
    nxt = body[i + 1] if i + 1 < end else " "
    left = prev.isspace() or prev in _LEFT_SPACE or prev in '“"‘'
    right = nxt.isspace() or nxt in _RIGHT_SPACE or nxt in '”"’'
    if ch in "«»" and (side := _guillemet(prev, nxt)):
        return side
    if ch in "“„«‘‚":
        return "open" if not prev.isalnum() else "none"
    if ch in "”»":
        return "close"
    if ch == "’":
        return "close" if not (prev.isalnum() and nxt.isalnum()) and not left else "none"
    if ch == "'":
        if left and nxt.isalpha():
            return "open"
        return "close" if not left and not nxt.isalnum() else "none"
    if left and right:
        return "none"  # stands for a dash
    if left:
        return "open"
    return "close" if right else "toggle"


def _guillemet(prev: str, nxt: str) -> str | None:
    """A guillemet by its sides: glued to the word after it opens, glued to the word or
    stop before it closes, whichever way it points: «así» (Spanish, Portuguese),
    »so« (German books and magazines), „Berufung.« Das" (Swiss). Spaced on both sides
    (« ainsi », French) it keeps its usual role."""
    if nxt.isalnum() and not prev.isalnum():
        return "open"
    if not nxt.isalnum() and (prev.isalnum() or prev in ".!?…"):
        return "close"
    return None


def title_spans(spans: list[QuoteSpan], body: str, min_content: int = 1) -> list[tuple[int, int]]:
    """Closed quotations that are titles ("How to Spot Fake News"): never split inside.
    Where every noun is capitalised (German), one capitalised word is no title („Das ist
    ein Skandal!“): min_content of them are needed.

    Sorted and disjoint (overlaps merged), so a position is looked up by bisection.
    """
    out: list[tuple[int, int]] = []
    if not spans:
        return out
    for s in spans:
        if not s.closed or s.end - s.start > 200:
            continue
        words = re.findall(r"[A-Za-z][\w’'-]*", body[s.start : s.end])
        content = [w for w in words if len(w) > 3]
        if len(words) >= 3 and len(content) >= min_content and all(w[0].isupper() for w in content):
            if out and s.start < out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], s.end))
            else:
                out.append((s.start, s.end))
    return out
