"""Train the learned sentence-boundary model (factcheck/text/splitting/learned.py).

Candidates are the places where the splitter's rules ask a question (a stop, a question
or exclamation mark, a semicolon or colon, with the closing quotes after it) and are not
the plain case; each is labelled by whether a Universal Dependencies sentence ends there.
Training data: the train splits of UD_English-EWT (CC BY-SA 4.0) and of UD_English-GUM,
GUM's documents limited to the genres its LICENSE.txt puts under CC BY or the public
domain (Wikinews news, interviews, biographies; Wikivoyage; OpenStax textbooks; YouTube
CC vlogs; political speeches; Santa Barbara conversations), so that the shipped weights
carry no non-commercial text (see docs/data-sources.md). The dev splits only report
accuracy (at a few thresholds); the test splits are never read here. Deterministic: a fixed document
order, a seeded shuffle, rounded weights, a gzip without a timestamp.

    make train-boundary
    .venv/bin/python scripts/train_boundary.py [--out PATH] [--epochs N] [--eval]
"""

from __future__ import annotations

import argparse
import bisect
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

from factcheck.text.splitting import learned, sentences  # noqa: E402
from factcheck.text.splitting.engine import analyze  # noqa: E402

GUM_OPEN = ("news", "interview", "bio", "voyage", "textbook", "vlog", "speech", "conversation")


def gum_licensed(name: str) -> bool:
    """A GUM document of a genre released under CC BY or in the public domain."""
    parts = name.split("_")
    return len(parts) > 1 and parts[1] in GUM_OPEN


def corpus(split: str) -> dict:
    """Gold documents of one UD split: EWT, and the openly licensed part of GUM."""
    import extraction_data as data

    docs = {}
    ewt = data.load_ud("ewt", (split,))
    gum = data.load_ud("gum", (split,))
    if ewt is None or gum is None:
        sys.exit(
            f"UD {split} files missing from {data.bench_data_dir()}/ud (extraction_prepare.py)"
        )
    docs.update({f"ewt:{n}": g for n, g in ewt.items()})
    docs.update({f"gum:{n}": g for n, g in gum.items() if gum_licensed(n)})
    return dict(sorted(docs.items()))


def other_corpus(lang: str, split: str, conllu: pathlib.Path | None) -> dict:
    """Another language: train documents rebuilt from a CoNLL-U file given (the mirrors
    hold no GSD train split), dev = the benchmark's dev documents of that language."""
    import extraction_intl as intl

    if split == "dev":
        return dict(sorted(intl.load_intl(lang, ("dev",)).items()))
    if conllu is None:
        sys.exit(f"--lang {lang} needs --train-conllu (no {lang} train split in the cache)")
    return dict(sorted(intl.chunked_documents(conllu).items()))


def samples_of(gold: dict, lang: str = "en") -> list[tuple[list[str], bool]]:
    """(features, a sentence ends here) for every candidate the rules would ask about."""
    out = []
    sentences.COLLECT = []
    try:
        for g in gold.values():
            sentences.COLLECT.clear()
            analyze(g["_text"], lang)
            ends = sorted(c["end"] for c in g["claims"])
            for feats, i, w in sentences.COLLECT:
                k = bisect.bisect_right(ends, i)  # first gold end after i
                out.append((feats, k < len(ends) and ends[k] <= w))
    finally:
        sentences.COLLECT = None
    return out


def thresholds(model: learned.Model, dev: list[tuple[list[str], bool]]) -> str:
    """Dev accuracy at a few thresholds (the shipped one is the perceptron's own, 0)."""
    scores = [(model.score(f), y) for f, y in dev]
    return ", ".join(
        f"{t:+g}: {sum((s > t) == y for s, y in scores) / max(1, len(scores)):.4f}"
        for t in (-4, -2, -1, 0, 1, 2, 4)
    )


def accuracy(model: learned.Model, samples) -> float:
    return sum(model.ends(f) == y for f, y in samples) / max(1, len(samples))


def rules_accuracy(samples) -> float:
    return sum(("R1" in f) == y for f, y in samples) / max(1, len(samples))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="en")
    ap.add_argument("--train-conllu", type=pathlib.Path, help="another language's train text")
    ap.add_argument("--out", type=pathlib.Path)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--eval", action="store_true", help="only print dev accuracy")
    a = ap.parse_args()
    if a.lang == "en":
        train, dev = samples_of(corpus("train")), samples_of(corpus("dev"))
    else:
        train = samples_of(other_corpus(a.lang, "train", a.train_conllu), a.lang)
        dev = samples_of(other_corpus(a.lang, "dev", None), a.lang)
    a.out = a.out or learned.model_path(a.lang)
    model = learned.train(train, epochs=a.epochs)
    trained_on = "UD_English-EWT train; UD_English-GUM train, genres " + ",".join(GUM_OPEN)
    model.meta = {
        "trained_on": trained_on if a.lang == "en" else str(a.train_conllu.name),
        "candidates": len(train),
        "epochs": a.epochs,
    }
    print(
        f"candidates train {len(train):,} dev {len(dev):,}; features {len(model.weights):,}; "
        f"threshold {model.threshold}\n"
        f"dev accuracy: rules {rules_accuracy(dev):.4f}, model {accuracy(model, dev):.4f}\n"
        f"dev accuracy by threshold: {thresholds(model, dev)}"
    )
    if not a.eval:
        learned.save(model, a.out)
        print(f"wrote {a.out} ({a.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
