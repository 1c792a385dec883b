"""A learned verdict for the ambiguous sentence-boundary candidates.

The rules of sentences.py / boundary.py find every candidate (a stop, a question or
exclamation mark, the closing quotes or brackets after it) and give their verdict; where
the candidate is ambiguous (not a lower-case word ending on a stop before a capital) an
averaged perceptron over the tokens on either side, with the rules' verdict among its
features, has the last word, except where news English leaves it to the rules
(sentences._rules_own). Lists, bullets, ellipses, datelines, furniture and glued
sentences stay with the rules. Weights ship per language as models/boundary.json.gz
(English) or models/boundary-CODE.json.gz; only English has any today, trained on
Universal Dependencies English treebanks (scripts/train_boundary.py; docs/data-sources.md
names them and their licences). They are read once, lazily, without any network; a
language without weights is split by its rules alone.

Each feature is a plain string ("lw=approx", "rsh=Xx"), so a verdict can be explained by
listing the weights that made it (Model.explain()).
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import pathlib

from factcheck.text.splitting import lexicon as L

MODELS = pathlib.Path(__file__).with_name("models")
MODEL_PATH = MODELS / "boundary.json.gz"  # English; another language: boundary-CODE.json.gz
_OPEN = "\"“‘'«([„‚`"
_MAX_TOKEN = 40  # characters of a token looked at on either side (bounded work)
_ZEROS = itertools.repeat(0.0)  # the weight of a feature never seen in training


@functools.lru_cache(maxsize=8192)
def shape(token: str) -> str:
    """A token's shape, runs collapsed: "Obama" Xx, "U.S" X.X, "2024" d, "e-mail" x-x."""
    out = []
    for ch in token[:12]:
        c = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _left_token(text: str, i: int) -> str:
    """The whitespace-delimited token that ends at i (the punctuation run starts at i)."""
    k = i
    lo = max(0, i - _MAX_TOKEN)
    while k > lo and not text[k - 1].isspace():
        k -= 1
    return text[k:i]


def _right_token(text: str, w: int) -> str:
    e = w
    hi = min(len(text), w + _MAX_TOKEN)
    while e < hi and not text[e].isspace():
        e += 1
    return text[w:e]


def model_path(code: str = "en") -> pathlib.Path:
    """Where a language's weights are shipped."""
    return MODEL_PATH if code == "en" else MODELS / f"boundary-{code}.json.gz"


_EN_LISTS = (("title", L.TITLES), ("numpfx", L.NUMBER_PREFIX), ("month", L.MONTH_ABBR),
             ("wday", L.WEEKDAY_ABBR), ("amb", L.AMBIGUOUS))  # fmt: skip


def _lexical(low: str, lang=None) -> str:
    """Which abbreviation list of the lexicon (of the language's Profile, when given) a
    word is in ('' for none), the first that holds it."""
    lists = _EN_LISTS if lang is None else (
        ("title", lang.titles), ("numpfx", lang.number_prefix), ("month", lang.months),
        ("amb", lang.ambiguous),
    )  # fmt: skip
    return next((name for name, words in lists if low in words), "")


def clear_end(text: str, i: int, j: int, k: int, w: int, rule: bool, lang=None) -> bool:
    """The plain case the rules never get wrong enough to ask: a stop after a lower-case
    word of three letters or more that no abbreviation list holds, nothing but spaces
    after it, a capitalised word next ("... the vote. The")."""
    if not rule or j - i != 1 or k != j or text[i] not in ".!?" or k + 1 != w:
        return False
    if not (w < len(text) and text[w].isupper()):
        return False
    a = i - 1
    lo = max(0, i - 3)
    while a >= lo and text[a].islower():
        a -= 1
    if i - a <= 3:
        return False  # fewer than three lower-case letters before the stop
    word = _left_token(text, i).lower()
    return (
        word.isalpha() and not _lexical(word, lang) and (lang is not None or word not in L.STATES)
    )


def features(
    text: str, i: int, j: int, k: int, w: int, rule: bool, sent: int, lang=None
) -> list[str]:
    """The features of the candidate text[i:j] (punctuation), text[j:k] (closers), the next
    token at w, the current sentence opened at sent; rule: the rules' verdict; lang: the
    language's Profile (None: English), whose word lists replace the lexicon's."""
    left = _left_token(text, i)
    core = left.lstrip(_OPEN)
    low = core.lower()
    right = _right_token(text, w) if w < len(text) else ""
    rcore = right.lstrip(_OPEN)
    rlow = rcore.lower().rstrip(".,;:!?\"”’')]»")
    punct = text[i:j]
    punct = punct if len(punct) <= 3 else punct[:2] + "+"
    closers = "".join("q" if c in "\"”’'»“‘«" else "b" for c in text[j:k][:3])
    lsh = shape(core)
    rsh = shape(rcore)
    ropen = "".join("q" if c in "\"“‘'«„‚`" else "b" for c in right[: len(right) - len(rcore)][:2])
    lex = _lexical(low.rsplit(".", 1)[-1] if "." in low else low, lang)
    gap = text[k:w]
    r = "R1" if rule else "R0"
    length = w - sent
    blen = "s" if length < 20 else "m" if length < 60 else "l"
    rstart = rlow in (L.STARTERS if lang is None else lang.starters)
    return [
        "b",
        r,
        "p=" + punct,
        r + "p=" + punct,
        "c=" + closers,
        "pc=" + punct + closers,
        "lw=" + low[-15:],
        "lsh=" + lsh,
        "llen=" + str(min(len(core), 6)),
        "lex=" + lex,
        r + "lex=" + lex,
        "rw=" + rlow[:15],
        "rsh=" + rsh,
        "ro=" + ropen,
        "rst=" + str(rstart),
        "gap=" + ("nl" if "\n" in gap else "2" if len(gap) > 1 else "1"),
        "len=" + blen,
        r + "rsh=" + rsh,
        "p_rsh=" + punct + closers + "_" + ropen + rsh,
        "lsh_rsh=" + lsh + "_" + rsh,
        "lw_rsh=" + low[-15:] + "_" + rsh[:2],
        "lex_rst=" + lex + "_" + str(rstart),
        "lw_rw=" + low[-10:] + "_" + rlow[:10],
        "len_rsh=" + blen + rsh[:2] + punct,
    ]


class Model:
    """Weights of an averaged perceptron: score > threshold means a sentence ends."""

    def __init__(self, weights: dict[str, float], threshold: float = 0.0, meta=None):
        self.weights = weights
        self.threshold = threshold
        self.meta = meta or {}

    def score(self, feats: list[str]) -> float:
        return sum(map(self.weights.get, feats, _ZEROS))

    def ends(self, feats: list[str]) -> bool:
        return self.score(feats) > self.threshold

    def explain(self, feats: list[str], top: int = 5) -> list[tuple[str, float]]:
        """The features that weighed most in a verdict, heaviest first."""
        found = [(f, self.weights[f]) for f in feats if f in self.weights]
        return sorted(found, key=lambda fw: -abs(fw[1]))[:top]

    def to_json(self) -> dict:
        return {"threshold": self.threshold, "meta": self.meta, "weights": self.weights}


def active(code: str = "en") -> Model | None:
    """The model the splitter asks for a language, or None (no weights shipped for it: its
    rules decide alone; ``engine.analyze(learned=False)`` does not ask)."""
    if code not in _ACTIVE:
        _ACTIVE[code] = load(str(model_path(code)))
    return _ACTIVE[code]


_ACTIVE: dict[str, Model | None] = {}


@functools.cache
def load(path: str | None = None) -> Model | None:
    """The shipped model (None when its file is absent: the rules decide alone)."""
    p = pathlib.Path(path) if path else MODEL_PATH
    if not p.exists():
        return None
    with gzip.open(p, "rt", encoding="utf-8") as f:
        raw = json.load(f)
    return Model(raw["weights"], raw.get("threshold", 0.0), raw.get("meta"))


def save(model: Model, path: pathlib.Path) -> None:
    """Write the weights deterministically (sorted keys, no name nor timestamp in the gzip header)."""
    data = json.dumps(model.to_json(), sort_keys=True, separators=(",", ":")).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        f.write(data)


# ---------------------------------------------------------------- training
def train(samples: list[tuple[list[str], bool]], epochs: int = 8, seed: int = 0) -> Model:
    """An averaged perceptron over (features, ends) samples, in a fixed shuffled order
    per epoch (random.Random(seed)): the same samples always give the same weights."""
    import random

    rng = random.Random(seed)
    order = list(range(len(samples)))
    w: dict[str, float] = {}
    total: dict[str, float] = {}  # sum of updates weighted by when they happened
    step = 1
    for _ in range(epochs):
        rng.shuffle(order)
        for n in order:
            feats, y = samples[n]
            s = sum(w.get(f, 0.0) for f in feats)
            if (s > 0) != y:
                d = 1.0 if y else -1.0
                for f in feats:
                    w[f] = w.get(f, 0.0) + d
                    total[f] = total.get(f, 0.0) + d * step
            step += 1
    avg = {f: round(w[f] - total[f] / step, 4) for f in w}
    return Model({f: v for f, v in sorted(avg.items()) if abs(v) >= 1e-3})
