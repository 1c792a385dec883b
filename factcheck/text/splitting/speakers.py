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

from factcheck.text.splitting import lexicon as L
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
# How sure a speaker is, by how it was found. Next to a quotation ('"...," Smith said')
# is the surest; a subject after a comma or opening the sentence less; "according to" and
# "To X," (a view, not a statement) least. A pronoun resolved to an earlier speaker keeps
# most of it for "he"/"she" (one person), less for "they"/"it" (which group?). A
# quotation continued from an earlier paragraph (no attribution of its own) is a guess.
_RANK_CONFIDENCE = {0: 0.95, 1: 0.85, 2: 0.8, 3: 0.8, 4: 0.55}
_PRONOUN_FACTOR = {"he": 0.9, "she": 0.9, "they": 0.75, "it": 0.75}
_INTRO = 0.8  # a quotation announced by a colon line ("Smith wrote:")
_SAME_PARAGRAPH = 0.75  # the speaker of the sentence before, in the same paragraph
_CONTINUED = 0.6
# A headline names who said its quotation after a colon ("'We will win': Joe Biden").
_HEADLINE_TAG = re.compile(r"[\"”’']:?[^\"“”]{0,80}:\s+((?:[A-Z][\w.’'-]+ ?){1,3})$")
_HEADLINE = 0.8  # a paragraph opening with a quotation continues the last account
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
    own_confidence: float = 0.0
    confidence: float = 0.0  # of `speaker`
    score: float = 0.0
    reasons: tuple[str, ...] = ()


def assign_speakers(body: str, sents: list[Sentence], lang=None) -> None:
    """Fill in each sentence's speaker (a language's Profile finds its attributions)."""
    _resolve_own(sents, lang)
    if lang is None or not lang.nouns_capitalised:  # German capitalises every noun: "Laut Polizei"
        _full_names(body, sents)
    region_of: dict[int, list[int]] = {}
    for idx, s in enumerate(sents):
        for r in s.regions:
            region_of.setdefault(r, []).append(idx)
    region_speaker: dict[int, tuple[str, float] | None] = {}
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
            found = (lang and s.own) or _intro_speaker(s, body[s.start : s.end], doc_index)
            intro = (idx, found) if found else None
            continue
        if s.own is None and body[s.end - 1] != "." and s.quoted:
            tag = _HEADLINE_TAG.search(body, s.start, s.end)
            if tag and tag.end() == s.end:
                s.own, s.own_confidence = tag.group(1), _HEADLINE
        if s.own is not None:
            s.speaker, s.confidence = s.own, s.own_confidence
        elif s.regions:
            found = next((region_speaker[r] for r in s.regions if region_speaker[r]), None)
            if found:
                s.speaker, s.confidence = found
        if s.speaker:
            last = (s.para, s.speaker)


_FULL_NAME = re.compile(r"\b([A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][a-z]+)?) ([A-Z][a-z][\w’'-]+)\b")
_SURNAME = re.compile(r"(?:(?:Mr|Mrs|Ms|Dr|Prof)\.? )?([A-Z][a-z][\w’'-]+)")


def _full_names(body: str, sents: list[Sentence]) -> None:
    """A surname alone ("Lee said") is the person named in full earlier ("Tim Lee"), as
    news names a person in full once and by surname after; left alone if two people of
    that surname were named before."""
    index: dict[str, tuple[list[int], list[str], list[bool]]] | None = None
    for s in sents:
        m = _SURNAME.fullmatch(s.own) if s.own else None
        if m is None or s.own.lower() in L.STARTERS:
            continue
        if index is None:
            index = _name_index(body)
        starts, names, unique = index.get(m.group(1), ((), (), ()))
        k = bisect_right(starts, s.start) - 1
        if k >= 0 and unique[k]:
            s.own = names[k]


def _name_index(body: str) -> dict[str, tuple[list[int], list[str], list[bool]]]:
    """surname -> positions, full names, and whether one person so far had it (one pass)."""
    index: dict[str, tuple[list[int], list[str], list[bool]]] = {}
    for m in _FULL_NAME.finditer(body):
        first = m.group(1).split()[0]
        if first.lower() in L.STARTERS or first.lower() in L.TITLES:
            continue
        starts, names, unique = index.setdefault(m.group(2), ([], [], []))
        full = m.group()
        starts.append(m.start())
        unique.append((not unique or unique[-1]) and (not names or names[0] == full))
        names.append(full)
    return index


_WANTED = {"person": {"person"}, "group": {"group", "org"}, "org": {"org", "doc"}}
_NEAR = {"person": 10**9, "group": 2, "org": 2}  # paragraphs a pronoun may reach back


def _resolve_own(sents: list[Sentence], lang=None) -> None:
    history: dict[str, tuple[int, str, int]] = {}  # category -> (order, name, paragraph)
    cue = has_cue if lang is None else lambda m: lang.has_cue(m.lower())
    find = find_attribution if lang is None else lang.find_attribution
    for order, s in enumerate(sents):
        if not s.masked or not cue(s.masked):
            continue
        att = find(s.masked)
        if att is None:
            continue
        s.own = _resolve(att, history, s.para, order)
        if s.own is not None:
            s.own_confidence = _RANK_CONFIDENCE[att.rank]
            if att.speaker.lower() in ("he", "she", "they", "it"):
                s.own_confidence *= _PRONOUN_FACTOR[att.speaker.lower()]


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


def _region_speaker(sents, members, idx, intro, last) -> tuple[str, float] | None:
    """The speaker of a quotation and how sure that is."""
    for m in members:
        if sents[m].own:
            return sents[m].own, sents[m].own_confidence
    first = sents[members[0]]
    if intro and intro[0] == idx - 1 and first.lead_quote:
        return intro[1], _INTRO  # announced by the colon line just before
    opens_paragraph = idx == 0 or sents[idx - 1].para != first.para
    if opens_paragraph and first.lead_quote:
        if last and first.para - last[0] <= _LOOKBACK_PARAS:
            return last[1], _CONTINUED
        return None
    if opens_paragraph:
        return None
    prev = sents[idx - 1]
    if prev.para == first.para and prev.speaker:
        return prev.speaker, min(prev.confidence, _SAME_PARAGRAPH)
    return None


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
