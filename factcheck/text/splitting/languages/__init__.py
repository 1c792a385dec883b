"""Rules of the languages other than English: one module per language, one Profile each.

The core splitter keeps its English rules and asks a language's Profile first, at a few
narrow hooks: does this period end the sentence (abbreviations, ordinals, dates), is this
line page furniture, does a dateline open the paragraph, who is the sentence attributed
to, and which words make a claim worth checking. A hook that answers None leaves the
decision to the core rules. Pure Python: word lists and regular expressions only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from factcheck.text.splitting.attribution import Attribution

_WORD = re.compile(r"[^\W\d_]+")
# a name inside the sentence (not its first word), or an acronym
_ENTITY = re.compile(r"(?<=[\s'’])[A-ZÁÉÍÓÚÂÊÔÃÕÀÈÇÄÖÜÑ][\w’'\-]+|\b[A-ZÁÉÍÓÚÇÑ]{2,}\b")
_LETTERS = re.compile(r"[^\W\d_]{1,30}")
_STOP = '\\s,.;:!?«»"“”„‚‘’()\x00'  # what a speaker phrase's words never hold


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Profile:
    """What a language changes in the core rules (lower-case words unless said)."""

    code: str
    titles: frozenset[str] = frozenset()  # "Sr.", "Mme.": a name follows, never an end
    number_prefix: frozenset[str] = frozenset()  # "Nr. 5", "núm. 3": no end before a digit
    ambiguous: frozenset[str] = frozenset()  # "etc.", "usw.": an end before a capital
    nouns_capitalised: bool = False  # German: before a capital only a starter opens a sentence
    starters: frozenset[str] = frozenset()  # words that typically open a sentence
    months: frozenset[str] = frozenset()  # "25. November": a date, not an end
    ordinal_lead: frozenset[str] = frozenset()  # "Die 27. Große ...": an ordinal follows
    ordinal_nouns: frozenset[str] = frozenset()  # "Ende 19. Jahrhundert(s)": after ordinals
    report_verbs: frozenset[str] = frozenset()  # "dijo", "sagte" (any inflection listed)
    attribution: tuple[re.Pattern[str], ...] = ()  # patterns with a (?P<who>...) group
    furniture: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (kind, whole-line pattern)
    dateline: re.Pattern[str] | None = None  # needs groups place, agency, dash
    worth: dict[str, frozenset[str]] = field(default_factory=dict)  # reason -> words
    worth_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pronouns: frozenset[str] = frozenset()  # never a speaker on their own
    according: tuple[str, ...] = ()  # "según", "de acordo com": an attribution may follow
    entity: Callable[[str], bool] = _ENTITY.search  # does the sentence name someone?
    abbreviation_endings: tuple[str, ...] = ()  # "Hauptstr.": judged like `ambiguous`
    colon_quotes: str = ""  # "disse: «Vamos …": a colon before these marks ends a sentence

    # ---------------------------------------------------------------- boundaries
    def period_ends(self, text: str, i: int, w: int, word: str) -> bool | None:
        """Whether the period at i ends the sentence (the next token at w); None: ask the
        core rules."""
        low = word.lower()
        nxt = text[w]
        if len(word) == 1 and i > 1 and text[i - 2] == "-":
            return True  # a clitic pronoun ("consegue-o.", "dit-il."), not an initial
        if low in self.titles:
            return False
        if low in self.number_prefix:  # "tel. (011) 887-8740" has its area code in brackets
            return not (nxt.isdigit() or nxt == "(" and text[w + 1 : w + 2].isdigit())
        if (
            nxt.isdigit()
            and low in self.months
            and any(m != low and m.startswith(low) for m in self.months)
        ):
            return False  # "im Jan. 2024", "Okt. 1989": an abbreviated month before its year
        if word.isdigit() and len(word) <= 3 and (self.months or self.ordinal_lead):
            following = _word_at(text, w).lower()
            if following in self.months or _inflected_in(following, self.ordinal_nouns):
                return False
            if self._ordinal_follows(text, i - len(word), _word_at(text, w).lower()):
                return False
        if low in self.ambiguous or low.endswith(self.abbreviation_endings or ("\0",)):
            starter = not self.nouns_capitalised or _word_at(text, w).lower() in self.starters
            return nxt.isupper() and starter
        return None

    def colon_ends(self, text: str, w: int) -> bool:
        """Whether a colon whose next token starts at w ends the sentence: a quotation
        opened there by one of colon_quotes that starts with a capital is a sentence of
        its own ("E acrescentou: «Não falem em falta de diálogo.»")."""
        if not self.colon_quotes or w >= len(text) or text[w] not in self.colon_quotes:
            return False
        k = w + 1
        while k < len(text) and text[k] in " \u00a0\u202f":
            k += 1
        return k < len(text) and text[k].isupper()

    def _ordinal_follows(self, text: str, at: int, following: str) -> bool:
        """The number ending at ``at`` stands where an ordinal does: after a word that
        leads one ("am 3.", "die 27."), or, where nouns are capitalised (German), after
        inflected adjectives that such a word opens ("des späten 15. Jahrhunderts", "ihr
        traditionell begangenes 60. Jubiläumsjahr"): a sentence does not end on a number
        right after an article's adjective, unless a word that opens sentences follows
        ("unter den besten 10. Danach …")."""
        word, start = _word_and_start_before(text, at)
        if word.lower() in self.ordinal_lead:
            return True
        if _ORDINAL_BEFORE.search(text, max(0, at - 24), at):
            return True  # "der 1. und 2. Klasse", "1., 2. und 3. Platz": coordinated
        if not (self.nouns_capitalised and word.islower() and word.endswith(INFLECTED)):
            return False
        if following in self.starters:
            return False
        for _ in range(3):  # the adjective, and up to two words more back to the article
            word, start = _word_and_start_before(text, start)
            if word.lower() in self.ordinal_lead:
                return True
            if not word.islower():
                return False
        return False

    # ---------------------------------------------------------------- furniture
    def furniture_kind(self, line: str) -> str | None:
        """The boilerplate kind of a trimmed line by this language's patterns."""
        for kind, pattern in self.furniture:
            if pattern.fullmatch(line):
                return kind
        return None

    def find_dateline(self, text: str) -> re.Match[str] | None:
        """A dateline of this language's wires ("MADRID, 3 dic (EFE) –")."""
        return self.dateline.match(text[:160]) if self.dateline is not None else None

    # ---------------------------------------------------------------- speakers
    def has_cue(self, low: str) -> bool:
        """Could the sentence carry an attribution in this language?"""
        return not self.report_verbs.isdisjoint(_WORD.findall(low)) or any(
            a in low for a in self.according
        )

    def find_attribution(self, masked: str) -> Attribution | None:
        """The first pattern (best first) that names a speaker."""
        for rank, pattern in enumerate(self.attribution):
            m = pattern.search(masked)
            if m is None:
                continue
            who = m.group("who").strip(" ,.;:")
            first = who.split()[0].lower() if who else ""
            if who and first not in _NOT_FIRST and who.lower() not in self.pronouns | self.starters:
                return Attribution(who, rank)
        return None

    # ---------------------------------------------------------------- worthiness
    def words_of(self, low: str) -> set[str]:
        return set(_WORD.findall(low))

    def reasons(self, low: str, text: str = "") -> set[str]:
        """Check-worthiness reasons found by this language's words and phrases."""
        found = set()
        tokens = set(_WORD.findall(low))
        for kind, vocab in self.worth.items():
            if not vocab.isdisjoint(tokens):
                found.add(kind)
        for kind, phrases in self.worth_phrases.items():
            if any(p in low for p in phrases):
                found.add(kind)
        if not self.report_verbs.isdisjoint(tokens) or any(a in low for a in self.according):
            found.add("attribution")
        if text and self.entity(text):
            found.add("named entity")
        return found


# A speaker phrase never opens with these: a clause follows ("dijo que ...", "sagte, dass").
_NOT_FIRST = frozenset(
    [
        "que",
        "qu",
        "qu'",
        "dass",
        "daß",
        "ob",
        "wie",
        "si",
        "se",
        "quand",
        "cuando",
        "quando",
        "como",
        "comme",
        "wenn",
        "als",
        "ainsi",
        "así",
        "assim",
    ]
)


def _inflected_in(word: str, nouns: frozenset[str]) -> bool:
    """Is the word one of the nouns, bare or with a case ending ("Jahrhunderts")?"""
    return bool(nouns) and (word in nouns or word[:-1] in nouns or word[:-2] in nouns)


def _word_at(text: str, w: int) -> str:
    m = _LETTERS.match(text, w)
    return m.group() if m else ""


INFLECTED = ("e", "en", "es", "em", "er")  # German adjective endings
_ORDINAL_BEFORE = re.compile(r"(?<!\d)\d{1,3}\.\s*(?:,|und|oder|bis|sowie|[-–/])\s*$")


def _word_and_start_before(text: str, i: int) -> tuple[str, int]:
    """The word ending before position i (spaces skipped) and where it starts."""
    k = i
    while k > 0 and text[k - 1].isspace():
        k -= 1
    j = k
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return text[j:k], j


def _word_before(text: str, i: int) -> str:
    """The word ending before position i (spaces skipped)."""
    return _word_and_start_before(text, i)[0]


def attribution_patterns(verbs, according, dets: str, aux: str = "", extra=()) -> tuple:
    """Speaker patterns, best first: '..., dijo el ministro.' / 'El ministro dijo ...' /
    'según el ministro, ...' (then a language's own, such as German '..., so Merkel.')."""
    v = "|".join(sorted(verbs, key=len, reverse=True))
    verb = rf"(?:(?:{aux})\s+)?(?:{v})" if aux else rf"(?:{v})"
    word = rf"[^{_STOP}]+"
    phrase = rf"(?:(?:{dets})\s+)?[^\W\d_]{word[:-1]}*(?:\s+{word}){{0,6}}?"
    acc = "|".join(re.escape(a) for a in according)
    return (
        re.compile(rf"(?:^|[,\x00—–]\s*)(?<!\w){verb}\s+(?P<who>{phrase})(?=\s*(?:[,.;:!?—–]|$))"),
        re.compile(rf"(?:^|(?<=[,;\x00]))\s*(?P<who>{phrase})\s+{verb}(?!\w)"),
        re.compile(rf"(?i:(?<!\w)(?:{acc}))\s+(?P<who>{phrase})(?=\s*[,;:])"),
        *extra,
    )


def agency_line(names: str) -> re.Pattern[str]:
    """A line that is only an agency credit: "(EFE)", "(dpa/pm)", "Lusa"."""
    return re.compile(rf"\(?(?:{names})(?:\s*/\s*[\w.]{{1,12}})*\)?\.?", re.I)


def profile(code: str | None) -> Profile | None:
    """The Profile of a language; None for English (the core rules) and unknown codes."""
    if code in (None, "", "en"):
        return None
    from factcheck.text.splitting.languages import de, es, fr, pt

    return {"es": es.PROFILE, "fr": fr.PROFILE, "de": de.PROFILE, "pt": pt.PROFILE}.get(code)
