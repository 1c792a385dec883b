"""A learned source tagger: who a sentence's account belongs to, as PolNeAR marks it.

An averaged structured perceptron labels each token of a sentence B (begins the source),
I (inside it) or O, decoded with Viterbi, over explainable token features: the word and
its neighbours in lower case, word shape, suffix, whether it is inside quotation marks,
its distance to the nearest cue word before and after it and which word that is (the
lexicon's verbs and the cue words PolNeAR's annotators marked, learned from the training
half), "according to" before it, and its position in the sentence. It is trained on
PolNeAR's training half only (train_attribution.py; docs/data-sources.md says what the
weights are derived from), ships as a gzipped JSON of weights and is loaded once,
lazily, from the package: no network, standard library only.

The engine asks it only where the rules find no speaker in a sentence with a verb of
saying (speakers._tagged); the rules still decide the rest (quotations continued,
transcript labels, pronouns resolved to the person named before). Only the tokens near
the cue words are tagged, and each word's weights are summed once and cached, which
keeps the tagger to a few per cent of the pipeline's time.
"""

from __future__ import annotations

import functools
import gzip
import json
import pathlib
import re

from factcheck.text.splitting import lexicon as L

MODEL_PATH = pathlib.Path(__file__).with_name("models") / "attribution.json.gz"
TAGS = ("O", "B", "I")
TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}|[A-Z]\.(?=\s)|(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|St"
    r"|Jr|Sr|Rev|Mt)\.|\w[\w’'\-]*(?:\.\w[\w’'\-]*)*|[^\w\s]"
)
_OPEN, _CLOSE, _BOTH = frozenset("“«"), frozenset("”»"), frozenset('"')
LEXICON_CUES = L.REPORT_VERBS | L.FINDING_VERBS | L.REPORT_PARTICIPLES | {"according"}
_BEFORE_CUE, _AFTER_CUE = 16, 12  # the tokens around the cue words a source is sought in
_WORD_CACHE = 50000  # words whose weights are kept summed
_LETTERS = re.compile(r"[a-z]+")
_SHAPE = re.compile(r"[A-Z]+|[a-z]+|[0-9]+|[^A-Za-z0-9]+")


@functools.lru_cache(maxsize=_WORD_CACHE)  # bounded: a worker splits for months
def _shape(word: str) -> str:
    """'McCain' -> 'XxXx', 'U.S.' -> 'X.X.', '2016' -> 'd' (runs collapsed)."""
    out = []
    for run in _SHAPE.findall(word):
        c = run[0]
        out.append("X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c)
    return "".join(out)[:6]


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-6" if n <= 6 else "7+"


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of a sentence."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def word_roles(word: str, cues: frozenset[str]) -> tuple[list[str], ...]:
    """The features a word gives the token it is, and the tokens 2 and 1 after it and
    1 and 2 before it: (as itself, as w-1, as w-2, as w+1, as w+2)."""
    low = word.lower()
    shape = _shape(word)
    own = ["w=" + low, "s=" + shape, "x3=" + low[-3:]]
    if low in cues:
        own.append("cue")
    if low in L.PRONOUNS:
        own.append("pron")
    if low in L.TITLES:
        own.append("title")
    return own, ["w-1=" + low], ["w-2=" + low], ["w+1=" + low, "s+1=" + shape], ["w+2=" + low]


_EDGE = (["w-1=<s>"], ["w-2=<s>"], ["w+1=</s>", "s+1=</s>"], ["w+2=</s>"])


def context_keys(
    words: list[str], cues: frozenset[str], lo: int = 0, hi: int | None = None
) -> list[tuple[tuple, ...]]:
    """What every token (of those from lo to hi) knows beyond its own words, as keys of
    feature groups (group_features spells them out): its position and whether it is in
    quotation marks; the nearest cue after it and how far; the nearest cue before it; its
    shape after the word before's; "according to" just before it."""
    n = len(words)
    hi = n if hi is None else hi
    lows = [w.lower() for w in words]
    is_cue = [w in cues for w in lows]
    inq, state = [], False
    for w in words:
        if w in _OPEN:
            state = True
        elif w in _CLOSE:
            state = False
        elif w in _BOTH:
            state = not state
        inq.append("1" if state else "0")
    nxt_cue = [None] * n
    k = None
    for i in range(n - 1, -1, -1):
        if is_cue[i]:
            k = i
        nxt_cue[i] = k
    shapes = [_shape(w) for w in words]
    out = []
    k = None  # the last cue before i
    for i in range(n):
        if lo <= i < hi:
            j = nxt_cue[i]
            keys = (
                ("p", _bucket(i), _bucket(n - 1 - i), inq[i]),
                ("n", _bucket(j - i), lows[j], inq[i]) if j is not None else ("n",),
                ("c", _bucket(i - k), lows[k]) if k is not None else ("c",),
                ("s", shapes[i - 1] if i else "<s>", shapes[i]),
                ("a", i >= 2 and lows[i - 2] == "according" and lows[i - 1] == "to"),
            )
            out.append(keys)
        if is_cue[i]:
            k = i
    return out


@functools.lru_cache(maxsize=_WORD_CACHE)
def group_features(key: tuple) -> tuple[str, ...]:
    """The features of one group key of context_keys."""
    kind = key[0]
    if kind == "p":
        return ("b", "p=" + key[1], "e=" + key[2], "q=" + key[3])
    if kind == "n":
        if len(key) == 1:
            return ("nc=none",)
        d, word, q = key[1:]
        return ("nc=" + d, "ncw=" + d + word, "ncq=" + d + q)
    if kind == "c":
        return () if len(key) == 1 else ("pc=" + key[1], "pcw=" + key[1] + key[2])
    if kind == "s":
        return ("s-1s=" + key[1] + key[2],)
    return ("acc",) if key[1] else ()


def context_features(words: list[str], cues: frozenset[str]) -> list[list[str]]:
    """The context features of every token, spelt out."""
    return [[f for key in keys for f in group_features(key)] for keys in context_keys(words, cues)]


def sentence_features(words: list[str], cues: frozenset[str]) -> list[list[str]]:
    """All the features of every token (the previous tag is added while decoding)."""
    n = len(words)
    roles = [word_roles(w, cues) for w in words]
    out = []
    for i, f in enumerate(context_features(words, cues)):
        f = f + roles[i][0]
        f += roles[i - 1][1] if i >= 1 else _EDGE[0]
        f += roles[i - 2][2] if i >= 2 else _EDGE[1]
        f += roles[i + 1][3] if i + 1 < n else _EDGE[2]
        f += roles[i + 2][4] if i + 2 < n else _EDGE[3]
        out.append(f)
    return out


class Tagger:
    """The weights: feature -> [O, B, I]; the learned cue words."""

    def __init__(self, weights: dict[str, list[float]], cues: frozenset[str]) -> None:
        self.weights = weights
        self.cues = cues
        self._words: dict[str, tuple] = {}
        self._groups: dict[tuple, tuple] = {}
        self._edge = tuple(self._vector(f) for f in _EDGE)

    def emissions(self, feats: list[str]) -> list[float]:
        """Scores of O, B and I for one token (the previous tag aside)."""
        return list(self._vector(feats))

    def _vector(self, feats: list[str]) -> tuple[float, float, float]:
        o = b = i = 0.0
        get = self.weights.get
        for f in feats:
            w = get(f)
            if w is not None:
                o += w[0]
                b += w[1]
                i += w[2]
        return (o, b, i)

    def _word(self, word: str) -> tuple[tuple[float, float, float], ...]:
        """A word's summed weights in each of its five roles (cached per word)."""
        vecs = self._words.get(word)
        if vecs is None:
            if len(self._words) > _WORD_CACHE:
                self._words.clear()
            vecs = self._words[word] = tuple(self._vector(r) for r in word_roles(word, self.cues))
        return vecs

    def fast_emissions(self, words: list[str], lo: int = 0, hi: int | None = None):
        """What emissions(f) gives for sentence_features(words)[lo:hi], summed per word
        role from the cache instead of feature by feature."""
        n = len(words)
        hi = n if hi is None else hi
        vecs = [self._word(w) for w in words[max(0, lo - 2) : hi + 2]]
        vecs = [None] * max(0, lo - 2) + vecs
        edge = self._edge
        groups = self._groups
        out = []
        for i, keys in enumerate(context_keys(words, self.cues, lo, hi), lo):
            o = b = c = 0.0
            for key in keys:
                v = groups.get(key)
                if v is None:
                    if len(groups) > _WORD_CACHE:
                        groups.clear()
                    v = groups[key] = self._vector(group_features(key))
                o += v[0]
                b += v[1]
                c += v[2]
            for v in (
                vecs[i][0],
                vecs[i - 1][1] if i >= 1 else edge[0],
                vecs[i - 2][2] if i >= 2 else edge[1],
                vecs[i + 1][3] if i + 1 < n else edge[2],
                vecs[i + 2][4] if i + 2 < n else edge[3],
            ):
                o += v[0]
                b += v[1]
                c += v[2]
            out.append([o, b, c])
        return out

    def transitions(self) -> dict[str, list[float]]:
        """prev tag -> scores of O, B, I after it (I never after O or the start)."""
        out = {}
        for prev in ("<s>", *TAGS):
            w = list(self.weights.get("t-1=" + prev, (0.0, 0.0, 0.0)))
            if prev in ("<s>", "O"):
                w[2] = -1e9
            out[prev] = w
        return out

    def tag(
        self, words: list[str], feats=None, lo: int = 0, hi: int | None = None
    ) -> tuple[list[str], list[list[float]]]:
        """The best tags of words[lo:hi] (Viterbi over O/B/I) and each token's emission
        scores (from the features given while training: the weights change, so nothing is
        cached)."""
        trans = self.transitions()
        if feats is None:
            ems = self.fast_emissions(words, lo, hi)
        else:
            ems = [self.emissions(f) for f in feats]
        if not ems:
            return [], []
        start = trans["<s>"]
        (oo, ob, oi), (bo, bb, bi), (io, ib, ii) = trans["O"], trans["B"], trans["I"]
        so, sb, si = (ems[0][k] + start[k] for k in range(3))
        back = []
        for eo, eb, ei in ems[1:]:  # 3 tags, unrolled: this loop is the tagger's cost
            po, pb, pi = so + oo, sb + bo, si + io
            no, ko = (po, 0) if po >= pb and po >= pi else (pb, 1) if pb >= pi else (pi, 2)
            po, pb, pi = so + ob, sb + bb, si + ib
            nb, kb = (po, 0) if po >= pb and po >= pi else (pb, 1) if pb >= pi else (pi, 2)
            po, pb, pi = so + oi, sb + bi, si + ii
            ni, ki = (po, 0) if po >= pb and po >= pi else (pb, 1) if pb >= pi else (pi, 2)
            so, sb, si = no + eo, nb + eb, ni + ei
            back.append((ko, kb, ki))
        k = 0 if so >= sb and so >= si else 1 if sb >= si else 2
        path = [k]
        for ptr in reversed(back):
            k = ptr[k]
            path.append(k)
        path.reverse()
        return [TAGS[k] for k in path], ems

    def source(self, text: str) -> tuple[str, float, int] | None:
        """The sentence's source phrase as written (the best-scored B-I run), its score
        (the smallest margin of its tokens) and where it starts in text, or None."""
        if self.cues.isdisjoint(_LETTERS.findall(text.lower())):
            return None  # no cue word: nothing to tag
        toks = tokenize(text)
        words = [t[0] for t in toks]
        cues = [i for i, w in enumerate(words) if w.lower() in self.cues]
        if not cues:
            return None
        lo, hi = max(0, cues[0] - _BEFORE_CUE), min(len(toks), cues[-1] + _AFTER_CUE)
        tags, ems = self.tag(words, None, lo, hi)
        tags = ["O"] * lo + tags + ["O"] * (len(toks) - hi)
        ems = [None] * lo + ems
        best, k = None, 0
        while k < len(toks):
            if tags[k] != "B":
                k += 1
                continue
            j = k + 1
            while j < len(toks) and tags[j] == "I":
                j += 1
            a, b = k, j
            while a < b and not toks[a][0][0].isalnum():
                a += 1  # a stray comma or dash at either end
            while b > a and not toks[b - 1][0][0].isalnum():
                b -= 1
            # how much better the run is as a source than as no source
            score = sum(ems[x][1 if x == k else 2] - ems[x][0] for x in range(k, j))
            if a < b and (best is None or score > best[2]):
                best = (a, b, score)
            k = j
        if best is None:
            return None
        a, b, score = best
        return text[toks[a][1] : toks[b - 1][2]], score, toks[a][1]


@functools.cache
def load(path: pathlib.Path = MODEL_PATH) -> Tagger | None:
    """The shipped tagger (None when the file is absent)."""
    if not path.exists():
        return None
    with gzip.open(path, "rt", encoding="utf-8") as f:
        raw = json.load(f)
    weights = {f: tuple(w) for f, w in raw["weights"].items()}
    return Tagger(weights, frozenset(raw["cues"]) | LEXICON_CUES)
