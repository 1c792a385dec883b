"""Who a sentence is attributed to, from its own words.

The sentence arrives with its quotations masked (each becomes one QUOTE token), so a
reporting verb inside a quotation never counts. Patterns, best first: a speaker next
to a quotation ('"...," Smith said', '"...," said Smith'), a speaker after a comma
('..., sources told RFA'), a speaker opening the sentence ('Police said ...'),
'according to X', and 'To X, ...'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.text.splitting import lexicon as L
from factcheck.text.splitting.phrases import (
    determiner,
    participle,
    speaker_category,
    surveyed,
    valid_phrase,
)

QUOTE = "\x00"
_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}|[A-Z]\.(?=\s)|(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|St"
    r"|Jr|Sr|Rev|Mt)\.|\w[\w’'\-]*(?:\.\w[\w’'\-]*)*|[^\w\s]"
)
_CUE_WORD = re.compile(r"[a-z]+")
_TO_START = re.compile(r"\W{0,3}To [A-Z]")
_STOP_BACK = frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "because",
        "when",
        "while",
        "if",
        "as",
        "after",
        "before",
        "since",
        "although",
        "though",
        "whether",
        "where",
        "unless",
        "until",
        "than",
        "so",
        "but",
        "or",
        "nor",
    ]
)
_INVERT_STOP = frozenset(
    [
        "who",
        "which",
        "that",
        "in",
        "on",
        "at",
        "during",
        "adding",
        "after",
        "before",
        "when",
        "while",
        "as",
        "because",
        "to",
        "last",
        "this",
        "yesterday",
        "today",
        "tomorrow",
        "earlier",
        "later",
        "recently",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "according",
    ]
)
_BOUNDARY = frozenset([QUOTE, ",", ";", ":", "—", "–", "-", "(", ")", "[", "]", "?", "!"])
_FORWARD_STOP = _BOUNDARY | {"."}
_PARTY = re.compile(r"^(?:[DRI]-[A-Z][\w.]*|\d{1,3}|aged? \d+)\.?$")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A speaker phrase as written and how sure the pattern is (0 = next to a quote)."""

    speaker: str
    rank: int


_COLON_QUOTE = re.compile(
    r":\s*(?:[“\"‘'«]|``|\x00)|^\W{0,2}[A-Z][^:]{0,60}:\s.*(?:[“\"‘«\x00]|'')"
)


_SIGNED = re.compile(r"[”\"’'\x00]\s*[―—–-]\s*[A-Z][^\n]{0,60}$")


def has_cue(text: str, low: str | None = None, words=None) -> bool:
    """Cheap test: could this sentence carry an attribution at all?"""
    low = text.lower() if low is None else low
    if "according to" in low or _TO_START.match(text) or _COLON_QUOTE.search(text):
        return True
    if _SIGNED.search(text):
        return True
    words = _CUE_WORD.findall(low) if words is None else words
    return not (
        L.REPORT_VERBS.isdisjoint(words)
        and L.REPORT_PARTICIPLES.isdisjoint(words)
        and L.FINDING_VERBS.isdisjoint(words)
    )


def reporting_cue(masked: str) -> bool:
    """Does a masked sentence hold a verb of saying that reports a statement (one the
    rules' _not_saying keeps: not negated, not a headline's title case, not a score)?
    Left to the rules: "according to" (its idioms of manner: "according to plan"), the
    verbs of finding ("Police found the car": a document's finding, not a person's) and
    the words as often nouns ("reports", "states", "notes")."""
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(masked)]
    for v, (word, _, _) in enumerate(toks):
        if word.lower() in _SAYING and not _not_saying(toks, v, word):
            return True
    return False


def find_attribution(masked: str) -> Attribution | None:
    """The best attribution in a sentence whose quotations are masked."""
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(masked)]
    best: Attribution | None = None
    closing: Attribution | None = None  # a sentence-final ", according to X"
    opening: Attribution | None = None  # "X said that ..." opening the sentence
    best_at = 0  # the token of best's verb
    for v, (word, _, _) in enumerate(toks):
        low = word.lower()
        found = None
        if low in L.REPORT_VERBS:
            if _not_saying(toks, v, word):
                continue
            found = _subject(masked, toks, v)
            if found is None or found.rank > 1:  # "..., when ..., said David Marcus"
                inverted = _inverted(masked, toks, v)
                found = (
                    inverted
                    if inverted and (found is None or inverted.rank < found.rank)
                    else found
                )
        elif low in L.FINDING_VERBS and v > 0:
            found = _finding(masked, toks, v)
        elif low in L.REPORT_PARTICIPLES and v > 1:
            found = _participle_clause(masked, toks, v)
        elif low == "according" and v + 1 < len(toks) and toks[v + 1][0].lower() == "to":
            found = _according(masked, toks, v + 2)
            if found and v > 0 and toks[v - 1][0] in (",", QUOTE) and _ends_sentence(toks, v + 2):
                closing = found  # the whole sentence is the source's account
        elif word == ":" and v > 0:
            found = _colon_name(masked, toks, v)
        elif word in ("―", "—", "–", "-") and v > 0 and toks[v - 1][0] == QUOTE:
            found = _signature(masked, toks, v)
        if (
            found
            and opening is None
            and best is None
            and found.rank == 2
            and v + 1 < len(toks)
            and toks[v + 1][0].lower() == "that"
            and _starts_sentence(masked, toks, found)
        ):
            opening = found  # "The loggers claimed that ..., Lee told them ...": theirs
        if found and (best is None or found.rank < best.rank):
            best, best_at = found, v
    if (
        opening is not None
        and best is not None
        and best.rank > 0
        and closing is None
        and not _closes_sentence(masked, toks, best_at, best)
    ):
        best = opening  # a later attribution inside what the first one reports (but
        # "X noted that ..., the Examiner reported." is the Examiner's)
    if best is not None and best.rank > 0 and closing is not None:
        best = closing  # "..., the two delegates pledged to back him, according to Ed Lee"
    if best is None and toks and toks[0][0] == "To":
        best = _to_speaker(masked, toks)
    return _without_long_role(best) if best is not None else None


def _without_long_role(att: Attribution) -> Attribution:
    """'Gadsden County sheriff's office spokeswoman Anglie Hightower' -> 'Anglie Hightower':
    a long description before a personal name gives way to the name (a short title stays:
    'economist Li Wei', 'Mayor Ana Soto')."""
    words = att.speaker.split()
    if len(words) < 5 or "," in att.speaker:
        return att
    k = len(words)
    while k > 0 and words[k - 1][0].isupper() and words[k - 1][-1] != ".":
        k -= 1
    name = words[k:]
    if not 2 <= len(name) <= 3 or k < 3 or not (words[k - 1].islower() and words[k - 1].isalpha()):
        return att
    if speaker_category(" ".join(name)) != "person" or words[k - 1] in L.SOURCE_NOUNS:
        return att  # "... at the now-defunct National Review", "... officials"
    if words[k - 1] in ("of", "for", "at", "from", "and", "the", "in", "with", "to"):
        return att  # "the chairman of Acme Steel Works": the organisation ends it
    return Attribution(" ".join(name), att.rank)


_ATTRIBUTIVE = frozenset(
    ["of", "the", "a", "an", "its", "their", "his", "her", "our", "for", "with"]
)
_NOUN_TOO = frozenset(["reports", "states", "notes", "claims", "estimates", "posts", "tells"])
_SAYING = (L.REPORT_VERBS | L.REPORT_PARTICIPLES) - _NOUN_TOO - L.FINDING_VERBS
_NOUN_NEXT = frozenset(
    ["of", "from", "in", "with", "on", "at", "for", "to", "and", "which", "were"]
    + ["are", "have", "had", "included", "include", "includes", "suggest", "show", "showed"]
)
_DOING_WITH = frozenset(
    [("responded", "by"), ("responds", "by"), ("reported", "from"), ("reports", "from")]
    + [("reported", "for"), ("posted", "on"), ("posted", "to")]
)
_HEADLINE_SAYS = frozenset(["says", "say", "said", "tells", "told"])
_WH_WORDS = frozenset(["what", "who", "how", "why", "when", "where", "which", "data", "science"])
_NEGATION = frozenset(["not", "never", "no", "hasn't", "hadn't", "didn't", "haven't", "won't"])
_DOING = frozenset(["added", "adds", "add", "posted", "posts", "post", "recorded", "reported"])
_COUNT_WORDS = L.NUMBER_WORDS
_GOING_ON = frozenset(["continued", "continues", "continue"])
_OBJECT_START = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "its",
        "his",
        "her",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "with",
    ]
)


def _not_saying(toks, v: int, word: str) -> bool:
    """A cue word that reports no statement, as news writes it:

    - negated ("officials hadn't confirmed", "he did not say"): nothing was said;
    - a verb of doing with a count ("Caruso added 16 points", "the firm posted a $2m
      loss" is left alone, "posted 3 wins", "reported 42 cases"): a score or a figure,
      not a statement;
    - capitalised inside a line ("LKQ Corporation Announces Results", "Game Notes"):
      a headline's title case, where the word is as often a noun;
    - last in a line with no stop and no quotation ("Game notes"): a label, not a report;
    - "continued" with an object or "to" ("has continued a program", "continued to
      rise"): going on, not speaking.
    """
    if word[0].isupper() and v > 0 and not word.isupper():
        # a headline's title case, where the word is as often a noun ("Game Notes"); but
        # a headline's "X Says Y" is the commonest way a headline attributes
        return word.lower() not in _HEADLINE_SAYS or toks[v - 1][0].lower() in _WH_WORDS
    if (
        v > 0
        and toks[v - 1][0].lower() in _ATTRIBUTIVE
        and v + 1 < len(toks)
        and toks[v + 1][0].isalpha()
    ):
        return True  # an adjective before its noun: "of pledged delegates", "the reported cases"
    back = v - 1
    while back >= 0 and (toks[back][0].lower() in L.AUX or _adverb(toks[back][0])):
        back -= 1
    if back >= 0 and (toks[back][0].lower() in _NEGATION or toks[back][0].lower().endswith("n't")):
        return True
    nxt = toks[v + 1][0] if v + 1 < len(toks) else None
    if nxt is not None and nxt.lower() in ("nobody", "nothing"):
        return True  # "told nobody why", "said nothing" (but "said no one was hurt")
    low, nlow = word.lower(), (nxt or "").lower()
    prev = toks[v - 1][0].lower() if v > 0 else ""
    after = toks[v + 2][0] if v + 2 < len(toks) else ""
    relative = nlow == "that" and (after.lower() in _FINITE or _verbish(after, toks, v + 2))
    if low in _NOUN_TOO and (
        nlow in _NOUN_NEXT or prev[:1].isdigit() or prev in _COUNT_WORDS or relative
    ):
        return True  # "initial reports of the incident", "five states included", "user reports,"
    if prev[:1].isdigit() and nlow.isalpha() and nlow.islower():
        return True  # "300 pledged delegates"
    if (low, nlow) in _DOING_WITH:
        return True  # "responded by cutting", "reported from Washington"
    if low in ("added", "adds", "add") and nlow in (_OBJECT_START - {"that"}) | {"another"}:
        # "has added another facet to his job", "added to the uncertainty" (but "added to
        # People", to whom it was said)
        return not (nlow == "to" and after[:1].isupper())
    if (
        word.lower() in _DOING
        and nxt is not None
        and (nxt[0].isdigit() or nxt.lower() in _COUNT_WORDS)
    ):
        return True
    if word.lower() in _GOING_ON and nxt is not None and nxt.lower() in _OBJECT_START:
        return True  # "has continued a program", "continued to rise": going on, not speaking
    return nxt is None and not any(t[0] == QUOTE for t in toks[:v])


def _span(masked: str, toks, a: int, b: int) -> str:
    return masked[toks[a][1] : toks[b][2]]


def _subject(masked: str, toks, v: int) -> Attribution | None:
    """Speaker before the verb: back over auxiliaries, then to the clause boundary."""
    k = v - 1
    if k >= 2 and toks[k][0] == "to" and (toks[k - 2][0], toks[k - 1][0]) == ("went", "on"):
        k -= 3  # "Pence went on to say"
    k = _before_time(toks, k)  # "Donald Trump on Sunday tweeted", "Lee Tuesday night said"
    while k >= 0 and (
        toks[k][0].lower() in L.AUX
        or toks[k][0].lower() in _TODAY
        or _adverb(toks[k][0])
        or (
            toks[k][0] == "since" and k > 0 and toks[k - 1][0].lower() in _PERFECT
        )  # "have since said"
    ):
        k -= 1
    if k >= 0 and toks[k][0] == ",":
        return _appositive(masked, toks, k) or _opening_subject(masked, toks, k)
    if k >= 0 and toks[k][0] == ")":  # "the Joint Chiefs of Staff (JCS) said"
        k = _open_paren(toks, k)
    end = k
    while k >= 0:
        w = toks[k][0]
        if w in _BOUNDARY or w.lower() in _STOP_BACK or (w == "and" and not _joins_names(toks, k)):
            break
        k -= 1
        if end - k > 14:
            return None
    speech = _speech_verb(toks, v)
    if k == end:
        # "X ended the contract and told us ...": the main clause is narration; the desk
        # leaves the sentence unattributed (PolNeAR gives it to X)
        return None
    before = toks[k][0] if k >= 0 else None
    if before in ("-", "—", "–") and k > 0 and not any(t[0][:1].islower() for t in toks[:k]):
        before = None  # "NEW YORK - candidate Ann Lee on Saturday tweeted": a dateline
    if before is not None and before.lower() == "as" and k == 0 and speech:
        before = None  # "As Michael Dell said last week, ...": the clause's subject
    if before is not None and before.lower() == "who" and toks[k + 1][0].islower():
        # "The logger who stayed back claimed": the noun the relative clause describes
        head = _subject(masked, toks, k)
        return Attribution(head.speaker, 2) if head is not None else None
    if (
        before is not None
        and before.lower() in _CLAUSE_OPENERS
        and (k == 0 or toks[k - 1][0] == ",")
    ):
        # "But Vice-President Mike Pence stressed", "…, but the minister said": the clause's subject
        before = None if k == 0 else ","
    if toks[v][0].lower() in _NOUN_TOO and any(
        t[0] in _IRREGULAR_PAST for t in toks[k + 1 : end + 1]
    ):
        return None  # "his support fell to single digits in some states": a clause
    phrase = _span(masked, toks, k + 1, end)
    contracted = re.fullmatch(r"(he|she|they|it)[’']s", phrase, re.I)
    if contracted:
        phrase = contracted.group(1)  # "He's said ...": he has said
    if before == QUOTE:
        return Attribution(phrase, 0) if valid_phrase(phrase, loose=True) else None
    if not valid_phrase(phrase):
        return None
    if surveyed(phrase.split()):
        # "51 percent of respondents said": the poll's answer; a named poll ("according
        # to a county survey") is the better source
        return Attribution(phrase, 3) if before in (None, ",") else None
    if before == ",":
        return Attribution(phrase, 1)
    if before == "and" and speech and k > 0 and toks[k - 1][0].islower():
        return Attribution(phrase, 2)  # "The rain stopped and officials said ..."
    return Attribution(phrase, 2) if before is None else None


_PERFECT = frozenset(["have", "has", "had"])
_TODAY = frozenset(
    ["today", "yesterday", "tonight", "now", "long"]
)  # "X (Nasdaq: X) today reported"
_CLAUSE_OPENERS = frozenset(["but", "yet", "so", "and"])


_SPEECH = L._words(
    """said says say told tells added adds stated argued argues insisted insists claimed
    claims warned warns explained explains noted"""
)
_WRITING = frozenset(["wrote", "writes", "tweeted", "posted"])


def _speech_verb(toks, v: int) -> bool:
    """A verb that reports a statement whatever its clause: the core of saying, and
    writing only with what was written ("wrote that", "wrote:", not "wrote his thesis")."""
    low = toks[v][0].lower()
    if low in _SPEECH:
        return True
    nxt = toks[v + 1][0] if v + 1 < len(toks) else ""
    return low in _WRITING and (nxt.lower() == "that" or nxt in (":", ",", QUOTE))


def _finding(masked: str, toks, v: int) -> Attribution | None:
    """'A state audit found that ...', 'Polls show ...', 'The data suggest ...': what a
    document or a body of data shows is its account; a person's "suggested" is a
    statement, an abstract subject's ("The move suggests ...") is not."""
    if _not_saying(toks, v, toks[v][0]):
        return None
    found = _subject(masked, toks, v)
    if found is None:
        return None
    words = found.speaker.split()
    head = re.split(r"\s(?:of|in|from|by|for|on|at)\s", found.speaker, maxsplit=1)[0].split()
    if any(re.sub(r"[’']s$", "", w.lower().strip(",.")) in L.DOC_NOUNS for w in head):
        return found
    last = head[-1].lower().strip(",.")
    if toks[v][0].lower() in L.SPOKEN_FINDINGS and (
        any(w[0].isupper() and w.lower() not in L.STARTERS for w in words)
        or last in L.SOURCE_NOUNS
        or last + "s" in L.SOURCE_NOUNS
        or found.speaker.lower() in ("some", "others", "many", "few")
        or speaker_category(found.speaker) in ("org", "group")
    ):
        return found  # "Senator Ann Lee suggested that ...", "Experts concluded ..."
    return None


_STATEMENT_NOUNS = frozenset(
    ["statement", "letter", "note", "post", "tweet", "email", "message", "release", "memo"]
)


def _participle_clause(masked: str, toks, v: int) -> Attribution | None:
    """'X blamed the media, saying ...', 'X issued a statement saying ...': a reporting
    participle after the main clause reports what the main clause's subject said."""
    nxt = toks[v + 1][0].lower() if v + 1 < len(toks) else ""
    if nxt in _NOT_SPEECH_NEXT or nxt[:1].isdigit() or nxt == "$":
        return None  # "adding to the damage", "promising to act", "posting a video"
    if toks[v][0].lower() in _DOING_PARTICIPLES and nxt in ("a", "an", "the"):
        return None
    before = toks[v - 1][0].lower()
    if before == ",":
        return _main_subject(masked, toks, v - 1)
    if before in _STATEMENT_NOUNS:
        return _main_subject(masked, toks, v - 1)
    return None


_NOT_SPEECH_NEXT = frozenset(["to", "up", "for", "on", "in", "out", "off", "over"])
_DOING_PARTICIPLES = frozenset(["adding", "posting", "writing", "asking", "promising", "vowing"])
_INTRO_WORDS = L._words(
    """in on at after before during with while when although though despite for since as
    amid following like unlike if because by from under over without"""
)
_LEADING = frozenset(["but", "and", "yet", "so", "still", "then", "meanwhile", "however"])
_TIME_WORDS = L._words(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tonight
    morning evening afternoon night week month year weekend"""
)
_IRREGULAR_PAST = L._words(
    """took made gave met went came sent began won lost spent held led left kept put got
    ran wrote spoke brought thought found told said stood saw became fought struck threw
    drew broke chose knew rose fell paid sold built hit cut set let sought taught caught
    bought meant felt heard seemed"""
)
_FINITE = L._words(
    """is was are were has had have will would can could may might must should did does
    do"""
)


def main_subject(text: str) -> str | None:
    """The subject of a line's main clause ("The mayor issued the following statement:")."""
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found = _main_subject(text, toks, len(toks) - 1) if toks else None
    return found.speaker if found else None


def _main_subject(masked: str, toks, stop: int) -> Attribution | None:
    """The subject of the sentence's main clause, before its verb and before `stop`:
    past an opening phrase ("In response to ..., X rallied ...") and a time ("Gov. Ann Lee
    on Thursday blamed ..."); None when no noun phrase opens the clause."""
    i = 0
    while i < stop and toks[i][0].lower() in _LEADING | {","}:
        i += 1
    if i < stop and toks[i][0].lower() in _INTRO_WORDS:
        i = next((j + 1 for j in range(i, stop) if toks[j][0] == ","), stop)
    j = i
    while j < stop:
        w = toks[j][0]
        if w == "," and j > i and toks[j - 1][0][0].isupper():
            close = next((c for c in range(j + 1, min(stop, j + 16)) if toks[c][0] == ","), None)
            if close is None:
                return None  # "Erin Lee, the activist, endorsed ...": past the apposition
            j = close + 1
            continue
        if w == "(":  # "Mitch McConnell (R-Ky.) issued ..."
            close = next((c for c in range(j + 1, min(stop, j + 8)) if toks[c][0] == ")"), None)
            if close is None:
                return None
            j = close + 1
            continue
        if w in _FORWARD_STOP or w == QUOTE or _verbish(w, toks, j):
            break
        j += 1
        if j - i > 14:
            return None
    if j == i or j >= stop or toks[j][0] in _FORWARD_STOP or toks[j][0] == QUOTE:
        return None
    end = j - 1
    while end > i and toks[end][0].lower() in _TIME_WORDS:  # "on Thursday", "last week"
        end -= 1
        if end > i and toks[end][0].lower() in ("on", "last", "this", "late", "early"):
            end -= 1
    first = toks[i][0]
    if first.lower() in L.PRONOUNS and end == i:
        return Attribution(first, 2) if L.PRONOUNS[first.lower()] != "narrator" else None
    names = _span(masked, toks, i, end)
    if "(" in names:
        names = names.split("(")[0].strip()
    if "," in names:
        names = names.split(",")[0].strip()  # the name before its apposition
    return Attribution(names, 2) if valid_phrase(names) else None


def _verbish(word: str, toks, j: int) -> bool:
    """Does this token read as the main verb (or its adverb or auxiliary)?"""
    if not word.islower():
        return False
    if word in _FINITE or word in _IRREGULAR_PAST or _adverb(word) or word in L.AUX:
        return True  # "X again sought ...", "X also said ..."
    if len(word) >= 5 and word.endswith("ed"):
        return True
    prev = toks[j - 1][0] if j > 0 else ""
    return (
        word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and prev[:1].isupper()
        and len(word) > 3
    )


def _opening_subject(masked: str, toks, comma: int) -> Attribution | None:
    """'Senator Ann Lee, the Ohio Republican who heads the committee, which oversees the
    fund, said ...': the noun phrase opening the sentence, when all between it and the
    verb is its apposition or relative clause (no stop, no quotation, no second verb
    of saying before it)."""
    start = 1 if toks and toks[0][0].lower() in _LEADING else 0  # "But Tom Fitton, ..."
    first = next((j for j, t in enumerate(toks) if t[0] == ","), None)
    if first is None or first <= start or first >= comma:
        return None
    nxt = toks[first + 1][0].lower()
    if nxt not in ("who", "whose", "which") and not determiner(nxt) and not nxt.isdigit():
        return None  # "After the vote, ...": no apposition (nor an age: "Lee, 58, ...")
    if any(t[0] in (QUOTE, ";", ":", ".") for t in toks[first:comma]):
        return None
    if toks[start][0].lower() in _INTRO_WORDS or first - start > 12:
        return None
    end = first - 1
    paren = next((j for j in range(start, first) if toks[j][0] == "("), None)
    if paren is not None and toks[end][0] == ")":
        end = paren - 1  # "Huron Group Inc. (NASDAQ: HURN), a provider of ..., announced"
    if end < start:
        return None
    phrase = _span(masked, toks, start, end)
    return Attribution(phrase, 2) if valid_phrase(phrase) else None


_DAY_PARTS = frozenset(["night", "morning", "evening", "afternoon"])


def _before_time(toks, k: int) -> int:
    """The index before a time phrase that ends at k ("on Sunday", "Tuesday night",
    "last week"), or k when none does."""
    j = k
    if j >= 0 and toks[j][0].lower() in _DAY_PARTS:
        j -= 1
    if j >= 0 and toks[j][0].lower() in _WEEKDAY_NAMES:
        j -= 1
        if j >= 0 and toks[j][0].lower() in ("on", "last", "this", "late", "early"):
            j -= 1
        return j
    if j >= 1 and toks[j][0].lower() in ("week", "month", "year") and toks[j - 1][0] == "last":
        return j - 2
    return k


_WEEKDAY_NAMES = L._words("monday tuesday wednesday thursday friday saturday sunday")


def _open_paren(toks, k: int) -> int:
    """Index before the '(' that opens the parenthesis closed at k (or -1)."""
    for j in range(k - 1, max(-1, k - 8), -1):
        if toks[j][0] == "(":
            return j - 1
    return -1


def _appositive(masked: str, toks, comma: int) -> Attribution | None:
    """'Jane Doe, a spokeswoman, said' / 'Chuck Schumer, D-N.Y., said' / 'Smith, who ..., said'."""
    k = comma - 1
    while k >= 0 and toks[k][0] not in _BOUNDARY:
        k -= 1
    if k == comma - 1 or k < 0 or toks[k][0] != ",":
        return None
    phrase = _span(masked, toks, k + 1, comma - 1)
    name = _named_before_comma(masked, toks, k)
    first = phrase.split()[0]
    if _PARTY.match(phrase) or first.lower() in _STOP_BACK or participle(first):
        # "Two engineers, speaking anonymously, said": the subject precedes the aside (a
        # guess when it is no name: "The alert began, when ..., said Smith" names Smith)
        if name:
            return name
        before = _phrase_before_comma(masked, toks, k)
        return Attribution(before.speaker, 2) if before else None
    if name is None:
        # "The chief executive of the authority, Gary Scott, added": the role first, the
        # name in apposition to it
        inner = _named_before_comma(masked, toks, comma)
        return inner if inner is not None and " " in inner.speaker else None
    if valid_phrase(phrase) and determiner(phrase.split()[0].lower()):
        return Attribution(f"{name.speaker}, {phrase}", 1)
    return name


def _named_before_comma(masked: str, toks, comma: int) -> Attribution | None:
    """'Jane Doe, a spokeswoman, said': the proper name before an appositive."""
    end = comma - 1
    k = end
    while k >= 0 and toks[k][0] not in _BOUNDARY:
        k -= 1
    if k == end or end - k > 5:
        return None
    if k >= 0 and toks[k][0] not in (QUOTE, ","):
        return None
    words = [t[0] for t in toks[k + 1 : end + 1]]
    if not all(w[0].isupper() for w in words) or words[0].lower() in L.ADVERBS:
        return None
    if len(words) == 1 and words[0].lower() in L.STARTERS:
        return None
    return Attribution(_span(masked, toks, k + 1, end), 1)


def _phrase_before_comma(masked: str, toks, comma: int) -> Attribution | None:
    k = comma - 1
    while k >= 0 and toks[k][0] not in _BOUNDARY:
        k -= 1
    if k == comma - 1 or (k >= 0 and toks[k][0] != QUOTE):
        return None
    phrase = _span(masked, toks, k + 1, comma - 1)
    return Attribution(phrase, 1) if valid_phrase(phrase) else None


def _joins_names(toks, k: int) -> bool:
    return 0 < k < len(toks) - 1 and toks[k - 1][0][0].isupper() and toks[k + 1][0][0].isupper()


def _adverb(word: str) -> bool:
    return word.islower() and len(word) > 4 and word.endswith("ly")


def _inverted(masked: str, toks, v: int) -> Attribution | None:
    """'"...," said Jane Doe, who ...': the speaker follows the verb."""
    if v == 0 or toks[v - 1][0] not in (QUOTE, ","):
        return None
    k = v + 1
    while (
        k < len(toks) and toks[k][0] not in _FORWARD_STOP and toks[k][0].lower() not in _INVERT_STOP
    ):
        k += 1
        if k - v > 10:
            return None
    if k == v + 1:
        return None
    quoted = toks[v - 1][0] == QUOTE
    if not quoted and k < len(toks) and toks[k][0] == QUOTE:
        return None  # "..., said Ms. Lee's donations ''call into question ...''": an object
    phrase = _span(masked, toks, v + 1, k - 1)
    # next to a quotation the phrase may open in lower case ('"...," said conservative
    # activist Bob Klaus'), as a subject before the verb may
    if not valid_phrase(phrase, loose=quoted) or phrase.lower() in L.PRONOUNS:
        return None
    return Attribution(phrase, 0 if quoted else 1)


def _according(masked: str, toks, a: int) -> Attribution | None:
    k = a
    while k < len(toks) and toks[k][0] not in _FORWARD_STOP and k - a < 10:
        w = toks[k][0]
        prev = toks[k - 1][0].lower()
        adjective = "-" in w or prev[:1].isdigit() or determiner(prev)  # "court-released",
        if w.lower() in ("who", "which", "that") or (  # "of 400 registered voters"
            participle(w) and w.endswith("ed") and not adjective
        ):
            break
        k += 1
    while k > a and toks[k - 1][0].lower() in L.SUBORDINATORS:
        k -= 1
    if k == a:
        return None
    phrase = _span(masked, toks, a, k - 1)
    # What follows "according to" names a source, also in lower case ("according to court
    # documents", "according to estimates"), but not in the idioms of manner ("according
    # to plan", "according to the rules").
    if phrase.split()[-1].lower().strip(".,") in _MANNER:
        return None
    if valid_phrase(phrase) or (phrase[0].islower() and valid_phrase("the " + phrase)):
        return Attribution(phrase, 3)
    return None


def _closes_sentence(masked: str, toks, v: int, att: Attribution) -> bool:
    """Does the attribution at verb v end the sentence (", X said." / ", said X.")?"""
    rest = masked[toks[v][2] :].strip().rstrip(".!? ")
    return not rest or rest == att.speaker


def _starts_sentence(masked: str, toks, att: Attribution) -> bool:
    """Does the speaker phrase open the sentence (its first word is the first token)?"""
    return bool(toks) and masked[toks[0][1] :].startswith(att.speaker)


def _ends_sentence(toks, a: int) -> bool:
    """Does the phrase from a run to the end of the sentence (no comma or clause after)?"""
    return all(t[0] not in _BOUNDARY or t[0] in (")", "(") for t in toks[a:])


def _signature(masked: str, toks, dash: int) -> Attribution | None:
    """'“...” ― Krystal Correa': a quotation signed after a dash by the name that ends its
    sentence, as readers' quotes and epigraphs are set."""
    rest = [t for t in toks[dash + 1 :] if t[0] not in (".", ",")]
    if not 1 <= len(rest) <= 6 or not rest[0][0][:1].isupper():
        return None
    if not all(t[0][:1].isupper() or t[0].lower() in _NAME_JOINS for t in rest):
        return None
    if any(t[0].lower().strip(".") in L.LABEL_WORDS for t in rest):
        return None
    return Attribution(_span(masked, toks, dash + 1, len(toks) - 1).rstrip(" ."), 0)


_NAME_JOINS = frozenset(["and", "of", "de", "van", "von", "&"])
_TITLE_ABBR = re.compile(r"(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|St|Jr|Sr|Rev)\.$")


def _colon_name(masked: str, toks, colon: int) -> Attribution | None:
    """'Name: "quote"': a name and a colon before a quotation, as news sets a quote under
    its speaker ("Carl Bialik: “One lesson ...", "... - More from Jones: “...") and as a
    headline quotes its speaker ("Trump: Cruz Has ‘To Come a Long Way’"). The name opens
    the sentence or follows a dash or "from"; it is capitalised words only, and not a
    heading ("Update:", "Watch:"). Opening the sentence, the quotation may come later in
    it; elsewhere it must follow the colon."""
    k = colon - 1
    while k >= 0 and toks[k][0] not in ("-", "—", "–", QUOTE) and toks[k][0].lower() != "from":
        k -= 1
        if colon - k > 6:
            return None
    if k == colon - 1:
        return None
    words = [t[0] for t in toks[k + 1 : colon]]
    opens = k < 0
    if opens:
        if not any(t[0] == QUOTE for t in toks[colon + 1 :]):
            return None
    elif colon + 1 >= len(toks) or toks[colon + 1][0] != QUOTE:
        return None
    if not all(w[0].isupper() or w.lower() in _NAME_JOINS for w in words):
        return None
    if not words[0][0].isupper() or words[-1].lower() in _NAME_JOINS:
        return None
    if any(w.lower().strip(".") in L.LABEL_WORDS for w in words):
        return None
    if len(words) == 1 and (len(words[0]) < 2 or words[0].lower() in L.STARTERS):
        return None
    return Attribution(_span(masked, toks, k + 1, colon - 1), 1)


_MANNER = frozenset(
    ["plan", "plans", "schedule", "script", "rules", "rule", "law", "laws", "protocol"]
    + ["tradition", "custom", "need", "needs", "taste", "instructions", "size", "age"]
)


def _to_speaker(masked: str, toks) -> Attribution | None:
    """'To Alabama coach Nick Saban, those are distractions': the view of a named person."""
    for k in range(1, min(len(toks), 9)):
        if toks[k][0] == ",":
            words = [t[0] for t in toks[1:k]]
            ok = words and words[0].lower() not in ("be", "date", "the", "this", "that")
            if ok and any(w[0].isupper() for w in words):
                return Attribution(_span(masked, toks, 1, k - 1), 4)
            return None
    return None
