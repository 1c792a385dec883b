"""Speaker phrases: does a phrase name a source, and what can refer back to it."""

from __future__ import annotations

import re

from factcheck.text.splitting import lexicon as L

_DOC_WORDS = frozenset(
    ["report", "statement", "study", "survey", "data", "analysis", "document", "filing"]
)
_PREPOSITIONS = frozenset(["in", "of", "from", "at", "on", "for", "with", "by", "about"])
_FIRST_REJECT = L.SUBORDINATORS | frozenset(["also", "then", "not", "just", "even", "only"])


def participle(word: str) -> bool:
    """A lower-case -ed / -ing form ("released", "speaking")."""
    return word.islower() and len(word) >= 5 and word.endswith(("ed", "ing"))


def valid_phrase(phrase: str, loose: bool = False) -> bool:
    """Does the phrase read as a noun phrase naming a source?"""
    words = phrase.split()
    if not words or len(words) > 14:
        return False
    first = words[0].lower()
    if re.split(r"[’']", first)[0] in L.PRONOUNS and re.search(r"[’']", first):
        return False  # "I’ve", "we're": a pronoun and its verb
    if surveyed(words):
        return True  # "those surveyed", "45 percent of voters", "a majority of respondents"
    if first in L.PRONOUNS:
        return len(words) == 1 and L.PRONOUNS[first] != "narrator"
    if first in _FIRST_REJECT or first in L.ADVERBS and len(words) > 1:
        return False
    if not any(c.isalpha() for c in phrase):
        return False
    prev = ""
    for n, w in enumerate(words):
        low = w.lower().strip(",.")
        if low.endswith("ing") and n == len(words) - 1:
            continue  # a noun: "a company filing"
        if low in ("that", "this") and prev in _PREPOSITIONS:
            prev = low
            continue  # "sources in that report"
        if w[0].isupper() and n + 1 < len(words) and words[n + 1][0].isupper():
            prev = low
            continue  # part of a name: "Will Doyle", "May Chen"
        named_after = n == 0 and w.endswith("ed") and any(x[0].isupper() for x in words[1:])
        if (
            participle(w)
            and n + 1 < len(words)
            and (_before_noun(prev, w) or n == 0 and loose or named_after)
        ):
            prev = low
            continue  # an adjective before its noun: "a retired teacher", "retired judge Ann Lee"
        if low in L.CLAUSE_WORDS or low in L.PRONOUNS or participle(w):
            return False
        prev = low
    if len(words) == 1 and words[0].islower():
        return first in L.SOURCE_NOUNS or _plural_noun(first)
    if loose:
        return any(w[0].isupper() for w in words) or first in L.SOURCE_NOUNS or determiner(first)
    named = len(words) >= 3 and words[-1][0].isupper() and words[-2][0].isupper()
    # "retired neurosurgeon Ben Carson": a role in lower case before a name
    return words[0][0].isupper() or first in L.SOURCE_NOUNS or determiner(first) or named


_POLLED = frozenset(["surveyed", "polled", "questioned", "interviewed", "asked", "sampled"])
_SHARE_WORDS = frozenset(["percent", "per", "%", "majority", "minority", "plurality", "half"])
_SHARE_WORDS |= frozenset(["third", "thirds", "quarter", "quarters", "fifth", "fifths"])


def surveyed(words: list[str]) -> bool:
    """A poll's respondents as the subject of "said": "those surveyed", "voters polled",
    "45 percent of voters", "58% of Republicans", "a majority of respondents", "About 9
    percent" — how news reports what a survey's people answered."""
    low = [w.lower().strip(",.") for w in words]
    if len(low) == 2 and low[1] in _POLLED and low[0] in ("those", "voters", "people", "adults"):
        return True
    if any(w in L.CLAUSE_WORDS for w in low):
        return False
    for n, w in enumerate(low[:4]):
        if w.endswith("%") or w in _SHARE_WORDS:
            return n == len(low) - 1 or low[n + 1] in ("of", "percent", "cent")
        if not (w in _APPROX or determiner(w) or w[:1].isdigit() or _number_word(w)):
            return False
    return False


_UNITS = L._words("one two three four five six seven eight nine ten eleven twelve fifteen")
_TENS = L._words("twenty thirty forty fifty sixty seventy eighty ninety hundred")


def _number_word(word: str) -> bool:
    """A count written out: "seventy-four", "thirty", "nine"."""
    return word in _UNITS or word.split("-")[0] in _TENS


_APPROX = frozenset(["about", "nearly", "almost", "only", "just", "roughly", "some", "over"])
_APPROX |= frozenset(["more", "less", "fewer", "than", "under", "around", "a", "an", "the"])
_APPROX |= frozenset(["at", "least", "most", "almost", "fully", "exactly"])


def _plural_noun(word: str) -> bool:
    """A bare lower-case plural that can name people who speak ("forecasters say",
    "mourners say", "friends say"): an agent or group noun ending in -s."""
    return len(word) > 4 and word.endswith(("ers", "ors", "ists", "ants", "ents", "ians"))


_LY_NOUNS = frozenset(
    ["family", "assembly", "supply", "rally", "ally", "anomaly", "monopoly", "italy", "daily"]
)


def _before_noun(prev: str, word: str) -> bool:
    """Is an -ed word here an adjective: after a determiner, a count or an adverb in -ly
    ("a retired teacher", "400 registered voters", "the recently released report"), or
    hyphenated ("court-released")?"""
    ly = len(prev) > 4 and prev.endswith("ly") and prev not in _LY_NOUNS
    return determiner(prev) or prev[:1].isdigit() or ly or "-" in word


def determiner(word: str) -> bool:
    return word in [
        "a",
        "an",
        "the",
        "one",
        "two",
        "three",
        "four",
        "five",
        "some",
        "many",
        "several",
        "other",
        "another",
        "both",
        "all",
        "most",
        "few",
        "his",
        "her",
        "their",
        "its",
        "our",
        "this",
        "these",
        "those",
        "each",
    ] or word.endswith(("’s", "'s"))


def speaker_category(speaker: str) -> str:
    """'person', 'group', 'org' or 'narrator': what a later pronoun can refer back to."""
    low = speaker.lower()
    if low in L.PRONOUNS:
        return L.PRONOUNS[low]
    head_words = re.split(r"\s(?:of|in|from|at|for|with|on|to)\s", speaker, maxsplit=1)[0].split()
    head = head_words[-1].strip(",.()")
    if head.lower() in _DOC_WORDS:
        return "doc"
    if len(head) >= 2 and head.isupper():
        return "org"
    if any(w.lower().strip(",.") in L.ORG_WORDS for w in head_words):
        return "org"
    if all(w[0].isupper() for w in head_words) and any(
        w.lower() in L.GEO_WORDS for w in head_words
    ):
        return "org"
    hl = head.lower()
    if hl in L.SOURCE_NOUNS or (hl.endswith("s") and not hl.endswith("ss") and head.islower()):
        return "group"
    return "person"


_UNNAMED_FIRST = frozenset(
    ["a", "an", "one", "two", "three", "some", "several", "many", "other", "another", "both"]
)
_TYPES = {"person": "person", "org": "organization", "doc": "document", "group": "unnamed"}


def speaker_type(speaker: str | None) -> str | None:
    """'person', 'organization', 'document' or 'unnamed' (a source not named: "a
    spokeswoman", "officials", "two people familiar with the matter"); None without one."""
    if not speaker:
        return None
    cat = speaker_category(speaker)
    words = speaker.split()
    if cat == "person" and (
        words[0].lower() in _UNNAMED_FIRST or not any(w[0].isupper() for w in words)
    ):
        return "unnamed"  # no name in it: the desk cannot publish it as a person
    return _TYPES.get(cat)
