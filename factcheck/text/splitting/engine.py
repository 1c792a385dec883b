"""The splitting pipeline: lines -> furniture -> units -> sentences -> speakers -> claims."""

from __future__ import annotations

from factcheck.text.splitting import furniture
from factcheck.text.splitting.attribution import QUOTE, has_cue
from factcheck.text.splitting.languages import profile
from factcheck.text.splitting.layout import Line, Unit, build_units, scan_lines
from factcheck.text.splitting.meta import build_meta
from factcheck.text.splitting.model import Boilerplate, ClaimSpan, SplitResult
from factcheck.text.splitting.phrases import speaker_type
from factcheck.text.splitting.quotes import QuoteSpan, QuoteTracker, title_spans
from factcheck.text.splitting.sentences import split_unit
from factcheck.text.splitting.speakers import Sentence, assign_speakers
from factcheck.text.splitting.worthiness import score_words, words_of

_DATELINE_WINDOW = 8  # a dateline opens one of the first paragraphs of text
_DATELINE_LATE = 40  # ... or, with its date, opens the release under a list of highlights
_QUOTE_SHARE = 0.4  # a sentence mostly inside quotation marks is a quote


def analyze(body: str, language: str = "en", learned: bool = True) -> SplitResult:
    """Split an article body into claims, boilerplate spans and metadata, by the rules of
    the language (an ISO 639-1 code; English rules for a language without its own). In
    English the learned source tagger finds speakers the rules miss (learned=False: the
    rules alone, as the benchmark compares)."""
    lang = profile(language)
    lines = scan_lines(body)
    furniture.mark_lines(lines, lang)
    units = build_units(lines)
    extra, dateline = _strip_dateline(body, units, lines, lang)
    extra += furniture.strip_run_in_times(body, units)
    sents = _sentences(body, units, lang, learned)
    assign_speakers(body, sents, lang, learned)
    extra += furniture.strip_turn_labels(body, sents)
    claims = tuple(_claim(body, s) for s in sents if s.end > s.start)
    boiler = [Boilerplate(ln.start, ln.end, ln.kind) for ln in lines if ln.kind]
    boiler.extend(extra)
    boiler.sort(key=lambda b: b.start)
    return SplitResult(claims, tuple(boiler), build_meta(lines, dateline))


def _strip_dateline(body: str, units: list[Unit], lines: list[Line], lang=None):
    """Move a dateline out of the first sentence of its paragraph into the boilerplate."""
    for n, u in enumerate(units):
        if n >= _DATELINE_LATE:
            break
        m = furniture.find_dateline(body[u.start : u.end], lang)
        if m is None or (n == 0 and not m.group("agency")):
            continue
        if n >= _DATELINE_WINDOW and not _dated(m):
            continue
        spot = Boilerplate(u.start, u.start + m.end("dash"), "dateline")
        place = body[u.start : u.start + m.start("dash")].strip()
        u.start += m.end()
        return [spot], (place, m.group("agency"))
    return [], None


def _dated(m) -> bool:
    """A dateline with a date and a real dash ("CHICAGO – April 25, 2012 –"): a press
    release's, wherever its highlights have pushed it."""
    groups = m.re.groupindex
    return "date" in groups and bool(m.group("date")) and m.group("dash") in {"—", "–", "--"}


def _sentences(body: str, units: list[Unit], lang=None, learned: bool = True) -> list[Sentence]:
    tracker = QuoteTracker()
    out: list[Sentence] = []
    para = None
    for u in units:
        if u.start >= u.end:
            continue
        if para is not None and u.para != para:
            tracker.new_paragraph(body, u.start)
        para = u.para
        inside = tracker.is_open()
        qspans = tracker.feed(body, u.start, u.end)
        qi = 0
        titles = title_spans(qspans, body, 2 if lang is not None and lang.nouns_capitalised else 1)
        for s, e in split_unit(body, u.start, u.end, titles, lang, learned):
            while qi < len(qspans) and qspans[qi].end <= s:
                qi += 1
            sent = _sentence(body, s, e, u.para, qspans, qi, lang)
            sent.starts_inside = inside
            out.append(sent)
            inside = _continues_past(qspans, qi, e)
    return out


def _continues_past(qspans: list[QuoteSpan], qi: int, e: int) -> bool:
    """Is a quotation still open after position e?"""
    for k in range(qi, len(qspans)):
        q = qspans[k]
        if q.start >= e:
            return False
        if q.end > e or (q.end == e and not q.closed):
            return True
    return False


def _sentence(body: str, s: int, e: int, para: int, qspans: list[QuoteSpan], qi: int, lang=None):
    sent = Sentence(s, e, para)
    text = body[s:e]
    low = text.lower()
    words = words_of(low)
    sent.score, sent.reasons = score_words(text, low, words, lang)
    cue = has_cue(text, low, words) if lang is None else lang.has_cue(low)
    if qi >= len(qspans) or qspans[qi].start >= e:
        sent.masked = text if cue else ""
        return sent
    cuts = []
    seen = set()
    sent.regions = []
    for k in range(qi, len(qspans)):
        q = qspans[k]
        if q.start >= e:
            break
        a, b = max(q.start, s), min(q.end, e)
        sent.quoted += b - a
        if q.region not in seen:
            seen.add(q.region)
            sent.regions.append(q.region)
        if a <= s + 1:
            sent.lead_quote = True
        cuts.append((a, b))
    if cue:
        sent.masked = _mask(body, s, e, cuts)
    return sent


def _mask(body: str, s: int, e: int, cuts: list[tuple[int, int]]) -> str:
    """The sentence with each quotation replaced by one QUOTE token."""
    pieces = []
    pos = s
    for a, b in cuts:
        pieces.append(body[pos:a])
        pieces.append(f" {QUOTE} ")
        pos = b
    pieces.append(body[pos:e])
    return "".join(pieces)


def _claim(body: str, s: Sentence) -> ClaimSpan:
    is_quote = s.starts_inside or s.quoted >= _QUOTE_SHARE * (s.end - s.start)
    text = body[s.start : s.end]
    kind = speaker_type(s.speaker)
    conf = round(s.confidence, 2) if s.speaker else None
    return ClaimSpan(s.start, s.end, text, s.speaker, is_quote, s.score, s.reasons, kind, conf)
