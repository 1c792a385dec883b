"""Speakers across sentences: pronouns, quotations and continued accounts.

A sentence's own attribution wins: the rules' (attribution.py), or in English, where
they find no speaker for a verb of saying, the learned source tagger's (source_tagger.py,
see _tagged). "he said" refers back to the last named person
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
from factcheck.text.splitting import source_tagger
from factcheck.text.splitting.attribution import (
    QUOTE,
    Attribution,
    find_attribution,
    has_cue,
    main_subject,
    reporting_cue,
)
from factcheck.text.splitting.phrases import speaker_category, valid_phrase

_DOC_NOUNS = "letter|statement|note|email|e-mail|message|post|tweet|memo|speech|interview|report"
_NAME = r"((?:[A-Z]\.\s?)*[A-Z][\w’'\-]+(?:\s+(?:[A-Z]\.\s?)*[A-Z][\w’'\-]+){0,3})"
_DOC_FROM = re.compile(rf"\b(?:{_DOC_NOUNS})s?\s+(?:from|by|of)\s+{_NAME}")
_THE_DOC = re.compile(rf"\b(?:the|this|that)\s+({_DOC_NOUNS})\b", re.I)
_INTRO_VERB = re.compile(
    rf"{_NAME}\s+(?:\w+ly\s+)?(?:said|wrote|added|says|writes|adds|told|posted|tweeted|stated"
    r"|explained|noted|declared)\b"
)
_ISSUED = re.compile(
    r"\b(?:issued|released|put out|sent|posted|made|gave|offered|read)\s+(?:the|a|this)\s+"
    r"(?:following\s+)?(?:\w+\s+)?(?:statement|comment|comments|remarks|response|message)\b"
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
_EPITHET = 0.8  # "o parlamentar" taken for the person named just before (languages)
_NAMED = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w’'\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w’'\-]+)+$")  # "Rodrigo Pacheco"
_MOSTLY = 0.4  # share of a sentence in quotation marks that makes it a quotation
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


def assign_speakers(body: str, sents: list[Sentence], lang=None, learned: bool = True) -> None:
    """Fill in each sentence's speaker (a language's Profile finds its attributions; in
    English the learned source tagger speaks where the rules find nobody, unless
    learned=False)."""
    _resolve_own(sents, lang, body, learned)
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
    turn: tuple[int, str] | None = None  # paragraph and speaker of a transcript label
    labels = _turn_labels(body, sents) if lang is None else _name_labels(body, sents)
    transcript = len(labels) >= _TRANSCRIPT_LABELS  # turns run on until the next label
    for idx, s in enumerate(sents):
        if (lang is None or transcript) and _opens_line(body, s.start):
            if idx in labels:
                turn = (s.para, labels[idx])
            elif _QUESTION.match(body, s.start) or not transcript:
                turn = None  # "Q:" or "Q (Inaudible.)": the questioner's turn, unnamed
            elif idx and _BLANK_LINE.search(body, sents[idx - 1].end, s.start):
                turn = None  # a blank line: the story's own text again
        if turn and (transcript or turn[0] == s.para):
            s.speaker, s.confidence = turn[1], _LABEL  # the turn's speaker says it all
            last = (s.para, s.speaker)
            continue
        for r in s.regions:
            if r not in region_speaker:
                region_speaker[r] = _region_speaker(sents, region_of[r], idx, intro, last)
        if body[s.end - 1] == ":":
            if doc_index is None:
                doc_index = _DocIndex(body)
            found = (lang and s.own) or _intro_speaker(s, body[s.start : s.end], doc_index)
            intro = (idx, found) if found else None
            if s.own is not None:  # "Greta Thunberg states the following:" is hers too
                s.speaker, s.confidence = s.own, s.own_confidence
                last = (s.para, s.speaker)
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
        if (
            s.speaker is None
            and lang is not None
            and lang.reported is not None
            and last
            and s.para - last[0] <= 1
            and lang.reported(body[s.start : s.end])
        ):
            s.speaker, s.confidence = last[1], _CONTINUED  # German reported speech goes on
        if s.speaker:
            last = (s.para, s.speaker)
        signed = (
            _SIGNATURE.fullmatch(body, s.start, s.end) if idx and sents[idx - 1].regions else None
        )
        if signed and sents[idx - 1].para == s.para:
            _sign_back(sents, idx - 1, signed.group(1).rstrip(" ,."))
            last = (s.para, sents[idx - 1].speaker)


# A transcript's speaker label opening a paragraph: "MR. SMITH: We will vote.", "SEN.
# JONES:", "SENIOR ADMINISTRATION OFFICIAL:", "CLINTON:". Capitals only (a heading in
# title case, "Coronavirus: New York ...", is no speaker), up to five words.
_LABEL_RX = re.compile(
    r"((?:[A-Z][A-Z’'\-]*\.?|[A-Z]\.)(?:[ \t]+(?:[A-Z][A-Z’'\-]*\.?|[A-Z]\.|OF|AND)){0,4}):[ \t]+(?=\S)"
)
_LABEL = 0.9


_TRANSCRIPT_LABELS = 3  # speaker labels that make a page a transcript
_QUESTION = re.compile(r"[ \t]*Q\b[.:]?")
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def _opens_line(body: str, start: int) -> bool:
    """Does a sentence start a line (only spaces before it on its line)?"""
    k = start
    while k > 0 and body[k - 1] in " \t":
        k -= 1
    return k == 0 or body[k - 1] in "\n\r"


def _turn_labels(body: str, sents: list[Sentence]) -> dict[int, str]:
    """Sentence index -> the transcript label opening its line."""
    out = {}
    for idx, s in enumerate(sents):
        if body[s.start : s.start + 1].isupper() and _opens_line(body, s.start):
            label = _turn_label(body, s)
            if label:
                out[idx] = label
    return out


def _turn_label(body: str, s: Sentence) -> str | None:
    """The speaker label of a transcript turn opening this sentence, or None."""
    m = _LABEL_RX.match(body, s.start, s.end)
    if m is None:
        return None
    label = m.group(1)
    words = [w.strip(".").lower() for w in label.split()]
    if all(len(w) < 2 for w in words) or any(w in L.LABEL_WORDS for w in words):
        return None  # "Q:", "A:" name nobody; "UPDATE:", "NOTE:" are headings
    words = re.findall(r"[A-Za-z][\w’'-]*", body[m.end() : s.end])[1:]
    if not words or sum(w[0].isupper() for w in words) > 0.6 * len(words):
        return None  # "BREAKING NEWS: FIRE IN TOWN", "PRIMER: Indiana’s Race Will Be Close"
    # "MR. DEERE" -> "Mr. Deere": a person's name in capitals is not an acronym ("NATO"),
    # so the speaker's type (and ClaimReview's author @type) is a person's
    parts = label.split()
    short = 3 if len(parts) > 1 else 4  # "SENATOR LEE" -> "Senator Lee"; "CNN" stays
    return " ".join(
        w.capitalize() if len(w.strip(".")) >= short or w.endswith(".") else w for w in parts
    )


# A transcript in another language names its speakers in full, capitalised as names
# ("Christian Drosten: Das stimmt …", "Korinna Hennig: Herr Drosten, …"): two or three
# capitalised words opening a line, then a colon. Only a page with several such labels,
# some speaker labelled twice, is a transcript ("Coronavirus-Update: Virologe …" is a
# heading).
_NAME_LABEL_RX = re.compile(
    r"((?:[A-ZÀ-ÖØ-Þ][\w’'\-]+)(?:[ \t]+(?:de |da |von |van |del )?[A-ZÀ-ÖØ-Þ][\w’'\-]+){1,2}):[ \t]+(?=\S)"
)


def _name_labels(body: str, sents: list[Sentence]) -> dict[int, str]:
    """Sentence index -> the name label opening its line, on a transcript only."""
    out = {}
    for idx, s in enumerate(sents):
        if _opens_line(body, s.start):
            m = _NAME_LABEL_RX.match(body, s.start, s.end)
            if m is None:
                continue
            words = re.findall(r"[^\W\d_][\w’'-]*", body[m.end() : s.end])
            if len(words) >= 4 and sum(w[0].isupper() for w in words) <= 0.6 * len(words):
                out[idx] = m.group(1)  # a sentence follows, not "Brighton: Sánchez, Dunk, …"
    names = list(out.values())
    turns = [n for n in set(names) if names.count(n) >= 2]
    if len(names) < _TRANSCRIPT_LABELS or len(turns) < 2:
        return {}  # a conversation: two people, each labelled more than once
    return out


# A quotation signed on its own after a dash ('“Fares went up.” | — Tom Bell, Leeds').
_SIGNATURE = re.compile(r"[―—–-][ \t]*([A-Z][\w.’'-]*(?:,?[ \t]+[A-Z][\w.’'-]*){0,5})[ \t.]*")


_SIGNED_REACH = 40  # sentences a signature reaches back over


def _sign_back(sents: list[Sentence], k: int, name: str) -> None:
    """Give the quotation that ends at sentence k (all its sentences) to its signer."""
    regions, stop = set(sents[k].regions), max(-1, k - _SIGNED_REACH)  # linear: bounded
    while k > stop and regions & set(sents[k].regions) and sents[k].own is None:
        sents[k].speaker, sents[k].confidence = name, _RANK_CONFIDENCE[0]
        regions |= set(sents[k].regions)
        k -= 1


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


# A person named as the subject opening a sentence ("Gov. Ann Lee on Thursday blamed
# ...", "Tom Reyes, a farmer, ..."): who a later "he"/"she" most likely is when no
# speaker has been named yet.
_SUBJECT_NAME = re.compile(
    r"\W{0,2}((?:[A-Z][\w.’'-]*\s){0,3}[A-Z][a-z][\w’'-]*"
    r"(?:\s[A-Z]\.)?(?:\s[A-Z][a-z][\w’'-]+){1,2})(?=\s[a-z]|,)"
)
_WEEKDAYS = L._words("monday tuesday wednesday thursday friday saturday sunday")
_SUBJECT_REACH = 3  # paragraphs a pronoun may reach back to such a subject


def _subject_name(text: str) -> str | None:
    """The personal name opening a sentence as its subject, or None."""
    m = _SUBJECT_NAME.match(text)
    if m is None:
        return None
    name = m.group(1)
    first = name.split()[0].lower().rstrip(".")
    if first in L.STARTERS or first in L.ADVERBS or first in L.MONTHS:
        return None
    if first.endswith(("ed", "ing")) or first in _WEEKDAYS:
        return None  # "Asked Tuesday about it, ...", "Speaking on Monday, ..."
    return name if speaker_category(name) == "person" else None


def _resolve_own(sents: list[Sentence], lang=None, body: str = "", learned: bool = True) -> None:
    history: dict[str, tuple[int, str, int]] = {}  # category -> (order, name, paragraph)
    cue = has_cue if lang is None else lambda m: lang.has_cue(m.lower())
    find = find_attribution if lang is None else lang.find_attribution
    subject: tuple[int, str, int] | None = None  # paragraph, name, order of the last subject
    for order, s in enumerate(sents):
        if body:
            text = body[s.start : s.end]
            named = _subject_name(text) if lang is None else lang.subject_name(text)
            if named:
                subject = (s.para, named, order)
        if not s.masked or not cue(s.masked):
            continue
        att, tagged = find(s.masked), None
        if att is None and lang is None and learned and body and not _quoted(s):
            tagged = _tagged(s.masked, body[s.start : s.end])
            att = tagged and tagged[0]
        if att is None:
            continue
        person = history.get("person")
        if lang is not None and subject and (person is None or subject[2] > person[0]):
            person = (subject[2], subject[1], subject[0])  # named since as a subject
        if (
            lang is not None
            and person
            and s.para - person[2] <= 1
            and _NAMED.search(person[1])
            and lang.is_epithet(att.speaker)
        ):
            # "Rodrigo Pacheco … O parlamentar reforçou …": the person just named (by
            # name: "El ministro … la ministra" are two people)
            s.own, s.own_confidence = person[1], _RANK_CONFIDENCE[att.rank] * _EPITHET
            continue
        s.own = _resolve(att, history, s.para, order)
        if (
            att.speaker.lower() in ("he", "she")
            and subject is not None
            and s.para - subject[0] <= _SUBJECT_REACH
            and s.own is None
        ):
            # "Ann Lee blamed the press. “...,” she said.": before any speaker, the
            # person named as a subject is who "she" is
            s.own = subject[1]
        if s.own is not None:
            s.own_confidence = tagged[1] if tagged else _RANK_CONFIDENCE[att.rank]
            if att.speaker.lower() in ("he", "she", "they", "it"):
                s.own_confidence *= _PRONOUN_FACTOR[att.speaker.lower()]


# The learned tagger (source_tagger.py) speaks where the rules find no speaker in a
# sentence with a verb of saying they accept (attribution.reporting_cue): "Federal and
# state officials said ..." (a subject the rules cut at "and"). Only there: PolNeAR also
# attributes what people believe, want, vote or blame ("The City Council voted ..."),
# which the desk calls narration; on PolNeAR dev the tagger speaking there too found more
# of PolNeAR's sources (speaker accuracy 0.436 against 0.385, invented 0.078 against
# 0.063) but gave speakers to narration on the desk's pages and dev set (invented 0.017
# -> 0.031 and 0.000 -> 0.014) and broke its conventions. Its confidence rises with the
# tagger's score (how much better the phrase scores as a source than as none) from
# _TAGGED_LOW, under SPEAKER_UNCLEAR, to _TAGGED_HIGH.
_TAGGED_LOW, _TAGGED_HIGH, _TAGGED_SPAN = 0.55, 0.8, 200.0
_SENTENCE_END = frozenset(".!\"”’'")
_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_NOT_BEFORE_SOURCE = frozenset(
    ["and", "but", "or", "what", "how", "why", "where", "which"]
    + ["at", "of", "from", "for", "in", "with", "on"]  # the tail of a longer noun phrase
)
_AND_SAID = re.compile(r"\band\s+(?:\w+ly\s+)?(?:" + "|".join(sorted(L.REPORT_VERBS)) + r")\b")
_LOWER_SOURCE = frozenset(
    ["the", "a", "an", "his", "her", "their", "its", "one", "two", "some", "many", "several"]
    + ["most", "other", "another", "both", "he", "she", "they", "it"]
    + ["sources", "officials", "experts", "critics", "aides", "advisers", "supporters"]
    + ["democrats", "republicans", "voters", "analysts"]
)


def _quoted(s: Sentence) -> bool:
    """Is a sentence (mostly) inside a quotation? Its speaker is the quotation's, and a
    verb of saying in it is the speaker's words, never an attribution."""
    return s.starts_inside or s.quoted >= _MOSTLY * (s.end - s.start)


def _tagged(masked: str, text: str) -> tuple[Attribution, float] | None:
    """The learned tagger's source of a sentence and its confidence, or None.

    Left to the rules: a question ("Has the FDA announced ...?"), a colon line (its
    speaker goes to the quotation it announces), a line without a final stop (a headline
    or a label: "Game notes"), a verb of saying coordinated with narration ("X ended the
    contract and told us ...", "The file was closed and Lee testified": narration), a
    source after "and" or a wh-word ("That is what my friend wrote": the account is
    elsewhere) or after a preposition ("my friend at the National Review wrote": the
    tail of a longer noun phrase). The phrase must read as a source.
    """
    if text.rstrip()[-1:] not in _SENTENCE_END or _AND_SAID.search(text):
        return None
    if not (masked and reporting_cue(masked)):
        return None  # no verb of saying, or one that reports nothing ("said nothing")
    tagger = source_tagger.load()
    found = tagger.source(text) if tagger is not None else None
    if found is None or found[1] < 0:
        return None  # the run scores lower as a source than as no source
    phrase, score, at = found
    before = _WORD_BEFORE.search(text, 0, at)
    if before and before.group(1).lower() in _NOT_BEFORE_SOURCE:
        return None
    words = phrase.split()
    first = words[0].lower()
    if first in L.PRONOUNS:
        if len(words) > 1 or L.PRONOUNS[first] == "narrator":
            return None
    elif not valid_phrase(phrase, loose=True) or (
        phrase[0].islower() and first not in _LOWER_SOURCE
    ):
        return None
    confidence = min(_TAGGED_HIGH, _TAGGED_LOW + score / _TAGGED_SPAN)
    return Attribution(phrase, 2), confidence


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
    if opens_paragraph and first.lead_quote and first.quoted < _MOSTLY * (first.end - first.start):
        return None  # '"Containment" has been U.S. policy since ...': a term, not an account
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
    if s.own:
        return s.own  # "Rosa Diaz, a nurse, said:", "Ann Lee, asked about it, replied:"
    masked = s.masked or text
    m = _INTRO_VERB.search(masked.replace(QUOTE, " "))
    if m:
        return m.group(1)
    if _ISSUED.search(text):
        found = main_subject(text)  # "The mayor issued the following statement:"
        if found:
            return found
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
