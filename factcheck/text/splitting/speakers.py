"""Speakers across sentences: pronouns, quotations and continued accounts.

A sentence's own attribution wins. "he said" refers back to the last named person
("they" to a group or organisation, "it" to an organisation). Every sentence of a
quotation gets the quotation's speaker, found in any of its sentences. A quotation
without attribution that opens a paragraph continues the account of the last source
(or the speaker announced by a colon line before it); one inside a paragraph takes the
speaker of the sentence before it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from factcheck.text.splitting.attribution import QUOTE, Attribution, find_attribution, has_cue
from factcheck.text.splitting.phrases import speaker_category

_DOC_NOUNS = "letter|statement|note|email|e-mail|message|post|tweet|memo|speech|interview|report"
_NAME = r"((?:[A-Z]\.\s?)*[A-Z][\w’'\-]+(?:\s+(?:[A-Z]\.\s?)*[A-Z][\w’'\-]+){0,3})"
_DOC_FROM = re.compile(rf"\b(?:{_DOC_NOUNS})s?\s+(?:from|by|of)\s+{_NAME}")
_THE_DOC = re.compile(rf"\b(?:the|this|that)\s+({_DOC_NOUNS})\b", re.I)
_INTRO_VERB = re.compile(
    rf"{_NAME}\s+(?:\w+ly\s+)?(?:said|wrote|added|says|writes|adds|told|posted|tweeted|stated"
    r"|explained|noted|declared)\b"
)
_LOOKBACK_PARAS = 2
_DOC_WINDOW = 5000  # characters back to the document a colon line names


@dataclass(slots=True)
class Sentence:
    """A sentence with its quotation facts, filled in by the engine."""

    start: int
    end: int
    para: int
    quoted: int = 0  # characters inside quotation marks
    regions: list[int] | tuple = ()
    starts_inside: bool = False
    lead_quote: bool = False  # the sentence opens with (or inside) a quotation
    masked: str = ""
    speaker: str | None = None
    own: str | None = None
    score: float = 0.0
    reasons: tuple[str, ...] = ()


def assign_speakers(body: str, sents: list[Sentence]) -> None:
    """Fill in each sentence's speaker."""
    _resolve_own(sents)
    region_of: dict[int, list[int]] = {}
    for idx, s in enumerate(sents):
        for r in s.regions:
            region_of.setdefault(r, []).append(idx)
    region_speaker: dict[int, str | None] = {}
    intro: tuple[int, str] | None = None
    doc_index: _DocIndex | None = None
    last: tuple[int, str] | None = None  # paragraph and speaker of the last attribution
    for idx, s in enumerate(sents):
        for r in s.regions:
            if r not in region_speaker:
                region_speaker[r] = _region_speaker(sents, region_of[r], idx, intro, last)
        if body[s.end - 1] == ":":
            if doc_index is None:
                doc_index = _DocIndex(body)
            found = _intro_speaker(s, body[s.start : s.end], doc_index)
            intro = (idx, found) if found else None
            continue
        if s.own is not None:
            s.speaker = s.own
        elif s.regions:
            s.speaker = next((region_speaker[r] for r in s.regions if region_speaker[r]), None)
        if s.speaker:
            last = (s.para, s.speaker)


_WANTED = {"person": {"person"}, "group": {"group", "org"}, "org": {"org", "doc"}}
_NEAR = {"person": 10**9, "group": 2, "org": 2}  # paragraphs a pronoun may reach back


def _resolve_own(sents: list[Sentence]) -> None:
    history: dict[str, tuple[int, str, int]] = {}  # category -> (order, name, paragraph)
    for order, s in enumerate(sents):
        if not s.masked or not has_cue(s.masked):
            continue
        att = find_attribution(s.masked)
        if att is None:
            continue
        s.own = _resolve(att, history, s.para, order)


def _resolve(
    att: Attribution, history: dict[str, tuple[int, str, int]], para: int, order: int
) -> str | None:
    """The speaker as written, or the one a pronoun refers back to.

    A pronoun takes the most recent speaker of a category it can stand for, if that one is
    near enough (the last speaker of each category is kept: no rescan of the history).
    """
    cat = speaker_category(att.speaker)
    if att.speaker.lower() in ("he", "she", "they", "it"):
        found = max((history[c] for c in _WANTED[cat] if c in history), default=None)
        if found is None or para - found[2] > _NEAR[cat]:
            return None
        return found[1]
    if cat == "narrator":
        return None
    history[cat] = (order, att.speaker, para)
    return att.speaker


def _region_speaker(sents, members, idx, intro, last) -> str | None:
    for m in members:
        if sents[m].own:
            return sents[m].own
    first = sents[members[0]]
    if intro and intro[0] == idx - 1 and first.lead_quote:
        return intro[1]  # announced by the colon line just before
    opens_paragraph = idx == 0 or sents[idx - 1].para != first.para
    if opens_paragraph and first.lead_quote:
        if last and first.para - last[0] <= _LOOKBACK_PARAS:
            return last[1]
        return None
    if opens_paragraph:
        return None
    prev = sents[idx - 1]
    return prev.speaker if prev.para == first.para else None


def _intro_speaker(s: Sentence, text: str, doc_index: _DocIndex) -> str | None:
    """Who speaks in the quotation a colon line announces ('X added the following note:')."""
    masked = s.masked or text
    m = _INTRO_VERB.search(masked.replace(QUOTE, " "))
    if m:
        return m.group(1)
    m = _DOC_FROM.search(text)
    if m:
        return m.group(1)
    m = _THE_DOC.search(text)
    if not m:
        return None
    return doc_index.last(m.group(1).lower(), s.start)


class _DocIndex:
    """Every "statement from X" of a body, found in one pass, looked up by bisection."""

    def __init__(self, body: str) -> None:
        self.by_noun: dict[str, tuple[list[int], list[str]]] = {}
        for hit in _DOC_FROM.finditer(body):
            noun = re.match(r"[\w-]+", hit.group()).group().lower().rstrip("s")
            ends, names = self.by_noun.setdefault(noun, ([], []))
            ends.append(hit.end())
            names.append(hit.group(1))

    def last(self, noun: str, before: int) -> str | None:
        """The name of the last such document ending before `before`, within the window."""
        ends, names = self.by_noun.get(noun.rstrip("s"), ((), ()))
        k = bisect_right(ends, before) - 1
        if k < 0 or ends[k] < before - _DOC_WINDOW:
            return None
        return names[k]
