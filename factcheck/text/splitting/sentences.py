"""Sentence boundaries inside a unit of text.

Candidates are runs of terminal punctuation; each is judged by the word before it
(abbreviation, initial, number prefix, month), the token after it (capital, digit,
opening quote, bullet) and the kind of ellipsis. A spaced ellipsis between two
sentences goes with the following sentence. List markers ("1.", "b)", "•") start items.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from factcheck.text.splitting import learned
from factcheck.text.splitting import lexicon as L
from factcheck.text.splitting.boundary import glued_boundary, period_ends, starts_sentence

# terminal punctuation, a bullet, or an emoticon that closes a sentence of web text
_EVENT = re.compile(r"[.!?…]+(?: [.…]+)*|(?<=\s)[•⁃▪‣◦●■]|(?<=\s)[:;]-?[()DP](?= )")
_EVENT_COLON = re.compile(_EVENT.pattern + r"|:(?=[ \u00a0\u202f]+\S)")  # and lang.colon_ends
_BULLETS = frozenset("•⁃▪‣◦●■")
_QUOTE_CLOSERS = frozenset("\"”’'»“‘«")
_MARKER = re.compile(r"(?:[•⁃▪‣◦●■*]\s*)?(?:(\d{1,3})|([A-Za-z]))(\.\)|\)|\.)(?=\s)")
_ALNUM = re.compile(r"[^\W_]")
_ATTR_AFTER = re.compile(
    r"(?:(?:the|a|an)\s+)?(?P<first>[A-Z][\w’'.-]*)\s+(?:[A-Z][\w’'.-]*\s+){0,3}(?:"
    + "|".join(sorted(L.REPORT_VERBS))
    + r")(?:\s+[\w’'-]+){0,3}\s*[.,]"
)
_LIST_WINDOW = 400
_INF = float("inf")
_SPACE = re.compile(r"\s*")
_DASH_ON = re.compile(r"(?:--?|[–—])\s*(,|[^\W\d_])")
# "« Fini. »" closes, and so does "Berufung.« Das" (German »…«); "prova.«Foi" opens
# and a bracketed reference number goes with the sentence it cites ("in 1805. [6] He")
_CLOSE_RUN = re.compile(
    r"(?:[\"”’')\]»“‘]|[ \u00a0\u202f]»(?![^\W\d_])|«(?![^\W\d_])| ?\[\d{1,3}\])*"
)
# training (scripts/train_boundary.py) sets a list here: every candidate the model would
# be asked about is appended as (features, absolute start, absolute next-token position)
COLLECT: list | None = None


def split_unit(body: str, start: int, end: int, protected=(), lang=None,
               use_model: bool = True) -> list[tuple[int, int]]:  # fmt: skip
    """Sentence spans (absolute, trimmed, non-empty) of body[start:end]; ``use_model``
    false: the rules decide alone."""
    text = body[start:end]
    cuts: list[tuple[int, int]] = []
    sent = 0
    mark_end, expect = _marker(text, 0)
    bare = 0  # text[sent:bare] has no letter or digit (so a run of bullets is not rescanned)
    # the language's weights, if any are shipped; while collecting, the rules decide alone
    model = (
        learned.active("en" if lang is None else lang.code)
        if use_model and COLLECT is None
        else None
    )
    asks = model is not None or COLLECT is not None
    events = _EVENT_COLON if lang is not None and lang.colon_quotes else _EVENT
    for m in events.finditer(text):
        i, j = m.span()
        if i < sent:
            continue
        sent, mark_end, expect = _list_items(text, sent, i, expect, mark_end, cuts)
        if i < mark_end or (protected and _protected(start + i, protected)):
            continue
        if text[i] in _BULLETS:
            bare = max(bare, sent)
            cut = (i, i) if _ALNUM.search(text, bare, i) else None
            bare = i
        elif j - i > 1 and text[i] in ":;":  # ":-) Wir kommen wieder": an emoticon ends it
            w = _skip_space(text, j)
            cut = (j, w) if w < len(text) and text[w].isupper() else None
        elif text[i] == ":":
            w = _skip_space(text, j)
            cut = (j, w) if lang.colon_ends(text, w) else None
        else:
            cut = _decide(text, i, j, sent, lang)
            if asks:
                cut = _ask(text, i, j, sent, cut, model, start, lang)
        if cut:
            cuts.append(cut)
            sent = cut[1]
            mark_end, expect = _marker(text, _skip_space(text, sent))
    _list_items(text, sent, len(text), expect, mark_end, cuts)
    return _spans(text, start, cuts)


def _skip_space(text: str, i: int) -> int:
    return _SPACE.match(text, i).end()


def _protected(pos: int, protected: list[tuple[int, int]]) -> bool:
    """Is pos strictly inside one of the sorted, disjoint protected spans? (bisect)"""
    k = bisect_right(protected, (pos, _INF)) - 1
    return k >= 0 and protected[k][0] < pos < protected[k][1] - 1


def _marker(text: str, at: int) -> tuple[int, tuple[str, str] | None]:
    """End of a list marker at `at` and the marker expected for the next item."""
    m = _MARKER.match(text, at)
    if not m:
        return at, None
    num, letter, style = m.groups()
    nxt = str(int(num) + 1) if num else chr(ord(letter) + 1)
    return m.end(), (nxt, style)


def _list_items(text, sent, upto, expect, mark_end, cuts):
    """Cut before the next marker of a running list ("1. a 2. b") found before `upto`."""
    while expect is not None:
        label, style = expect
        hi = min(len(text), upto + len(label) + len(style) + 1, sent + _LIST_WINDOW)
        k = text.find(" " + label + style, max(sent, mark_end - 1), hi)
        if k < 0 or k + len(label) + len(style) + 1 >= len(text):
            return sent, mark_end, None if hi < upto or upto >= len(text) else expect
        if not text[k + 1 + len(label) + len(style)].isspace():
            return sent, mark_end, None
        cuts.append((k, k + 1))
        sent = k + 1
        mark_end, expect = _marker(text, sent)
    return sent, mark_end, expect


def _decide(text: str, i: int, j: int, sent: int, lang=None) -> tuple[int, int] | None:
    """Where the sentence ends and the next begins, for the punctuation run text[i:j]."""
    cl = text[i:j]
    prev = text[i - 1] if i else " "
    if prev in "[(":
        return None  # "[...]" marks an omission inside a sentence
    kind = _kind(cl, prev)
    n = len(text)
    k = _CLOSE_RUN.match(text, j).end()
    if k < n and not text[k].isspace():
        if k == j and kind == "period" and glued_boundary(text, i, j):
            return j, j
        if k == j and kind in ("ellipsis", "final") and text[j].isupper():
            return j, j
        if k == j and cl == "?" and _glued_word(text, j):
            return j, j  # "its recovery?Monday, 6 January": a line run into the next
        return None
    w = _skip_space(text, k)
    if w >= n:
        return k, n
    if k > j and any(c in _QUOTE_CLOSERS for c in text[j:k]) and _tag_follows(text, w):
        return None  # '"Why?" Smith asked.' is one sentence
    ok = starts_sentence(text, w)
    if kind == "soft" or not ok:
        return None
    if kind == "strong" and _dash_goes_on(text, w):
        return None  # "«Já?» -- pergunta ela.", "-- o que é a Europa? -- intervêm ..."
    if kind == "ellipsis" and prev.isspace():
        return i, i  # a spaced ellipsis opens the next sentence
    if kind == "period+ellipsis":
        return i + 1, i + 1
    if kind == "period" and not period_ends(text, i, w, sent, lang):
        return None
    return k, w


def _ask(text: str, i: int, j: int, sent: int, cut, model, base: int, lang=None):
    """The learned model's verdict on the candidate text[i:j] where it is ambiguous; the
    rules' cut otherwise (ellipses, omissions, glued sentences, the end of the unit)."""
    cl = text[i:j]
    if "…" in cl or " " in cl or cl.count(".") > 1 or (i and text[i - 1] in "[("):
        return cut
    n = len(text)
    rule = cut is not None
    if rule:  # _decide's cut: (k, w) as below, or a glued sentence's (j, j)
        k, w = cut
        if k == w or w >= n or learned.clear_end(text, i, j, k, w, rule, lang):
            return cut
    else:
        k = _CLOSE_RUN.match(text, j).end()
        if k < n and not text[k].isspace():
            return cut
        w = _skip_space(text, k)
        if w >= n:
            return cut
    feats = learned.features(text, i, j, k, w, rule, sent, lang)
    if COLLECT is not None:
        COLLECT.append((feats, base + i, base + w))
    if model is None or model.ends(feats) == rule:
        return cut
    if not rule and _rules_own(text, i, j, k, w):
        return cut
    if rule and _figure_before(text, i):
        return cut
    return (k, w) if not rule else None


def _figure_before(text: str, i: int) -> bool:
    """A figure right before the stop ("the toll rose to 12. Officials said"): news ends
    sentences on numbers all the time, and where such a stop is not an end ("No. 5",
    German ordinals) the rules already said so; the model, which learned from list
    numbers of web text, may not take that break away."""
    a = i
    while a > max(0, i - 20) and not text[a - 1].isspace():
        a -= 1
    token = text[a:i].rstrip("%")
    return bool(token) and token.replace(",", "").isdigit()


def _rules_own(text: str, i: int, j: int, k: int, w: int) -> bool:
    """Where the model may not add a break the rules refused, by how news English is
    written (it learned lower-case sentence openings from web text): after a token with
    inner periods (an initialism, "the I.R.S. has", "U.S.G. Academic": boundary.py's
    rules judge those); before a lower-case word after a closing quote or bracket (a
    speech tag, '…itself?” he asks.', "(Vt.) had"); before anything but a letter, a digit
    or an opening quote (a dash, a bracket, markup: "said. <script>")."""
    lo = max(0, i - 30)
    a = i
    while a > lo and not text[a - 1].isspace():
        a -= 1
    if "." in text[a:i]:
        return True
    if k > j and text[w].islower():
        return True
    return not (text[w].isalnum() or text[w] in "\"“‘'«„‚")


def _glued_word(text: str, j: int) -> bool:
    """A capitalised word of lower-case letters right at j ("Monday", not "iPhone", "USA")."""
    pair = text[j + 1 : j + 3]
    return len(pair) == 2 and text[j].isupper() and pair.isalpha() and pair.islower()


def _dash_goes_on(text: str, w: int) -> bool:
    """A dash after a question or an exclamation that a lower-case word or a comma
    follows: a speech tag or the rest of a sentence the dashes interrupted."""
    m = _DASH_ON.match(text, w)
    return m is not None and (m.group(1) == "," or m.group(1).islower())


def _tag_follows(text: str, w: int) -> bool:
    m = _ATTR_AFTER.match(text, w)
    return m is not None and m.group("first").lower() not in L.STARTERS


def _kind(cl: str, prev: str) -> str:
    if "!" in cl or "?" in cl:
        return "strong"
    if cl == ".":
        return "period"
    if not prev.isspace() and cl[0] == "." and cl[1] == " ":
        return "period+ellipsis"
    dots = cl.count(".") + 3 * cl.count("…")
    if " " in cl:
        return "final" if dots >= 4 else "soft"
    return "final" if dots >= 4 else "ellipsis"


def _spans(text: str, base: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Trimmed sentence spans; a piece without letters or digits joins its neighbour."""
    bounds = []
    s = 0
    for cut_end, nxt in cuts:
        bounds.append((s, cut_end))
        s = nxt
    bounds.append((s, len(text)))
    out: list[list[int]] = []
    carry = None
    for a, b in bounds:
        a, b = _trim(text, a, b)
        if a >= b:
            continue
        if not _ALNUM.search(text, a, b):
            if out:
                out[-1][1] = b
            elif carry is None:
                carry = a
            continue
        if carry is not None:
            a, carry = carry, None
        out.append([a, b])
    return [(base + a, base + b) for a, b in out]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    piece = text[a:b]
    stripped = piece.strip()
    if not stripped:
        return a, a
    a += len(piece) - len(piece.lstrip())
    return a, a + len(stripped)
