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
_CAPWORD = r"[A-ZÁÉÍÓÚÂÊÔÃÕÀÈÇÄÖÜÑŠČŽ][a-zàâäçéèêëîïôöùûüáíóúñãõß’'\-]+"
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
    # a pronoun subject ("dit-il", "dijo él", "sagte er") or none at all ("«…», disse."):
    # the speaker named before, as English "he said" (speakers.py resolves "he")
    refer_back: frozenset[str] = frozenset()
    not_speakers: frozenset[str] = frozenset()  # auxiliaries: "a" of "a déclaré"
    adjunct_cut: re.Pattern[str] | None = None  # "Lindner beim Treffen": the name ends
    adjunct_lead: re.Pattern[str] | None = None  # "à cette occasion le ministre"
    prepositions: frozenset[str] = frozenset()  # "diz em áudio …": an adjunct, no subject
    articles: frozenset[str] = frozenset()  # "o parlamentar": an epithet, see is_epithet
    reported: Callable[[str], bool] | None = None  # German Konjunktiv I: reported speech
    views: tuple[str, ...] = ()  # "pour ", "para ": a sentence opening so may name a source

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
        return (
            not self.report_verbs.isdisjoint(_WORD.findall(low))
            or any(a in low for a in self.according)
            or low.lstrip(' "«“\x00').startswith(self.views or ("\x01",))
        )

    def find_attribution(self, masked: str) -> Attribution | None:
        """The first pattern (best first) that names a speaker."""
        masked = _PARENTHESIS.sub("", masked)  # "Jan Hamáček (ČSSD) avait estimé"
        for rank, pattern in enumerate(self.attribution):
            m = pattern.search(masked)
            if m is None:
                continue
            who = m.groupdict().get("who") or ""
            who = self._trim(who.strip(" ,.;:"))
            if who and who.split()[0].lower() in self.prepositions:
                who = ""  # "«…», diz em áudio divulgado pela polícia": the subject is dropped
            low = who.lower()
            if not who or low in self.refer_back:
                if self.refer_back:  # "«…», a-t-il dit", "«…», disse.": said before
                    return Attribution("he", min(rank, 4))
                continue
            first, last = low.split()[0], low.split()[-1]
            if first in _NOT_FIRST or first in self.not_speakers or last in self.not_speakers:
                continue  # "a ajouté", "Le Goff est lancé", "nos dijo adiós"
            if last in _NOT_LAST:
                continue  # "Pacheco conversou com os jornalistas e reiterou": no subject
            if low not in self.pronouns | self.starters:
                return Attribution(who, min(rank, 4))
        return None

    def is_epithet(self, who: str) -> bool:
        """An article and one common noun ("o parlamentar", "le ministre", "der
        48-Jährige"): news names a person once, then by such a noun."""
        parts = who.split()
        if len(parts) == 2 and parts[0].lower() in ("der", "die") and _AGE.fullmatch(parts[1]):
            return True  # "erzählt der 48-Jährige": German names a person by age after
        if len(parts) == 3 and parts[1].islower():
            parts = [parts[0], parts[2]]  # an adjective before: "le principal intéressé"
        if len(parts) != 2 or parts[0].lower() not in self.articles:
            return False
        noun = parts[1]
        return noun[:1].islower() or (self.nouns_capitalised and not _ACRONYM.search(noun))

    def subject_name(self, text: str) -> str | None:
        """The person named as the subject opening a sentence ("La portavoz Marta Ríos
        habló …", "Bürgermeisterin Anna Brandt eröffnete …"): whom a later pronoun or a
        dropped subject most likely means when no speaker was named yet."""
        m = _SUBJECT.match(text)
        if m is None:
            return None
        name = m.group(1)
        if name.split()[0].lower() in self.starters | _NOT_FIRST:
            return None
        return name

    def _trim(self, who: str) -> str:
        """The speaker phrase without an adjunct before or after it ("a déclaré à cette
        occasion le ministre", "sagte Lindner beim Dreikönigstreffen")."""
        if self.adjunct_lead is not None:
            m = self.adjunct_lead.match(who)
            if m and m.end() < len(who):
                who = who[m.end() :].lstrip(" ,")
        if self.adjunct_cut is not None:
            m = self.adjunct_cut.search(who)
            if m and m.start() > 0:
                who = who[: m.start()].rstrip(" ,")
        if not self.nouns_capitalised:
            # a role before the name ("le ministre de la Santé Roman Prymula", "o senador
            # Rodrigo Pacheco"): the name (not "o Banco de Portugal": no role word)
            m = _NAME_AFTER_ROLE.search(who)
            if m:
                who = m.group(1)
        return who

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


# a sentence opening with a name, a role before it or not, then a lower-case word (its verb)
_SUBJECT = re.compile(
    r"\W{0,2}(?:(?i:el|la|o|a|le|der|die|das)\s+)?(?:[a-zàâçéèêîôûáíóúñãõ\-]{4,}\s+)?"
    rf"({_CAPWORD}(?:\s+{_CAPWORD}){{1,2}})(?=\s+[a-zàâçéèêîôûáíóúñãõäöüß]|,)"
)
_ACRONYM = re.compile(r"[A-ZÄÖÜ]{2,}")
_AGE = re.compile(r"\d{1,3}-[Jj]ährige[rn]?")
_ADVERBS = "también|además|asimismo|luego|después|también|ainda|depois|também|além disso|já"
_PARENTHESIS = re.compile(r"\s*\([^()\x00]{1,40}\)")
# the last words of a speaker phrase are never these: a clause goes on ("... e reiterou")
_NOT_LAST = words("e y et und que qui una un uma um une ein eine el la le o os as los las les")
_CAP = r"[A-ZÁÉÍÓÚÂÊÔÃÕÀÈÇÄÖÜÑŠČŽ][\w’'\-]+"
_NAME_AFTER_ROLE = re.compile(
    rf"^(?:\S+\s+)*?(?:[a-zàâäçéèêëîïôöùûüáíóúñãõ’'\-]{{4,}}|[ldLD]['’]\S+)\s+((?:{_CAP})(?:\s+(?:de\s+|da\s+|do\s+|del\s+|dos\s+)?{_CAP}){{1,3}})$"
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


def attribution_patterns(
    verbs, according, dets: str, aux: str = "", extra=(), lead=(), null_subject=False
) -> tuple:
    """Speaker patterns, best first: '..., dijo el ministro de Economía, Luis Caputo.' (the
    name after its role) / '..., dijo el ministro.' / 'El ministro dijo ...' / 'según el
    ministro, ...' (also closing the sentence: '..., selon le rapport.'); then, in a
    language without a subject ('«…», disse.', 'Afirmou que …'), the verb alone (the
    speaker named before); then a language's own, such as German '..., so Merkel.'."""
    v = "|".join(sorted(verbs, key=len, reverse=True))
    verb = rf"(?:(?:{aux})\s+)?(?:{v})" if aux else rf"(?:{v})"
    word = rf"[^{_STOP}]+"
    phrase = rf"(?:(?:{dets})\s+)?[^\W\d_]{word[:-1]}*(?:\s+{word}){{0,8}}?"
    # after the verb, up to the stop: room for an adjunct trimmed later ("afirmó este martes
    # el consejero Pablo Vidal en rueda de prensa.")
    long = rf"(?:(?:{dets})\s+)?[^\W\d_]{word[:-1]}*(?:\s+{word}){{0,10}}?"
    acc = "|".join(re.escape(a) for a in according)
    cap = r"[A-ZÁÉÍÓÚÂÊÔÃÕÀÈÇÄÖÜÑ][\w’'\-]+"
    name = rf"{cap}(?:\s+(?:de\s+|da\s+|do\s+|del\s+|von\s+)?{cap}){{1,3}}"
    after = r"(?=\s*(?:[,.;:!?—–\x00]|$))"  # "meint X vom Blog «Fortunalista»."
    null = (
        (
            re.compile(rf"(?:[,\x00—–]\s*)(?<!\w){verb}(?=\s*(?:[.;!?]|$))"),
            # a sentence opening with the verb, an adverb before it or not: "Aseguró que
            # …", "También solicitó una multa …"
            re.compile(rf"^\W{{0,2}}(?:(?i:{_ADVERBS})\s+)?(?i:{verb})(?!\w)"),
        )
        if null_subject
        else ()
    )
    return (
        *lead,
        re.compile(
            rf"(?:^|[,\x00—–]\s*)(?<!\w){verb}\s+(?:[^\W\d_]+\s+)?(?:{dets})\s+[^\W\d_][^.;:!?\x00]{{0,90}}?,"
            rf"\s*(?P<who>{name})(?=\s*(?:[.;!?]|$))"
        ),
        re.compile(rf"(?:^|[,\x00—–]\s*)(?<!\w){verb}\s+(?P<who>{long}){after}"),
        re.compile(rf"(?:^|(?<=[,;\x00]))\s*(?P<who>{phrase})\s+{verb}(?!\w)"),
        re.compile(rf"(?i:(?<!\w)(?:{acc}))\s+(?P<who>{phrase})(?=\s*(?:[,;:]|[.!?]?\s*$))"),
        *null,
        *extra,
    )


def view_of(word: str) -> re.Pattern[str]:
    """A sentence opening with a view ascribed to someone named in full ("Pour Jan Hamáček,
    cette attitude est méprisante", "Para Rodrigo Pacheco, …"): the name is the source.
    A name only, in two words or more ("Pour Noël," "Pour la première fois," are not)."""
    return re.compile(rf"^\W{{0,2}}{word}\s+(?P<who>{_CAP}(?:\s+{_CAP}){{1,3}})\s*,")


def agency_line(names: str) -> re.Pattern[str]:
    """A line that is only an agency credit: "(EFE)", "(dpa/pm)", "Lusa"."""
    return re.compile(rf"\(?(?:{names})(?:\s*/\s*[\w.]{{1,12}})*\)?\.?", re.I)


def profile(code: str | None) -> Profile | None:
    """The Profile of a language; None for English (the core rules) and unknown codes."""
    if code in (None, "", "en"):
        return None
    from factcheck.text.splitting.languages import de, es, fr, pt

    return {"es": es.PROFILE, "fr": fr.PROFILE, "de": de.PROFILE, "pt": pt.PROFILE}.get(code)
