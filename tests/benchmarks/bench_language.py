"""Language detection accuracy (factcheck.text.language, lingua in low-accuracy mode).

On the UD sentences of each language's dev and test files (and of English EWT when it is
in the cache), one by one and as the paragraphs extraction_intl.py rebuilds; prints a
Markdown table, then the detector's build time and resident memory.

    .venv/bin/python tests/benchmarks/bench_language.py
"""

from __future__ import annotations

import pathlib
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
import extraction_data as data  # noqa: E402
import extraction_intl as intl  # noqa: E402

from factcheck.text.language import detect_language  # noqa: E402


def rss_mib() -> float:
    status = pathlib.Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def texts(lang: str, split: str):
    """(sentences, paragraphs) of one split, or None when it is not in the cache."""
    if lang == "en":
        path = data.bench_data_dir() / "ud" / "ewt" / f"en_ewt-ud-{split}.conllu"
        docs = data.ud_documents(path) if path.exists() else None
    else:
        docs = intl.load_intl(lang, (split,))
    if not docs:
        return None
    sents = [g["_text"][c["start"] : c["end"]] for g in docs.values() for c in g["claims"]]
    paras = [p for g in docs.values() for p in g["_text"].split("\n\n") if p.strip()]
    return sents, paras


def accuracy(items: list[str], lang: str) -> float:
    return sum(detect_language(t) == lang for t in items) / len(items)


def main() -> None:
    before = rss_mib()
    t = time.perf_counter()
    detect_language("warm-up: build the detector")
    built, after = time.perf_counter() - t, rss_mib()
    rows = [
        "| language | split | sentences | accuracy | paragraphs | accuracy |",
        "|---|---|---|---|---|---|",
    ]
    for lang in ("en", *intl.TREEBANKS):
        for split in ("dev", "test"):
            found = texts(lang, split)
            if found is None:
                rows.append(f"| {lang} | {split} | missing | — | — | — |")
                continue
            sents, paras = found
            rows.append(f"| {lang} | {split} | {len(sents):,} | {accuracy(sents, lang):.3f} | "
                        f"{len(paras):,} | {accuracy(paras, lang):.3f} |")  # fmt: skip
    print("\n".join(rows))
    print(f"\ndetector built in {built:.2f} s; resident memory +{after - before:.1f} MiB")


if __name__ == "__main__":
    main()
