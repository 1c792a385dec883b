"""How likely two claims are the same check: a calibrated probability, not a string ratio.

"Previously checked" used to show rapidfuzz's WRatio, whose partial matching gives ~86 on
almost any pair of short sentences sharing a few words, so unrelated claims looked like
matches. Here a handful of explainable features (word overlap, numbers that agree or
conflict, opposite directions, a negation on one side) feed a logistic model whose
weights are fitted on the desk's own labelled pairs (`tests/benchmarks/data/similar_pairs.tsv`,
dev half) by `tests/benchmarks/calibrate_similar.py`, which also picks the threshold below
which a candidate is not shown. The weights live in `similarity_weights.py` (generated).
"""

from __future__ import annotations

import math
import re

from rapidfuzz import fuzz

from factcheck.text import similarity_weights as _w

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d[\d,.]*", re.UNICODE)
_STOP = frozenset(
    ["a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "it", "its", "this", "that", "these", "those", "he", "she", "they", "them", "his", "her", "their", "we", "our", "you", "your", "i", "said", "says", "say", "according", "who", "which", "what", "when", "where", "how", "into", "about", "over", "after", "before", "some", "any", "all", "also", "than", "then", "there", "here", "will", "would", "could", "should", "may", "might", "can", "do", "does", "did", "per", "each", "every", "new", "told", "added", "stated", "claimed", "announced", "reported", "according", "official", "officials", "spokesman", "spokeswoman", "spokesperson", "statement", "report", "show", "shows", "showed", "data", "figures"]
)  # fmt: skip
_UP = frozenset(
    ["rose", "rise", "rises", "risen", "rising", "increase", "increased", "increases", "up", "higher", "grew", "grow", "grows", "grown", "gained", "gain", "raised", "raise", "lifted", "more", "doubled", "tripled", "high", "highest", "topped", "passed", "above", "surplus", "profit", "built", "open", "opened", "reopen", "win", "won"]
)  # fmt: skip
_DOWN = frozenset(
    ["fell", "fall", "falls", "fallen", "falling", "drop", "dropped", "drops", "decrease", "decreased", "decreases", "declined", "decline", "down", "lower", "shrank", "shrink", "shrunk", "cut", "cuts", "lost", "lose", "loss", "fewer", "less", "halved", "low", "lowest", "below", "deficit", "closed", "close", "died", "destroyed"]
)  # fmt: skip
_NEGATION = frozenset(
    ["not", "no", "never", "none", "without", "zero", "nothing", "nobody", "n't", "cannot"]
)
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "twelve": "12", "fifteen": "15", "twenty": "20", "thirty": "30", "fifty": "50",
    "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000", "half": "0.5",
}  # fmt: skip

FEATURES = (
    "token_set", "coverage", "same_words", "numbers_agree", "numbers_conflict", "direction", "one_sided_direction",
    "negation",
)  # fmt: skip


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _tokens(value: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _WORD.findall(value.replace("’", "'"))]


def _numbers(tokens: list[str]) -> set[str]:
    found = set()
    for t in tokens:
        if t[0].isdigit():
            found.add(t.rstrip(".,").replace(",", ""))
        elif t in _NUMBER_WORDS and t not in ("hundred", "thousand", "million", "billion"):
            found.add(_NUMBER_WORDS[t])
    return found


def _direction(tokens: set[str]) -> int:
    up, down = bool(tokens & _UP), bool(tokens & _DOWN)
    return 1 if up and not down else -1 if down and not up else 0


def features(a: str, b: str) -> dict[str, float]:
    """The explainable features of a pair, each in [0, 1]."""
    ta, tb = _tokens(a), _tokens(b)
    ca = {_stem(t) for t in ta if t not in _STOP and not t[0].isdigit()}
    cb = {_stem(t) for t in tb if t not in _STOP and not t[0].isdigit()}
    shared = len(ca & cb)
    na, nb = _numbers(ta), _numbers(tb)
    da, db_ = _direction(set(ta)), _direction(set(tb))
    nega = any(t in _NEGATION or t.endswith("n't") for t in ta)
    negb = any(t in _NEGATION or t.endswith("n't") for t in tb)
    return {
        "token_set": fuzz.token_set_ratio(a, b, processor=str.lower) / 100.0,
        "coverage": shared / min(len(ca), len(cb)) if ca and cb else 0.0,
        "same_words": 1.0 if ca and ca == cb else 0.0,
        "numbers_agree": 1.0 if na and na == nb else 0.0,
        "numbers_conflict": 1.0 if na and nb and not (na & nb) else 0.0,
        "direction": 1.0 if da and db_ and da != db_ else 0.0,
        "one_sided_direction": 1.0 if bool(da) != bool(db_) else 0.0,
        "negation": 1.0 if nega != negb else 0.0,
    }


def probability(a: str, b: str) -> float:
    """P(same check) for two claims' statements, from the calibrated weights."""
    f = features(a, b)
    z = _w.INTERCEPT + sum(_w.WEIGHTS[name] * f[name] for name in FEATURES)
    return 1.0 / (1.0 + math.exp(-z))


THRESHOLD = _w.THRESHOLD
