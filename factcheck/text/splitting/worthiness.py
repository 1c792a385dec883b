"""Check-worthiness: how much a claim is worth checking first, and why.

Checkable claims carry numbers, dates, names, attributions, estimates, comparisons and
causal links; questions and opinion are hard to check and score low.
"""

from __future__ import annotations

import re

from factcheck.text.splitting import lexicon as L

_WORD = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")
_ENTITY = re.compile(r"(?<=\s)(?!I\b)[A-Z][\w’'\-]+|\b[A-Z]{2,}\b")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Single words are looked up in sets (fast); a few phrases are found as substrings.
_LEXICON = {
    "number": _words(
        """one two three four five six seven eight nine ten eleven twelve twenty thirty forty
        fifty hundred hundreds thousand thousands million millions billion billions trillion
        dozen dozens half quarter percent"""
    ),
    "date": _words(
        """january february march april june july august september october november december
        jan feb aug sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
        yesterday today tonight ago"""
    ),
    "attribution": L.REPORT_VERBS,
    "hedge": _words(
        """estimated estimate estimates about around roughly approximately nearly almost may
        might could reportedly allegedly likely unlikely possibly probably suggest suggests
        suggested appears appear seems seem believed"""
    ),
    "comparison": _words(
        """more less fewer greater higher lower larger smaller bigger than most least largest
        biggest highest lowest record compared doubled tripled increase increased decrease
        decreased rose fell dropped surged plunged"""
    ),
    "causal": _words("because caused cause causing therefore thus blamed triggered sparked"),
    "opinion": _words(
        """should ought awful terrible wonderful amazing disgraceful shameful outrageous
        ridiculous beautiful great love hate"""
    ),
}
_PHRASES = {
    "date": ("last week", "last month", "last year", "this week", "this month", "this year"),
    "attribution": ("according to",),
    "hedge": ("at least", "more than", "less than", "up to"),
    "causal": (
        "due to",
        "led to",
        "leads to",
        "lead to",
        "result in",
        "resulted in",
        "as a result",
        "owing to",
        "driven by",
    ),
    "opinion": ("i think", "i believe", "i feel", "i guess", "in my view", "in my opinion"),
}
_KIND = {w: k for k, vocab in reversed(_LEXICON.items()) for w in vocab}
_ALL = frozenset(_KIND)
_PHRASE = re.compile("|".join(p for group in _PHRASES.values() for p in group))
_PHRASE_KIND = {p: k for k, group in _PHRASES.items() for p in group}
_WEIGHTS = {
    "number": 0.25,
    "date": 0.15,
    "named entity": 0.15,
    "attribution": 0.1,
    "hedge": 0.1,
    "comparison": 0.15,
    "causal": 0.1,
}
_ORDER = ("number", "date", "named entity", "attribution", "hedge", "comparison", "causal")


def score_checkworthiness(text: str, language: str = "en") -> tuple[float, tuple[str, ...]]:
    """A 0..1 score and its reasons for one claim's text, in its language."""
    from factcheck.text.splitting.languages import profile

    low = text.lower()
    return score_words(text, low, set(_WORD.findall(low)), profile(language))


def words_of(low: str) -> set[str]:
    """The set of lower-case words of a lower-cased text."""
    return set(_WORD.findall(low))


def score_words(text: str, low: str, words: set[str], lang=None) -> tuple[float, tuple[str, ...]]:
    """score_checkworthiness with the text's lower-case form and word set already made
    (a language's Profile names the reasons its own words give)."""
    if lang is None:
        found = {_KIND[w] for w in words & _ALL}
        found.update(_PHRASE_KIND[p] for p in _PHRASE.findall(low))
    else:
        found = lang.reasons(low, text)
        words = lang.words_of(low)
    if _DIGIT.search(text):
        found.add("number")
    if lang is None and _ENTITY.search(text):
        found.add("named entity")
    reasons = [r for r in _ORDER if r in found]
    score = 0.1 + sum(_WEIGHTS[r] for r in reasons)
    if text.rstrip(" \"'”’)").endswith("?"):
        score *= 0.3
        reasons.append("question")
    if "opinion" in found and "number" not in found:
        score *= 0.5
        reasons.append("opinion")
    if len(words) < 4:
        score *= 0.6
    return round(min(1.0, score), 3), tuple(reasons)
