"""Lines, paragraphs and text units of an article body.

A unit is a run of content lines that read as one text: lines of a hard-wrapped
paragraph, or a line whose sentence runs on into a lower-case next line. Every
other line break is a boundary (headlines, list items and question/answer lines
end without a stop).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]+")
_TERMINAL_END = frozenset('.!?:;…"”’)]»')
_SOFT_END = frozenset(",(—–-/&")
_SENTENCE_END = (".", "!", "?", "…")
_CLOSERS = "\"'”’»)]"
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[A-Za-z])(?:\.\)|\)|\.)\s")


@dataclass(slots=True)
class Line:
    """A non-blank line: its trimmed span, paragraph number and furniture kind."""

    start: int
    end: int
    text: str
    para: int
    kind: str | None = None  # boilerplate kind, None for content


@dataclass(slots=True)
class Unit:
    """A span of content text whose sentences are split together."""

    start: int
    end: int
    para: int


def scan_lines(body: str) -> list[Line]:
    """Non-blank lines with trimmed spans; a blank line starts a new paragraph."""
    lines: list[Line] = []
    para = -1
    prev_end = 0
    for m in _LINE.finditer(body):
        raw = m.group()
        stripped = raw.strip()
        if not stripped:
            continue
        gap = body[prev_end : m.start()]
        breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
        if para < 0 or breaks >= 2:
            para += 1
        lead = len(raw) - len(raw.lstrip())
        start = m.start() + lead
        lines.append(Line(start, start + len(stripped), stripped, para))
        prev_end = m.end()
    return lines


def build_units(lines: list[Line]) -> list[Unit]:
    """Join content lines into units; furniture lines and paragraph ends separate them."""
    units: list[Unit] = []
    i, n = 0, len(lines)
    while i < n:
        j = i
        while j < n and lines[j].para == lines[i].para:
            j += 1
        _units_of_paragraph(lines[i:j], units)
        i = j
    return units


def _units_of_paragraph(para: list[Line], out: list[Unit]) -> None:
    wrapped = _is_hard_wrapped(para)
    current: Unit | None = None
    prev: Line | None = None
    for line in para:
        if line.kind is not None:
            current, prev = None, None
            continue
        if current is not None and prev is not None and (wrapped or _joins(prev.text, line.text)):
            current.end = line.end
        else:
            current = Unit(line.start, line.end, line.para)
            out.append(current)
        prev = line


def _joins(prev: str, nxt: str) -> bool:
    """A line break inside a sentence: no stop before it and a lower-case word after."""
    last = prev[-1]
    if last in _TERMINAL_END:
        return False
    first = nxt[0]
    if not (first.islower() or first.isdigit()) or _LIST_MARKER.match(nxt):
        return False
    if last in _SOFT_END:
        return True
    # Short lines in a column ("features", "contact manager") are items of a list.
    return prev.count(" ") >= 2


def _is_hard_wrapped(para: list[Line]) -> bool:
    """Several lines of similar width, most not ending a sentence: a wrapped paragraph."""
    content = [ln for ln in para if ln.kind is None]
    if len(content) < 3:
        return False
    body = content[:-1]
    widths = [len(ln.text) for ln in body]
    if min(widths) < 35 or max(widths) > 110 or max(widths) - min(widths) > 45:
        return False
    open_ends = sum(1 for ln in body if ln.text[-1] not in _TERMINAL_END)
    if open_ends * 2 < len(body):
        return False
    # Wrapping breaks lines wherever a word ends: somewhere the next line goes on in lower
    # case, or the line stops on a comma. A headline over its subheadline over the story's
    # first sentence has neither, and ends on a sentence: each line is a unit of its own.
    # (A column of teaser headlines with no sentence under it stays one unit, for the
    # furniture rules to judge.)
    if not content[-1].text.rstrip(_CLOSERS).endswith(_SENTENCE_END):
        return True
    pairs = list(zip(content, content[1:], strict=False))
    return any(nxt.text[0].islower() or nxt.text[0].isdigit() or ln.text[-1] in _SOFT_END
               for ln, nxt in pairs)  # fmt: skip
