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
        if low in L.CLAUSE_WORDS or low in L.PRONOUNS or participle(w):
            return False
        prev = low
    if len(words) == 1 and words[0].islower():
        return first in L.SOURCE_NOUNS
    if loose:
        return any(w[0].isupper() for w in words) or first in L.SOURCE_NOUNS or determiner(first)
    return words[0][0].isupper() or first in L.SOURCE_NOUNS or determiner(first)


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
    if hl in L.SOURCE_NOUNS or (hl.endswith("s") and not hl.endswith("ss") and hl.islower()):
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
