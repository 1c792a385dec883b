"""The claim-splitting engine: pure Python, standard library only, no Flask, no database.

An article body goes in; claims (one per sentence, with exact character spans,
speaker and check-worthiness), boilerplate spans and metadata come out. Sentence
boundaries are the rules' (sentences.py, boundary.py, languages/), with a learned verdict
on the ambiguous English candidates (learned.py: weights shipped in models/, read once).
"""

from __future__ import annotations

from heapq import merge
from operator import itemgetter

from factcheck.text.splitting.engine import analyze
from factcheck.text.splitting.model import (
    SPEAKER_UNCLEAR,
    ArticleMeta,
    Boilerplate,
    ClaimSpan,
    SplitResult,
)
from factcheck.text.splitting.worthiness import score_checkworthiness

__all__ = [
    "SPEAKER_UNCLEAR",
    "ArticleMeta",
    "Boilerplate",
    "ClaimSpan",
    "SplitResult",
    "analyze",
    "score_checkworthiness",
    "split_article",
    "split_for_bench",
]


def split_article(body: str) -> list[ClaimSpan]:
    """The claims of an article body, in order."""
    return list(analyze(body).claims)


def split_for_bench(text: str, language: str = "en", learned: bool = True) -> list[dict]:
    """Adapter for the benchmark harness: claims and boilerplate as dicts, by position."""
    result = analyze(text, language, learned)
    claims = [
        {"start": c.start, "end": c.end, "speaker": c.speaker, "boilerplate": False}
        for c in result.claims
    ]
    spans = [
        {"start": b.start, "end": b.end, "speaker": None, "boilerplate": True}
        for b in result.boilerplate
    ]
    return list(merge(claims, spans, key=itemgetter("start")))
