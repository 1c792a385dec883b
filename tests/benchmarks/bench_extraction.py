"""Extraction benchmark: our splitter against pysbd and syntok on public corpora.

Prints one Markdown table, dev and test side by side for each system, over the shared
development set, Universal Dependencies English (GUM news, all GUM, EWT), PolNeAR
(speakers) and the newsroom's annotated pages; then speed and memory of our pipeline.
Metrics come from the shared scorer (../shared/bench/splitting/score.py). The corpora
live in FACTCHECK_BENCH_DATA (default /work/cache/factcheck-bench; see
docs/data-sources.md and extraction_prepare.py); a missing one is named, not fatal.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python tests/benchmarks/bench_extraction.py [--datasets "GUM news,pages"] [--json F]
    .venv/bin/python tests/benchmarks/bench_extraction.py --update-split   # pages/split.json
    .venv/bin/python tests/benchmarks/bench_extraction.py --show-misses "GUM news"  # dev half
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import extraction_data as data  # noqa: E402
import extraction_intl as intl  # noqa: E402
import extraction_speakers as speakers  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
SYSTEMS = ("ours", "pysbd", "syntok")
HALVES = ("dev", "test")
SOURCE_SPLITS = {"dev": ("train", "dev"), "test": ("test",)}  # UD's own splits
# PolNeAR's dev half is its dev split alone: the source tagger is trained on its train split
# (factcheck/text/splitting/train_attribution.py), which would flatter a dev figure
POLNEAR_SPLITS = {"dev": ("dev",), "test": ("test",)}
PAGE_LANGS = ("es", "fr", "de", "pt")  # "pages LANG": our pages in that language
DATASET_LANG = {f"pages {lang}": lang for lang in PAGE_LANGS}  # any other dataset: "en"
PYSBD_LANG = {"pt": "es"}  # pysbd has no Portuguese rules: its Spanish ones stand in
S = data.load_scorer()


# ---------------------------------------------------------------- systems
def ours(language: str = "en"):
    """Our engine, as the shared harness runs it (with the language's rules)."""
    from factcheck.text.splitting import split_for_bench

    if language == "en":
        return split_for_bench
    return lambda text: split_for_bench(text, language=language)


def rules(language: str = "en"):
    """Our engine with its learned models switched off (the boundary model and the source
    tagger): the rules alone."""
    from factcheck.text.splitting import split_for_bench

    return lambda text: split_for_bench(text, language=language, learned=False)


def pysbd_split(language: str = "en"):
    """pysbd's segments, located in the text in order (its char_span mode is unreliable)."""
    import pysbd
    from pysbd.languages import LANGUAGE_CODES

    code = PYSBD_LANG.get(language, language)
    if code not in LANGUAGE_CODES:
        return None  # no such language in pysbd: its column says —
    seg = pysbd.Segmenter(language=code, clean=False)
    return lambda text: locate(text, seg.segment(text))


def syntok_split(language: str = "en"):  # syntok has one set of rules (en, es, de)
    """syntok's sentences as spans from their first to their last token."""
    from syntok import segmenter

    def split(text):
        return [
            (s[0].offset, s[-1].offset + len(s[-1].value))
            for para in segmenter.analyze(text)
            for s in para
            if s
        ]

    return split


def locate(text: str, segments: list[str]) -> list[tuple[int, int]]:
    """Spans of segments found one after another in text."""
    spans, pos = [], 0
    for seg in segments:
        seg = seg.strip()
        at = text.find(seg, pos) if seg else -1
        if at >= 0:
            spans.append((at, at + len(seg)))
            pos = at + len(seg)
    return spans


def tagger_alone(language: str = "en"):
    """Our claims, each with the source tagger's phrase as its speaker, as it stands (no
    rules, no pronoun resolved, no quotation continued): what the learned model knows."""
    from factcheck.text.splitting import source_tagger, split_for_bench

    tagger = source_tagger.load()

    def split(text):
        items = split_for_bench(text, language=language, learned=False)
        for it in items:
            found = None if it["boilerplate"] else tagger.source(text[it["start"] : it["end"]])
            it["speaker"] = found[0] if found and found[1] >= 0 else None
        return items

    return split


# "en-rules": our engine with its English rules on every language (the figure before the
# language profiles; ask for it with --systems ours,en-rules); "rules": ours without its
# learned models, the source tagger and the boundary model (--systems ours,rules);
# "tagger": the tagger's speakers alone
FACTORIES = {"ours": ours, "pysbd": pysbd_split, "syntok": syntok_split,
             "en-rules": lambda language="en": ours("en"), "rules": rules,
             "tagger": tagger_alone}  # fmt: skip


def run(split, gold: dict) -> dict:
    """The system's items for every document."""
    return {name: [S.as_item(x) for x in split(g["_text"])] for name, g in gold.items()}


# ---------------------------------------------------------------- metrics
def claim_metrics(gold: dict, out: dict) -> dict:
    """Boundary, boilerplate and speaker figures from the shared scorer."""
    res = S.score_articles(gold, out)
    kept = {n: [it | {"boilerplate": False} for it in items] for n, items in out.items()}
    b, bp, sp = res["boundary"], res["boilerplate"], res["speaker"]
    return {
        "docs": len(gold),
        "gold claims": b["gold"],
        "boundary F1": b["f1"],
        "boundary P": b["precision"],
        "boundary R": b["recall"],
        "boundary F1, dropped kept": S.score_articles(gold, kept)["boundary"]["f1"],
        "boilerplate R (chars)": bp["char_recall"] if bp["gold_spans"] else None,
        "boilerplate P (chars)": bp["char_precision"] if bp["gold_spans"] else None,
        "speaker accuracy": sp["accuracy"] if sp["gold_with_speaker"] else None,
        "speaker accuracy, strict": sp["accuracy_strict"] if sp["gold_with_speaker"] else None,
        "invented-speaker rate": sp["spurious_speaker_rate"] if sp["gold_with_speaker"] else None,
    }


# ---------------------------------------------------------------- datasets
def datasets() -> dict:
    """name -> (loader of one half, metric function, systems that can be scored)."""
    halves = SOURCE_SPLITS
    return {
        "dev set (shared)": (devset, claim_metrics, SYSTEMS),
        "GUM news": (lambda h: data.load_ud("gum", halves[h], "GUM_news"), claim_metrics, SYSTEMS),
        "GUM all": (lambda h: data.load_ud("gum", halves[h]), claim_metrics, SYSTEMS),
        "EWT": (lambda h: data.load_ud("ewt", halves[h]), claim_metrics, SYSTEMS),
        "PolNeAR": (lambda h: polnear(POLNEAR_SPLITS[h]), speakers.polnear_metrics, ("ours",)),
        "pages": (lambda h: pages(h, "en"), claim_metrics, SYSTEMS),
        **{
            n: (functools.partial(pages, lang=lang), claim_metrics, SYSTEMS)
            for n, lang in DATASET_LANG.items()
        },
        **{
            f"UD {lang}": (
                lambda h, lang=lang: intl.load_intl(lang, halves[h]),
                claim_metrics,
                SYSTEMS,
            )
            for lang in intl.TREEBANKS
        },
    }


def language_of(dataset: str) -> str:
    """The language a dataset is written in ("UD de" -> "de", "pages fr" -> "fr")."""
    if dataset in DATASET_LANG:
        return DATASET_LANG[dataset]
    return dataset[3:] if dataset.startswith("UD ") and dataset[3:] in intl.TREEBANKS else "en"


FOLDERS = {"GUM news": "ud/gum", "GUM all": "ud/gum", "EWT": "ud/ewt", "PolNeAR": "polnear"}
FOLDERS |= {n: "pages/gold" for n in ("pages", *DATASET_LANG)}
FOLDERS.update({f"UD {lang}": f"ud/{lang}" for lang in intl.TREEBANKS})
NOTES: list[str] = []


def devset(half: str) -> dict | None:
    """The shared development set: all of it is development; it has no test half."""
    return S.load_gold() if half == "dev" else None


def polnear(splits: tuple[str, ...]) -> dict | None:
    """PolNeAR gold, noting the articles left out."""
    loaded = data.load_polnear(splits)
    if loaded is None:
        return None
    docs, skipped = loaded
    if skipped:
        NOTES.append(f"PolNeAR {'+'.join(splits)}: {len(skipped)} article(s) without CoreNLP")
    return docs


def pages(half: str, lang: str) -> dict | None:
    """Our annotated pages in one language, of one half of split.json."""
    loaded = data.load_pages(half, lang)
    if loaded is None:
        return None
    docs, unassigned = loaded
    if unassigned and half == "dev":
        NOTES.append(f"pages not in split.json (run --update-split): {', '.join(unassigned)}")
    return docs


# ---------------------------------------------------------------- evaluation
def evaluate(names: list[str], systems: tuple[str, ...]) -> dict:
    """results[dataset][half][system] = metrics; None where the data is missing."""
    made: dict = {}
    results = {}
    for name in names:
        load, metrics, able = datasets()[name]
        try:
            splitters = made.setdefault(
                language_of(name), {s: FACTORIES[s](language_of(name)) for s in systems}
            )
        except ImportError as e:
            sys.exit(f"{e}: install the peers with .venv/bin/pip install -e '.[bench]'")
        results[name] = {}
        for half in HALVES:
            gold = load(half)
            results[name][half] = gold and {
                s: metrics(gold, timed(name, half, s, splitters[s], gold))
                for s in systems
                if (s in able or s in ("en-rules", "rules", "tagger")) and splitters[s] is not None
            }
    return results


def timed(dataset: str, half: str, system: str, split, gold: dict) -> dict:
    """Run a system over a dataset half, saying how long it took (on stderr)."""
    t = time.perf_counter()
    out = run(split, gold)
    chars = sum(len(g["_text"]) for g in gold.values())
    took = time.perf_counter() - t
    print(f"  {dataset} {half} {system}: {chars:,} chars in {took:.1f} s", file=sys.stderr)
    return out


def cell(v) -> str:
    """A table cell: figures to 3 places, counts as integers, — for none."""
    if v is None:
        return "—"
    return f"{v:,}" if isinstance(v, int) else f"{v:.3f}"


def table(results: dict, systems: tuple[str, ...]) -> str:
    """One Markdown table: a row per dataset and metric, dev | test per system."""
    head = "| dataset | metric | " + " | ".join(f"{s} dev | {s} test" for s in systems) + " |"
    rows = [head, "|---|---|" + "---|---|" * len(systems)]
    for name, halves in results.items():
        metrics = next((m for h in HALVES if halves[h] for m in halves[h].values()), None)
        if metrics is None:
            rows.append(f"| {name} | **missing** |" + " — | — |" * len(systems))
            continue
        for metric in (k for k, v in metrics.items() if not isinstance(v, dict)):
            vals = [(halves[h] or {}).get(s, {}).get(metric) for s in systems for h in HALVES]
            if any(v is not None for v in vals):  # e.g. no boilerplate gold in UD
                rows.append(f"| {name} | {metric} | " + " | ".join(map(cell, vals)) + " |")
    return "\n".join(rows)


def cue_table(results: dict) -> str:
    """PolNeAR speaker accuracy of ours per cue type."""
    halves = results.get("PolNeAR", {})
    if not halves.get("dev"):
        return ""
    cues = halves["dev"]["ours"]["by cue"]
    test = (halves.get("test") or {}).get("ours", {}).get("by cue", {})
    rows = ["| PolNeAR cue | n dev | ours dev | n test | ours test |", "|---|---|---|---|---|"]
    for cue, v in sorted(cues.items(), key=lambda kv: -kv[1]["n"]):
        t = test.get(cue, {})
        rows.append(
            f"| {cue} | {v['n']:,} | {cell(v['accuracy'])} | "
            f"{cell(t.get('n'))} | {cell(t.get('accuracy'))} |"
        )
    return "\n".join(rows)


# ---------------------------------------------------------------- speed
SIZES = (1 << 18, 1 << 20, 1 << 22)  # 1/4, 1 and 4 MiB of text: is it linear?


def time_split(split, text: str, runs: int = 3) -> dict:
    """Median wall and CPU seconds of splitting text (CPU time is less hurt by neighbours)."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        split(text)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    mb = len(text.encode("utf-8")) / 1e6
    return {"MB": mb, "s": statistics.median(wall), "cpu_s": statistics.median(cpu)}


def speed_child() -> None:
    """In a fresh process on one core: time and peak RSS at 1/4, 1 and 4 MiB (JSON)."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    split = ours()
    gold = S.load_gold()
    split(S.big_input(gold, 20000)[:20000])  # warm-up
    before = peak_rss_mib()
    rows = []
    for size in SIZES:  # ascending, so each row's peak is the peak for that size
        row = time_split(split, S.big_input(gold, size)[:size])
        rows.append(row | {"peak_rss_mib": peak_rss_mib()})
    print(json.dumps({"rows": rows, "before_mib": before}))


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited from the parent
    that forked it with every corpus loaded)."""
    status = pathlib.Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def speed() -> str:
    """Speed and memory of our pipeline, measured in a child process."""
    cmd = [sys.executable, __file__, "--speed-child"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = json.loads(subprocess.run(cmd, check=True, capture_output=True, env=env).stdout)
    rows = [
        "| input (built from the dev set) | wall | MB/s | s per MB | CPU | MB/s of CPU time "
        "| peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in res["rows"]:
        mb, s, cpu = r["MB"], r["s"], r["cpu_s"]
        rows.append(
            f"| {mb:.2f} MB | {s:.3f} s | {mb / s:.2f} | {s / mb:.3f} | {cpu:.3f} s | "
            f"{mb / cpu:.2f} | {r['peak_rss_mib']:.1f} MiB |"
        )
    load = " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    return "\n".join(rows) + (
        f"\n\none core, median of 3 runs; RSS {res['before_mib']:.1f} MiB after imports and a "
        f"20 kB warm-up; load average {load}"
    )


def show_misses(name: str, n: int) -> None:
    """Our missed gold claims on a dataset's dev half (never the test half: tune on dev)."""
    gold = datasets()[name][0]("dev")
    if not gold:
        return print(f"missing: {name}")
    missed = S.score_articles(gold, run(ours(language_of(name)), gold))["missed_gold_claims"]
    print(f"{len(missed)} of {sum(len(g['claims']) for g in gold.values())} gold claims missed")
    for m in missed[:n]:
        print(f"{m['article']} #{m['id']}: {m['text'][:120]!r}")


def parse_args() -> argparse.Namespace:
    """The command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", help="comma-separated subset of: " + ", ".join(datasets()))
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--json", type=pathlib.Path, help="also write the figures here")
    ap.add_argument("--update-split", action="store_true", help="assign new pages a half")
    ap.add_argument("--show-misses", metavar="DATASET", help="our misses on its dev half")
    ap.add_argument("--limit", type=int, default=40, help="how many misses to show")
    ap.add_argument(
        "--ud-dev-only",
        action="store_true",
        help="the dev half of UD/PolNeAR is their dev split alone (without train: a model "
        "trained on UD train is judged on text it never saw)",
    )
    ap.add_argument("--speed-child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    a.datasets = [n.strip() for n in a.datasets.split(",")] if a.datasets else list(datasets())
    a.systems = tuple(s.strip() for s in a.systems.split(","))
    unknown = set(a.datasets) - set(datasets()) | set(a.systems) - set(FACTORIES)
    if unknown:
        ap.error(f"unknown: {', '.join(sorted(unknown))}")
    return a


def main() -> None:
    """Print the table (and the cue breakdown, the speed table)."""
    a = parse_args()
    if a.ud_dev_only:
        SOURCE_SPLITS["dev"] = ("dev",)
    if a.speed_child:
        return speed_child()
    if a.update_split:
        return print(data.update_split())
    if a.show_misses:
        return show_misses(a.show_misses, a.limit)
    results = evaluate(a.datasets, a.systems)
    print(f"data: {data.bench_data_dir()}\n\n{table(results, a.systems)}\n")
    print(cue_table(results))
    for note in NOTES:
        print(f"\nnote: {note}")
    for name in (n for n, r in results.items() if not any(r.values())):
        where = data.bench_data_dir() / FOLDERS.get(name, "")
        print(f"\nmissing: {name}: nothing in {where} (docs/data-sources.md says how to fill it)")
    if not a.no_speed:
        print("\n" + speed())
    if a.json:
        a.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
