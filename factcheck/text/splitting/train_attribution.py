"""Train the source tagger (source_tagger.py) on PolNeAR's training half.

    make train-attribution
    python -m factcheck.text.splitting.train_attribution [--data DIR] [--out FILE]

Reads FACTCHECK_BENCH_DATA/polnear/train (default /work/cache/factcheck-bench; see
docs/data-sources.md): each article's text, CoreNLP sentences and brat attributions.
Each sentence is labelled with the source of the attribution whose content covers most
of it, when that source lies in the sentence (B on its first token, I on the rest, O
elsewhere); a sentence without a cue word is left out, as the tagger never sees one.
Deterministic: sorted files, a fixed seed for the order of the sentences, averaged
weights rounded and written with sorted keys. Only the training half is read: the dev
half chooses how the engine uses the tagger, the test half judges it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pathlib
import random
import re
import sys
from collections import Counter, defaultdict

from factcheck.text.splitting import lexicon as L
from factcheck.text.splitting.source_tagger import (
    LEXICON_CUES,
    MODEL_PATH,
    TAGS,
    Tagger,
    sentence_features,
    tokenize,
)

DEFAULT_DATA = "/work/cache/factcheck-bench"
EPOCHS = 4
SEED = 16
MIN_CUE = 8  # times a word is marked part of a cue to become a learned cue word
CUE_SHARE = 0.25  # ... and the share of its occurrences that are cues
MIN_WEIGHT = 2.0  # a feature none of whose averaged weights reaches this is dropped (on
# PolNeAR dev the tagger is as good with the 16k features left as with all 56k)
_ANN_ID = re.compile(r"[TE]\d+$")


# ---------------------------------------------------------------- PolNeAR
def read_text(path: pathlib.Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_ann(path: pathlib.Path) -> list[dict]:
    """Attributions of a brat file: source spans, cue spans, content spans."""
    rows = [r for r in (x.split("\t") for x in read_text(path).splitlines()) if len(r) > 1]
    rows = [r for r in rows if _ANN_ID.match(r[0])]
    spans = {}
    for r in rows:
        if r[0][0] == "T":
            field = r[1].split(" ", 1)[1]
            spans[r[0]] = [tuple(map(int, p.split())) for p in field.split(";")]
    out = []
    for r in rows:
        if r[0][0] != "E":
            continue
        args = dict(a.split(":", 1) for a in r[1].split() if ":" in a)
        if args.get("Content") in spans:
            out.append(
                {
                    "source": spans.get(args.get("Source", ""), []),
                    "cue": spans.get(args.get("Cue", ""), []),
                    "content": spans[args["Content"]],
                }
            )
    return out


def utf16_to_str(text: str):
    """CoreNLP's UTF-16 offsets -> str offsets."""
    if all(ord(ch) < 0x10000 for ch in text):
        return lambda k: k
    table = [i for i, ch in enumerate(text) for _ in range(2 if ord(ch) >= 0x10000 else 1)]
    table.append(len(text))
    return lambda k: table[min(k, len(table) - 1)]


def _overlap(a, b) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def articles(split_dir: pathlib.Path):
    """(text, sentence spans, attributions) per article (the first annotator's file)."""
    anns = defaultdict(list)
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        anns[re.sub(r"_[0-9a-f]{4}\.ann$", "", ann.name)].append(ann)
    for stem, files in sorted(anns.items()):
        sent_path = split_dir / "sentences" / f"{stem}.json"
        if not sent_path.exists():
            continue
        text = read_text(split_dir / "text" / f"{stem}.txt")
        conv = utf16_to_str(text)
        sents = [(conv(s), conv(e)) for s, e in json.loads(read_text(sent_path))]
        yield text, sents, read_ann(files[0])


def labelled(text: str, span: tuple[int, int], atts: list[dict]):
    """Tokens of one sentence and their gold tags."""
    s, e = span
    toks = tokenize(text[s:e])
    tags = ["O"] * len(toks)
    scored = [(sum(_overlap(span, c) for c in a["content"]), n) for n, a in enumerate(atts)]
    best = max((x for x in scored if x[0] > 0), default=None)
    if best is not None:
        src = atts[best[1]]["source"]
        if src and all(s <= a and b <= e for a, b in src):
            first = True
            for k, (_, ts, te) in enumerate(toks):
                if any(_overlap((s + ts, s + te), x) for x in src):
                    tags[k] = "B" if first else "I"
                    first = False
    return [t[0] for t in toks], tags


def learned_cues(docs) -> list[str]:
    """Words often marked as (part of) a cue: 'believes', 'wants', 'poll' ..."""
    marked, seen = Counter(), Counter()
    for text, _, atts in docs:
        for w in re.findall(r"[a-z]+", text.lower()):
            seen[w] += 1
        for a in atts:
            for x, y in a["cue"]:
                for w in re.findall(r"[a-z]+", text[x:y].lower()):
                    marked[w] += 1
    return sorted(
        w
        for w, c in marked.items()
        if c >= MIN_CUE
        and c >= CUE_SHARE * seen[w]
        and len(w) >= 3
        and w not in L.STARTERS
        and w not in L.AUX
        and w not in LEXICON_CUES
    )


def examples(docs, cues: frozenset[str]) -> list[tuple[list[str], list[str]]]:
    """(words, tags) of every sentence with a cue word."""
    out = []
    for text, sents, atts in docs:
        for span in sents:
            words, tags = labelled(text, span, atts)
            if any(w.lower() in cues for w in words):
                out.append((words, tags))
    return out


# ---------------------------------------------------------------- the perceptron
def train(
    data, cues: frozenset[str], epochs: int = EPOCHS, seed: int = SEED, min_weight=MIN_WEIGHT
) -> dict:
    """Structured averaged perceptron (Collins 2002) over Viterbi decoding; the weights,
    averaged over every sentence seen."""
    weights: dict[str, list[float]] = {}
    totals: dict[str, list[float]] = {}
    stamps: dict[str, list[int]] = {}
    clock = 0
    tagger = Tagger(weights, cues)
    order = list(range(len(data)))
    rng = random.Random(seed)
    index = {t: k for k, t in enumerate(TAGS)}

    def add(f: str, k: int, delta: float) -> None:
        w = weights.get(f)
        if w is None:
            w = weights[f] = [0.0, 0.0, 0.0]
            totals[f] = [0.0, 0.0, 0.0]
            stamps[f] = [0, 0, 0]
        totals[f][k] += (clock - stamps[f][k]) * w[k]
        stamps[f][k] = clock
        w[k] += delta

    feats_of = [sentence_features(words, cues) for words, _ in data]
    for _ in range(epochs):
        rng.shuffle(order)
        for n in order:
            clock += 1
            gold = data[n][1]
            guess, _ = tagger.tag(data[n][0], feats_of[n])
            if guess == gold:
                continue
            gp = pp = "<s>"
            for feats, g, p in zip(feats_of[n], gold, guess, strict=True):
                if g != p:
                    for f in feats:
                        add(f, index[g], 1.0)
                        add(f, index[p], -1.0)
                if g != p or gp != pp:
                    add("t-1=" + gp, index[g], 1.0)
                    add("t-1=" + pp, index[p], -1.0)
                gp, pp = g, p
    averaged = {}
    for f, w in weights.items():
        avg = [
            round((totals[f][k] + (clock - stamps[f][k]) * w[k]) / max(1, clock), 3)
            for k in range(3)
        ]
        if max(map(abs, avg)) >= min_weight:
            averaged[f] = avg
    return dict(sorted(averaged.items()))


def build(data_dir: pathlib.Path, epochs: int = EPOCHS) -> dict:
    """The model (weights and learned cue words) from a PolNeAR folder's train half."""
    docs = list(articles(data_dir / "polnear" / "train"))
    if not docs:
        sys.exit(f"no PolNeAR train articles in {data_dir / 'polnear' / 'train'}")
    cues = learned_cues(docs)
    all_cues = frozenset(cues) | LEXICON_CUES
    data = examples(docs, all_cues)
    print(f"{len(docs)} articles, {len(data)} sentences with a cue, {len(cues)} learned cues")
    weights = train(data, all_cues, epochs)
    return {"trained_on": "PolNeAR train", "epochs": epochs, "cues": cues, "weights": weights}


def save(model: dict, out: pathlib.Path) -> None:
    """Gzipped JSON with sorted keys and no timestamp in the gzip header (reproducible)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(model, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(out, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as z:
        z.write(raw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("FACTCHECK_BENCH_DATA", DEFAULT_DATA)
    ap.add_argument("--data", type=pathlib.Path, default=pathlib.Path(default))
    ap.add_argument("--out", type=pathlib.Path, default=MODEL_PATH)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    a = ap.parse_args()
    model = build(a.data, a.epochs)
    save(model, a.out)
    print(f"{len(model['weights'])} features -> {a.out} ({a.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
