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


def assign_speakers(body: str, sents: list[Sentence], lang=None) -> None:
    """Fill in each sentence's speaker (a language's Profile finds its attributions)."""
    _resolve_own(sents, lang)
    region_of: dict[int, list[int]] = {}
    for idx, s in enumerate(sents):
        for r in s.regions:
            region_of.setdefault(r, []).append(idx)
    region_speaker: dict[int, str | None] = {}
    intro: tuple[int, str] | None = None
    last: tuple[int, str] | None = None  # paragraph and speaker of the last attribution
    for idx, s in enumerate(sents):
        for r in s.regions:
            if r not in region_speaker:
                region_speaker[r] = _region_speaker(sents, region_of[r], idx, intro, last)
        if body[s.end - 1] == ":":
            found = _intro_speaker(body, s, body[s.start : s.end])
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


def _resolve_own(sents: list[Sentence], lang=None) -> None:
    history: list[tuple[str, str, int]] = []
    cue = has_cue if lang is None else lambda m: lang.has_cue(m.lower())
    find = find_attribution if lang is None else lang.find_attribution
    for s in sents:
        if not s.masked or not cue(s.masked):
            continue
        att = find(s.masked)
        if att is None:
            continue
        s.own = _resolve(att, history, s.para)


def _resolve(att: Attribution, history: list[tuple[str, str, int]], para: int) -> str | None:
    """The speaker as written, or the one a pronoun refers back to."""
    cat = speaker_category(att.speaker)
    if att.speaker.lower() in ("he", "she", "they", "it"):
        for name, c, p in reversed(history):
            if para - p > _NEAR[cat]:
                return None
            if c in _WANTED[cat]:
                return name
        return None
    if cat == "narrator":
        return None
    history.append((att.speaker, cat, para))
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


def _intro_speaker(body: str, s: Sentence, text: str) -> str | None:
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
    noun = m.group(1).lower()
    lo = max(0, s.start - 5000)
    found = None
    for hit in _DOC_FROM.finditer(body, lo, s.start):
        if hit.group().lower().startswith(noun):
            found = hit.group(1)
    return found
