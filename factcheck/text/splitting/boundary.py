"""Does a period end a sentence? Abbreviations, initials, numbers, glued sentences."""

from __future__ import annotations

import re

from factcheck.text.splitting import lexicon as L

_OPENERS = frozenset("\"“‘'«([„‚`")
_BULLETS = frozenset("•⁃▪‣◦●■-–—*¿¡")
_WORD_CHARS = frozenset("°º.")
_LETTERS = re.compile(r"[^\W\d_]{0,30}")
_OMISSION = re.compile(r"[(\[](?:\.\.\.|…)[)\]]\s+[^\W\d_]")  # "(...) As", "[…] Der"
_MAX_LEAD = 16  # opening marks and dots a sentence may start with
_MAX_INTRO = 60  # characters of an opening time phrase ("Shortly after 5 a.m.")
_INTRO_TIME = frozenset(
    [
        "at",
        "by",
        "around",
        "about",
        "before",
        "after",
        "until",
        "till",
        "from",
        "since",
        "on",
        "shortly",
        "just",
        "starting",
    ]
)


def starts_sentence(text: str, w: int) -> bool:
    """Can a sentence start at text[w] (a capital, digit, opening quote, bullet...)?"""
    c = text[w]
    if c.isupper() or c.isdigit() or c in _BULLETS:
        return True
    if c in "([" and (m := _OMISSION.match(text, w)) and text[m.end() - 1].isupper():
        return True  # "(...) As nossas baixas": a quotation goes on after an omission
    if c in "»›" and w + 1 < len(text) and (text[w + 1].isupper() or text[w + 1].isdigit()):
        return True  # "»Wir prüfen das.«": German guillemets point inwards
    if c in _OPENERS or c in ".…":
        k = w
        n = min(len(text), w + _MAX_LEAD)  # never rescan a long run of marks per event
        while k < n and (text[k] in _OPENERS or text[k] in ". …"):
            k += 1
        return k < n and (text[k].isupper() or text[k].isdigit())
    return False


def word_before(text: str, i: int) -> str:
    """The word (letters, digits, inner periods) right before position i."""
    k = i
    lo = max(0, i - 30)
    while k > lo and (text[k - 1].isalnum() or text[k - 1] in _WORD_CHARS):
        k -= 1
    return text[k:i].lstrip(".")


def _word_at(text: str, w: int) -> str:
    return _LETTERS.match(text, w).group()


def period_ends(text: str, i: int, w: int, sent: int, lang=None) -> bool:
    """Whether the period at i ends the sentence, the next token starting at w (a language's
    Profile is asked first: factcheck.text.splitting.languages)."""
    word = word_before(text, i)
    if not word:
        return True
    if lang is not None and (verdict := lang.period_ends(text, i, w, word)) is not None:
        return verdict
    low = word.lower()
    nxt = text[w]
    nword = _word_at(text, w)
    starters = L.STARTERS if lang is None else lang.starters
    starter = nword.lower() in starters and not _is_initial(text, w, nword)
    if "." in word:
        if _initialism(low):
            return _initialism_ends(text, low, nxt, starter, sent, i)
        word = word.rsplit(".", 1)[1]  # "Tuesday.Mr" after a glued boundary, "example.com"
        low = word.lower()
        if not word:
            return True
    if lang is not None:  # the language's own word lists replace the English ones
        return not (len(word) == 1 and word.isalpha()) or (nxt.isupper() and starter)
    if low in L.TITLES:
        return False
    if low in L.NUMBER_PREFIX:
        return not (nxt.isdigit() or nxt == "#")
    if low in L.MONTH_ABBR:
        return not nxt.isdigit()
    if low in L.WEEKDAY_ABBR and _date_follows(text, w):
        return False  # "Sat. Dec. 23", "Tue. 14 May": a weekday inside a date
    if len(word) == 1 and word.isalpha() and _after_apostrophe(text, i - 1):
        return True  # "we didn't. Hence": a contraction's end, not an initial
    if len(word) == 1 and word.isalpha() or word in L.STATES:
        return nxt.isupper() and starter
    if low in L.AMBIGUOUS:
        return low == "etc" or (nxt.isupper() and starter)
    return True


def _after_apostrophe(text: str, k: int) -> bool:
    """Is the letter at k the end of a contraction ("didn't", "she'd", "it’s")?"""
    return k >= 2 and text[k - 1] in "'’" and text[k - 2].isalpha()


def _is_initial(text: str, w: int, nword: str) -> bool:
    return len(nword) == 1 and w + 1 < len(text) and text[w + 1] == "."


def _initialism(low: str) -> bool:
    return all(len(p) == 1 and p.isalpha() for p in low.split("."))


def _initialism_ends(text: str, low: str, nxt: str, starter: bool, sent: int, i: int) -> bool:
    if low in ("a.m", "p.m"):
        if _day_follows(text, i):
            return False  # "around 5 p.m. Wednesday, saying": the day belongs to the time
        return nxt.isupper() and not _intro_time(text, sent, i) and not _timezone(text, i)
    if low in ("e.g", "i.e"):
        return False
    return nxt.isupper() and starter


_ZONES = frozenset(
    [
        "ET",
        "EST",
        "EDT",
        "CT",
        "CST",
        "CDT",
        "MT",
        "MST",
        "MDT",
        "PT",
        "PST",
        "PDT",
        "GMT",
        "UTC",
        "BST",
        "CET",
        "CEST",
        "JST",
        "KST",
    ]
)


def _timezone(text: str, i: int) -> bool:
    """'10:30 a.m. ET': a time zone after a.m./p.m. continues the sentence."""
    w = i + 1
    while w < len(text) and text[w].isspace():
        w += 1
    k = w
    while k < len(text) and text[k].isalpha():
        k += 1
    return text[w:k] in _ZONES


def _next_word(text: str, i: int) -> str:
    """The letters of the word after position i (spaces skipped)."""
    w = i + 1
    while w < len(text) and text[w] == " ":
        w += 1
    return _word_at(text, w) if w < len(text) else ""


def _day_follows(text: str, i: int) -> bool:
    """'5 p.m. Wednesday,' / '9 a.m. Friday.': a weekday name right after a time."""
    return _next_word(text, i).lower() in L.WEEKDAYS


def _date_follows(text: str, w: int) -> bool:
    """After a weekday abbreviation: a day number or a month ("Sat. Dec. 23", "Fri. 3")."""
    if text[w].isdigit():
        return True
    word = _word_at(text, w).lower()
    return word in L.MONTH_ABBR or word in L.MONTHS


def _intro_time(text: str, sent: int, i: int) -> bool:
    """'At 5 a.m. Mr. Smith went': a time phrase that opens a sentence is not one."""
    if i - sent > _MAX_INTRO:
        return False  # bounded: never split a whole long sentence per period
    words = text[sent:i].split()
    return len(words) <= 4 and words[0].lower() in _INTRO_TIME


def glued_boundary(text: str, i: int, j: int) -> bool:
    """'world.Today' is two sentences; 'Jane.Doe@example.com' and 'FactCheck.org' are not."""
    n = len(text)
    if j + 2 < n and text[j] == "«" and text[j + 1].isupper():
        j += 1  # "olímpica.«Apesar de ...»": a quotation glued to the sentence before
    if j + 1 >= n or not (text[j].isupper() and (text[j + 1].islower() or text[j + 1] == " ")):
        return False  # "world.Today", "Exército.A possibilidade" (a one-letter word)
    prev = text[i - 1] if i else " "
    if not (prev.islower() or prev.isdigit()):
        return False
    lo = max(0, i - 60)
    k = i
    while k > lo and not text[k - 1].isspace():
        k -= 1
    if k == lo and lo > 0:
        return False  # a long token: a URL or an identifier
    hi = min(n, j + 60)
    e = j
    while e < hi and not text[e].isspace():
        e += 1
    token = text[k:e]
    if "@" in token or "/" in token or "www" in token.lower():
        return False
    low = word_before(text, i).lower()
    return low not in L.TITLES and low not in L.AMBIGUOUS and low not in L.NUMBER_PREFIX
