"""Boilerplate: which lines of a page are furniture rather than article text.

Rules are decided per line (navigation, promo, share bars, bylines, date lines,
captions with credits, reprint and copyright notices, related links, tags, listing
fields) and then by position (section labels above the headline, short unpunctuated
lines after the last paragraph). A dateline at the start of the first paragraph is
furniture; the rest of its sentence is a claim.
"""

from __future__ import annotations

import re

from factcheck.text.splitting import patterns as P
from factcheck.text.splitting.layout import Line
from factcheck.text.splitting.model import Boilerplate

_LONG = 400  # longer lines are prose; only caption credits are looked for
_WORD = re.compile(r"[^\s|•·,/:;()\-—–]+")


def classify_line(text: str) -> str | None:
    """Boilerplate kind of one trimmed line, or None for article text."""
    if not P.ALNUM.search(text):
        return "separator"
    if _glued_links(text):
        return "links"
    if len(text) > _LONG:
        return "caption" if _is_caption(text) else None
    words = text.split()
    low = text.lower()
    for kind, test in _RULES:
        if test(text, low, words):
            return kind
    return None


_GLUED = 3  # link texts run together: three joins or more, one per 200 characters at least


def _glued_links(text: str) -> bool:
    joins = len(P.GLUED_LINK.findall(text))
    return joins >= _GLUED and joins * 200 >= len(text)


def _is_navigation(text: str, low: str, words: list[str]) -> bool:
    if len(words) > 30:
        return False
    if len(words) <= 8 and P.NAVIGATION.fullmatch(text):  # "Skip to contentSkip to site index"
        return True
    if len(words) <= 16 and text[-1] not in ".!?" and P.BACK_TO.fullmatch(text):
        return True
    if "|" not in text and "•" not in text and "·" not in text:
        return False
    # A menu: three or more short items separated by bars or bullets.
    items = [x.strip() for x in re.split(r"\s[|•·]\s", text)]
    return len(items) >= 3 and all(0 < len(x.split()) <= 3 for x in items)


def _is_promo(text: str, low: str, words: list[str]) -> bool:
    if len(words) > 40 or len(words) < 2:
        return False
    return bool(P.PROMO.match(text) or (len(words) <= 25 and P.PROMO_ANYWHERE.search(text)))


_SHARE_FIRST = P.SOCIAL | {"share", "share:"}


def _is_share(text: str, low: str, words: list[str]) -> bool:
    if len(words) > 12:
        return False
    if len(words) == 1 and (_social_run(low) or low.rstrip(":") in P.SHARE_NAMES):
        return True
    if P.SHARE_PANEL.fullmatch(text.rstrip(".")):
        return True
    if words[0].lower().rstrip(":") not in _SHARE_FIRST:
        return low.startswith("click to") and bool(P.SHARE_START.match(text))
    tokens = [t.lower() for t in _WORD.findall(text)]
    social = sum(1 for t in tokens if t in P.SOCIAL and t not in {"on", "this", "via"})
    if tokens and all(t in P.SOCIAL for t in tokens) and social >= 2:
        return True
    return bool(P.SHARE_START.match(text)) and len(words) <= 10 and text[-1] not in ".?!"


def _social_run(token: str) -> bool:
    """Share buttons' labels run together ("facebooktwitterflipboardwhatsapp")."""
    if len(token) < 10 or not token.isalpha():
        return False
    ends = {0: 0}  # position -> how many names end there
    for i in range(len(token)):
        if i in ends:
            for name in P.SOCIAL:
                if len(name) > 2 and token.startswith(name, i):
                    ends[i + len(name)] = max(ends.get(i + len(name), 0), ends[i] + 1)
    return ends.get(len(token), 0) >= 2


def _is_byline(text: str, low: str, words: list[str]) -> bool:
    if ("contribut" in low or low.startswith("editing")) and len(words) <= 30:
        return bool(P.CREDIT_LINE.search(text))
    if len(words) > 16:
        return False
    if len(words) <= 4 and P.AGENCY_LINE.fullmatch(text):
        return True
    if "by" not in low[:30] and not low.startswith("author"):
        return False
    inner = text[1:-1] if text.startswith("(") and text.endswith(")") else text
    if not P.BYLINE.match(inner) or len(words) > 16:
        return False
    if inner[-1] in "!?" or (inner[-1] == "." and not re.search(r"\b[A-Z][a-z]?\.$", inner)):
        return False
    rest = _WORD.findall(inner)[1:]
    return all(w[0].isupper() or w.lower() in P.BYLINE_WORDS or "@" in w for w in rest)


def _is_date_line(text: str, low: str, words: list[str]) -> bool:
    if not P.DIGIT.search(text):
        return False
    if len(words) > 14 or text[-1] in ".?!" and not text.endswith(("a.m.", "p.m.")):
        return False
    has_date = P.DATE.search(text)
    has_time = P.TIME.search(text)
    if not has_date and not has_time:
        return False
    rest = P.TIME.sub(" ", P.DATE.sub(" ", P.WEEKDAY.sub(" ", text)))
    left = [w for w in _WORD.findall(rest) if w.lower() not in P.DATE_LABELS]
    if has_date:
        return len(left) <= 5
    labelled = any(w.lower().rstrip(":") in P.DATE_LABELS for w in words[:2])
    return labelled and len(left) <= 1


def _is_caption(text: str, low: str = "", words: list[str] | None = None) -> bool:
    if len(text) <= 200 and _credit_label(text):
        return True
    if P.CREDIT_TAIL.search(text[-100:]):
        return True
    if P.CAPTION_START.match(text) or (":" in text[-90:] and P.CAPTION_END.search(text[-90:])):
        return True
    if not text.endswith(")"):
        return False
    open_at = text.rfind("(", max(0, len(text) - 160))
    if open_at < 0:
        return False
    inner = text[open_at + 1 : -1]
    if "(" in inner or ")" in inner or not inner.strip():
        return False
    return bool(P.CREDIT_WORDS.search(inner) or P.SLASH_CREDIT.fullmatch(inner.strip()))


def _is_reprint(text: str, low: str, words: list[str]) -> bool:
    if len(words) > 60 or not any(k in low for k in _REPRINT_HINTS):
        return False
    return bool(P.REPRINT.search(text)) and _reprint_like(low)


_REPRINT_HINTS = ("publish", "reprint", "permission", "cross", "produced by", "appeared")
_COPYRIGHT_HINTS = ("©", "copyright", "(c)", "reserved", "may not be")


def _is_copyright(text: str, low: str, words: list[str]) -> bool:
    if len(words) > 60 or not any(k in low for k in _COPYRIGHT_HINTS):
        return False
    return bool(P.COPYRIGHT.search(text))


def _reprint_like(low: str) -> bool:
    return any(
        k in low for k in ("permission", "originally", "first published", "first appeared")
    ) or low.startswith(("this article", "this story", "this post", "this piece"))


def _is_contact(text: str, low: str, words: list[str]) -> bool:
    return len(words) <= 14 and bool(P.CONTACT.match(text))


def _is_embargo(text: str, low: str, words: list[str]) -> bool:
    return (
        len(words) <= 25
        and bool(P.EMBARGO.match(text))
        and "embargo" in low
        or (len(words) <= 4 and low.rstrip(":.") == "for immediate release")
    )


_FIELD_NOUNS = frozenset(
    [
        "date",
        "time",
        "updated",
        "published",
        "posted",
        "modified",
        "office",
        "address",
        "phone",
        "telephone",
        "email",
        "e-mail",
        "fax",
        "location",
        "source",
        "sources",
        "credit",
        "credits",
        "category",
        "categories",
        "tags",
        "filed",
        "topics",
        "website",
        "contact",
        "contacts",
    ]
)


def _is_label(text: str, low: str, words: list[str]) -> bool:
    """A field label on its own line ("Publication date:", "Office:", "Q:"): its value, if
    any, is on the next line. A colon line that reports ("Smith said:") is no label."""
    if len(words) > 3 or text[-1] != ":" or "http" in low:
        return False
    if text[:-1].replace(".", "").replace(" ", "").isupper():
        return True  # "Q:", "MR. SMITH:": a transcript's speaker label
    return low[:-1].split()[-1] in _FIELD_NOUNS


def _prev_next(text: str) -> bool:
    return bool(P.PREV_NEXT.match(text) or P.PREV_NEXT.match(text[:1].lower() + text[1:]))


def _ui_hints(text: str) -> bool:
    """Every sentence of the line tells the reader how to use the page ("Hold pointer over
    photo for name. Click on photo to go to the obituary."), each opening with a capital."""
    parts = [x for x in re.split(r"(?<=[.!])\s+", text) if x]
    return all(x[0].isupper() and len(x.split()) <= 14 and P.UI_HINT.match(x) for x in parts)


def _simple(pattern: re.Pattern[str], max_words: int, full: bool = False):
    def test(text: str, low: str, words: list[str]) -> bool:
        if len(words) > max_words:
            return False
        return bool(pattern.fullmatch(text) if full else pattern.match(text))

    return test


_RULES = (
    ("navigation", _is_navigation),
    ("share", _is_share),
    ("promo", _is_promo),
    ("byline", _is_byline),
    ("date", _is_date_line),
    ("caption", _is_caption),
    ("reprint", _is_reprint),
    ("copyright", _is_copyright),
    ("related", _simple(P.RELATED, 30)),
    ("category", _simple(P.TAGS, 40)),
    ("tagline", lambda t, low, w: len(w) <= 14 and t[-1] != "." and bool(P.TAGLINE.match(t))),
    ("listing", _simple(P.LISTING, 12, full=True)),
    ("contact", _is_contact),
    ("embargo", _is_embargo),
    ("timestamp", _simple(P.TIMESTAMP, 4, full=True)),
    ("timestamp", lambda t, low, w: len(w) <= 8 and bool(P.AGO.search(t))),
    ("media", lambda t, low, w: len(w) <= 16 and bool(P.PLAYER.match(t))),
    ("label", _is_label),
    ("related", lambda t, low, w: len(w) <= 20 and t[-1] not in ".!" and _prev_next(t)),
    ("chrome", lambda t, low, w: len(w) <= 30 and _ui_hints(t)),
    ("contact", lambda t, low, w: len(w) <= 16 and bool(P.WRITE_IN.match(t))),
)


def mark_lines(lines: list[Line], lang=None) -> None:
    """Set each line's boilerplate kind: per-line rules (a language's own first), then
    position rules."""
    for line in lines:
        line.kind = (lang and lang.furniture_kind(line.text)) or classify_line(line.text)
    _mark_section_labels(lines)
    _mark_caption_blocks(lines)
    _mark_related_boxes(lines)
    _mark_teaser_cards(lines)
    _mark_labelled_teasers(lines)
    _mark_trailing_furniture(lines)


_CAPTION_WORDS = 45  # a caption above its credit line is a sentence or two


def _credit_label(text: str) -> bool:
    """A line opened by a credit or caption label without a colon. "Image caption ..." is
    one whatever follows; "Photographs by ..." only as a short unpunctuated line (not
    "Photographs by the survey team were published in 1998.")."""
    m = P.CREDIT_START.match(text)
    if not m:
        return False
    if "caption" in m.group().lower() or "copyright" in m.group().lower():
        return True
    if text[m.end() : m.end() + 1] == ":" and len(text.split()) <= 8 and text[-1] not in "!?":
        return True  # "Photo Source: Ann Lee from Pexels.": a label and its value
    return len(text.split()) <= 12 and text[-1] not in ".!?"


def _is_credit(text: str) -> bool:
    """A short credit line: "Photograph by Ed Marshall", "Photo: Unnati Chauhan"."""
    short = len(text.split()) <= 8
    return _credit_label(text) or bool(short and P.CAPTION_START.match(text))


def _mark_caption_blocks(lines: list[Line]) -> None:
    """A caption's text beside its credit line in the same paragraph ("The island, once
    doomed." / "Photograph by Ed Marshall", or the credit first) is caption too."""
    for i, line in enumerate(lines):
        if line.kind != "caption" or not _is_credit(line.text):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines):
                other = lines[j]
                same = other.para == line.para and other.kind is None
                if same and len(other.text.split()) <= _CAPTION_WORDS:
                    other.kind = "caption"
                    break


def _headline_like(text: str) -> bool:
    return 2 <= len(text.split()) <= 16 and text[-1] not in '.:;,"”'


def _mark_related_boxes(lines: list[Line]) -> None:
    """Under a "Related stories" / "Read more" heading, the run of headline-shaped lines
    that follows (the rest of its paragraph and the next one) lists other stories."""
    for i, line in enumerate(lines):
        if line.kind != "related":
            continue
        # a bare heading ("You May Also Like") heads a box that may run over several
        # one-line paragraphs; a teaser with its own text ("Read more: ...") the next one
        reach = _BOX_PARAS if _bare_heading(line.text) else 1
        run, j = [], i + 1
        while j < len(lines) and lines[j].para <= line.para + reach:
            nxt = lines[j]
            if nxt.kind is None and not _headline_like(nxt.text):
                break
            if nxt.kind is None:
                run.append(nxt)
            j += 1
        if len(run) >= 2:
            for x in run:
                x.kind = "related"


_TEASER_WORDS = 12  # a labelled teaser is a short line


def _labelled_teaser(line: Line) -> bool:
    t = line.text
    return (
        line.kind is None
        and len(t.split()) <= _TEASER_WORDS
        and t[-1] != "."
        and bool(P.TURN_LABEL.match(t))
    )


def _mark_labelled_teasers(lines: list[Line]) -> None:
    """A box of links to explainers, each under a label in capitals ("A SIMPLE GUIDE: How
    do I protect myself?" / "LOOK-UP TOOL: Check cases in your area"), one a line in one
    paragraph: three such lines or more, each label once, are a promo (a transcript's turns
    end on stops, come back to the same speakers, and "Q:"/"A:" are no labels here)."""
    i, n = 0, len(lines)
    while i < n:
        j = i
        while j < n and lines[j].para == lines[i].para and _labelled_teaser(lines[j]):
            j += 1
        labels = [P.TURN_LABEL.match(x.text).group().strip() for x in lines[i:j]]
        if j - i >= 3 and len(set(labels)) == len(labels) and all(len(x) > 2 for x in labels):
            for x in lines[i:j]:
                x.kind = "promo"
        i = max(j, i + 1)


_CARDS = 2  # teaser cards that make a list of other stories


def _mark_teaser_cards(lines: list[Line]) -> None:
    """A list of other stories: cards of a headline, its age ("Holiday / 19 mins ago") and
    a blurb. Two cards or more (the article's own "Updated 2 hours ago" is one line): the
    headline above each age line and the blurb below it are listing too."""
    cards = []
    for i, line in enumerate(lines):
        if line.kind != "timestamp" or not P.AGO.search(line.text):
            continue
        head = lines[i - 1] if i else None
        if head is not None and head.kind is None and _headline_like(head.text):
            cards.append(i)
    if len(cards) < _CARDS:
        return
    for i in cards:
        lines[i - 1].kind = "listing"
        if (
            i + 1 < len(lines)
            and lines[i + 1].kind is None
            and lines[i + 1].para <= lines[i].para + 1
        ):
            nxt = lines[i + 2] if i + 2 < len(lines) else None
            if nxt is None or nxt.kind is not None or i + 3 in cards or _headline_like(nxt.text):
                lines[i + 1].kind = "listing"


_BOX_PARAS = 8  # one-line paragraphs a bare related heading reaches over


def _bare_heading(text: str) -> bool:
    return len(text.split()) <= 5 and not re.search(r"[:>»|–—-]\s*\S", text)


_INNER_STOP = re.compile(r"[a-z\d)][.!?][\"”’]?\s+[A-Z]")
_PROSE_SPACES = 15  # a line of prose may end on a tail without a stop ("... Read: CNN")


def _is_body_line(line: Line) -> bool:
    if line.kind is not None or line.text.count(" ") < 7:
        return False
    if line.text[-1] in '.!?"”’':
        return True
    return line.text.count(" ") >= _PROSE_SPACES and bool(_INNER_STOP.search(line.text))


def _standalone(lines: list[Line], i: int) -> bool:
    para = lines[i].para
    before = i == 0 or lines[i - 1].para != para
    after = i + 1 == len(lines) or lines[i + 1].para != para
    return before and after


_HEADLINE_SPACES = 24  # a longer line is text running on, not a headline


def _mark_section_labels(lines: list[Line]) -> None:
    """A short label paragraph above the headline ("World", "Feed aggregator") is chrome.

    One backward pass: whether a headline-like line (content, four words or more, not
    ending in '.' or ':') follows is known for every position before any label is set,
    and setting a label never changes it (a label has at most two spaces).
    """
    head = []
    for i, line in enumerate(lines):
        head.append(i)  # the first body line may itself be the headline ("Did ...?")
        if _is_body_line(line):
            break
    headline_after = [False] * len(head)
    seen = False
    for pos in range(len(head) - 1, -1, -1):
        headline_after[pos] = seen
        x = lines[head[pos]]
        if x.kind is None and 3 <= x.text.count(" ") <= _HEADLINE_SPACES and x.text[-1] not in ".:":
            seen = True
    for pos, i in enumerate(head):
        line = lines[i]
        limit = 2 if _standalone(lines, i) else 1
        if line.kind is None and headline_after[pos] and _label_like(line.text, limit):
            line.kind = "section"


def _label_like(text: str, max_spaces: int) -> bool:
    return (
        text.count(" ") <= max_spaces and text[-1].isalnum() and not any(c.isdigit() for c in text)
    )


_SHORT_TAIL = 3  # spaces in an unpunctuated line after the last paragraph: chrome
_CHROME_TAIL = 19  # ... once the page's chrome has begun there (a list of headlines, tags)


def _mark_trailing_furniture(lines: list[Line]) -> None:
    """Unpunctuated lines after the last paragraph of prose are page chrome: short ones
    always ("Next", "Privacy Policy"), longer ones (other stories' headlines, a line of
    tags) once a line of furniture has shown that the article is over. A list that ends
    the article itself ("Chile: Fox Sports Chile, Star+") comes before any furniture."""
    last_body = -1
    for i, line in enumerate(lines):
        if _is_body_line(line):
            last_body = i
    if last_body < 0:
        return
    chrome = False
    for line in lines[last_body + 1 :]:
        if line.kind is not None:
            chrome = chrome or line.kind != "separator"
            continue
        t = line.text
        limit = _CHROME_TAIL if chrome else _SHORT_TAIL
        last = (t.rstrip(")]") or t)[-1]  # "(Laughter.)" ends on its stop
        if t.count(" ") <= limit and last not in '.!?:"”' and t[0].isalnum():
            line.kind = "related" if not any(c.isdigit() for c in t) else "listing"
            chrome = chrome or ":" not in t  # "Chile: ESPN" may be the article's own list


def find_dateline(text: str, lang=None) -> re.Match[str] | None:
    """A dateline ("WASHINGTON (AP) —", "SEOUL/TOKYO —") opening a paragraph's text."""
    if lang is not None and (found := lang.find_dateline(text)) is not None:
        return found
    m = P.DATELINE.match(text[:160])
    if not m:
        return P.PAPER_DATELINE.match(text[:80])
    place = m.group("place")
    if sum(c.isalpha() for c in place) < 3 or place.split()[0] in {"I", "A"}:
        return None
    dash = m.group("dash")
    if m.group("agency"):
        return m
    after = text[m.end() : m.end() + 2].lstrip("\"“‘'")
    if not after or not (after[0].isupper() or after[0].isdigit()):
        return None  # "NATO — the alliance said": an acronym and a dash, not a dateline
    # Without an agency tag only a real dash marks a dateline (not "NOTE:" or a quote).
    return m if dash in {"—", "–", "--"} else None


def strip_run_in_times(body: str, units) -> list[Boilerplate]:
    """A live blog's entry opens with its time ("6 p.m.: Florida, ...", "10:42 ET — The
    ..."): the time is furniture, the rest of the entry is text (one match per unit)."""
    out = []
    for u in units:
        m = P.RUN_IN_TIME.match(body, u.start, u.end)
        if m and m.end() < u.end:
            out.append(Boilerplate(u.start, u.start + len(m.group().rstrip()), "timestamp"))
            u.start = m.end()
    return out


def reprint_source(text: str) -> str | None:
    """The original publisher named by a reprint notice."""
    m = P.REPRINT_SOURCE.search(text)
    if not m:
        return None
    name = re.sub(r"\s+(?:and|&|the|of|for|on)$", "", m.group(1).strip(" .,"))
    return re.sub(r"\s+(?:and|&|the|of|for|on)$", "", name) or None


_TURNS = 2  # labelled lines that make a page a transcript


def strip_turn_labels(body: str, sents) -> list[Boilerplate]:
    """A transcript's turn labels ("MR. SMITH:", "Q:"), its stage directions ("(Laughter.)")
    and a bare "Q" before one are furniture: the turn's text is the claim. Labels are cut
    after the speakers are found (they name the turn's speaker), and only on a page with
    two labelled lines or more (one "NOTE: ..." line is no transcript)."""
    found = []
    for s in sents:
        if _line_start(body, s.start):
            m = P.TURN_LABEL.match(body, s.start, s.end)
            if m and m.end() < s.end:
                found.append((s, m.end()))
    out = []
    if len(found) >= _TURNS:
        for s, cut in found:
            out.append(Boilerplate(s.start, s.start + len(body[s.start : cut].rstrip()), "label"))
            s.start = cut
    transcript = len(found) >= _TURNS
    for s in sents if transcript else ():
        piece = body[s.start : s.end]
        bare = P.BARE_TURN.match(piece)
        if P.STAGE.fullmatch(piece, bare.end() if bare else 0) or bare and bare.end() == len(piece):
            out.append(Boilerplate(s.start, s.end, "stage"))
            s.end = s.start
    return out


def _line_start(body: str, start: int) -> bool:
    k = start
    while k > 0 and body[k - 1] in " \t":
        k -= 1
    return k == 0 or body[k - 1] in "\n\r"
