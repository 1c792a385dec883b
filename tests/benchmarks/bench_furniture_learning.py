"""Would a learned furniture-line classifier beat the rules? (issue #16, "learn what is
better learned"). Measured on the DEV halves of the desk's pages only, leaving one page
out: each page is scored by a model trained on every other dev page, so no page is judged
by weights that saw it. The test halves are not read.

    .venv/bin/python tests/benchmarks/bench_furniture_learning.py [--thresholds 0,2,4,6,8,12]

The model: an averaged perceptron over each line's layout and lexical features (its words,
first and last word, length, final character, capitals, digits, links, separators, place
on the page, whether it stands alone, and the rules' verdict on it and its neighbours),
stacked on the rules: a line the rules mark stays marked, the model may only add lines.
Words are features only when they occur on at least --min-pages other pages (a word of
one page cannot generalise). Printed per threshold, English and the other four languages
apart: character recall and precision of gold boilerplate over the lines marked (the
rules alone, then rules + model), and the gold claims whose text would be dropped.

Needs the pages in FACTCHECK_BENCH_DATA (`pages_corpus.py prepare`, README.md).
A hand-written perceptron: the figure decides whether a model belongs in the engine at
all; scikit-learn is not a dependency of the product for an experiment.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extraction_data as ed  # noqa: E402

from factcheck.text.splitting import furniture  # noqa: E402
from factcheck.text.splitting.languages import profile  # noqa: E402
from factcheck.text.splitting.layout import scan_lines  # noqa: E402

_WORD = re.compile(r"\w+")
_LEXICAL = ("t=", "w0=", "wl=", "w01=")


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return next((str(e) for e in edges if n <= e), "more")


def features(lines, i: int, lang: str) -> list[str]:
    line = lines[i]
    text, low = line.text, line.text.lower()
    words = _WORD.findall(low)
    tokens = text.split()
    f = ["bias", f"kind={line.kind or '-'}", f"lang={lang}"]
    f.append("w=" + _bucket(len(words), (1, 2, 3, 5, 8, 12, 20, 35)))
    last = text[-1]
    f.append("end=" + (last if last in '.!?:;"”’)»|' else "d" if last.isdigit() else "a"))
    caps = sum(1 for t in tokens if t[:1].isupper())
    f.append("caps=" + _bucket(10 * caps // max(1, len(tokens)), (2, 5, 8, 10)))
    for name, hit in (("url", re.search(r"https?://|www\.|\.com\b", low)), ("at", "@" in text),
                      ("copy", "©" in text or "copyright" in low), ("digit", re.search(r"\d", text)),
                      ("sep", re.search(r"[|•»›]", text)), ("allcaps", text.isupper() and len(text) > 3)):  # fmt: skip
        if hit:
            f.append(name)
    n = len(lines)
    where = "first" if i < 2 else "top" if i < 0.1 * n else "last" if i >= n - 2 else (
        "bottom" if i > 0.9 * n else "mid")  # fmt: skip
    f.append("pos=" + where)
    prev = lines[i - 1] if i else None
    nxt = lines[i + 1] if i + 1 < n else None
    f.append(f"pk={prev.kind if prev else 'START'}")
    f.append(f"nk={nxt.kind if nxt else 'END'}")
    alone = (prev is None or prev.para != line.para) and (nxt is None or nxt.para != line.para)
    f.append(f"alone={alone}")
    if words:
        f += ["w0=" + words[0], "wl=" + words[-1]]
        if len(words) > 1:
            f.append(f"w01={words[0]}_{words[1]}")
    f += ["t=" + w for w in sorted(set(words[:12]))]
    return f


def page_rows(name: str) -> dict:
    d = ed.pages_dir()
    body = ed.read_text(d / "articles" / f"{name}.txt")
    gold = json.loads((d / "gold" / f"{name}.json").read_text("utf-8"))
    lang = gold.get("lang", "en")
    lines = scan_lines(body)
    furniture.mark_lines(lines, profile(lang))
    spans = [(b["start"], b["end"]) for b in gold["boilerplate_spans"]]
    rows = []
    for i, line in enumerate(lines):
        covered = sum(max(0, min(e, line.end) - max(s, line.start)) for s, e in spans)
        size = line.end - line.start
        rows.append((features(lines, i, lang), covered >= 0.5 * size, line.kind is not None, size))
    claims = [(c["start"], c["end"]) for c in gold["claims"]]
    return {"lang": lang, "lines": lines, "rows": rows, "claims": claims}


def train(rows, epochs: int = 8, seed: int = 1) -> dict[str, float]:
    """Averaged perceptron (Collins 2002), deterministic: fixed seed and epoch count."""
    w: dict[str, float] = collections.defaultdict(float)
    total: dict[str, float] = collections.defaultdict(float)
    stamp: dict[str, int] = collections.defaultdict(int)
    t = 0
    rows = list(rows)
    rnd = random.Random(seed)
    for _ in range(epochs):
        rnd.shuffle(rows)
        for f, y, _rule, _size in rows:
            sign = 1 if y else -1
            if sign * sum(w.get(x, 0.0) for x in f) <= 0:
                t += 1
                for x in f:
                    total[x] += (t - stamp[x]) * w[x]
                    stamp[x] = t
                    w[x] += sign
    t = max(t, 1)
    return {x: (total[x] + (t - stamp[x]) * w[x]) / t for x in w}


def dropped_claims(page: dict, marked: list[bool]) -> int:
    spans = [(ln.start, ln.end) for ln, m in zip(page["lines"], marked, strict=True) if m]
    out = 0
    for a, b in page["claims"]:
        if sum(max(0, min(e, b) - max(s, a)) for s, e in spans) >= 0.5 * (b - a):
            out += 1
    return out


def figures(pages: dict, marks: dict) -> tuple[float, float, int]:
    tp = fp = fn = dropped = 0
    for name, page in pages.items():
        for (_f, y, _rule, size), m in zip(page["rows"], marks[name], strict=True):
            tp += size if m and y else 0
            fp += size if m and not y else 0
            fn += size if y and not m else 0
        dropped += dropped_claims(page, marks[name])
    return tp / max(1, tp + fn), tp / max(1, tp + fp), dropped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--thresholds", default="0,2,4,6,8,12")
    ap.add_argument("--min-pages", type=int, default=2)
    args = ap.parse_args()
    split = json.loads((ed.pages_dir() / "split.json").read_text("utf-8"))
    pages = {n: page_rows(n) for n, half in sorted(split.items()) if half == "dev"}
    models = {}
    for name in pages:  # leave one page out
        seen = collections.Counter()
        for other, page in pages.items():
            if other != name:
                seen.update({x for f, *_ in page["rows"] for x in f if x.startswith(_LEXICAL)})
        keep = {x for x, c in seen.items() if c >= args.min_pages}
        rows = [([x for x in f if not x.startswith(_LEXICAL) or x in keep], y, r, s)
                for other, page in pages.items() if other != name for f, y, r, s in page["rows"]]  # fmt: skip
        models[name] = train(rows)
    print(f"dev halves only, leave one page out; {len(pages)} pages")
    print(
        "| languages | pages | threshold | rules R / P | rules + model R / P | claims dropped (rules → + model) |"
    )
    print("|---|---|---|---|---|---|")
    for label, langs in (("en", {"en"}), ("es fr de pt", {"es", "fr", "de", "pt"})):
        group = {n: p for n, p in pages.items() if p["lang"] in langs}
        rules = {n: [r[2] for r in p["rows"]] for n, p in group.items()}
        rr, rp, rd = figures(group, rules)
        for thr in (float(x) for x in args.thresholds.split(",")):
            learned = {n: [r[2] or sum(models[n].get(x, 0.0) for x in r[0]) > thr for r in p["rows"]]
                       for n, p in group.items()}  # fmt: skip
            lr, lp, ld = figures(group, learned)
            print(
                f"| {label} | {len(group)} | {thr:g} | {rr:.3f} / {rp:.3f} | {lr:.3f} / {lp:.3f} | {rd} → {ld} |"
            )


if __name__ == "__main__":
    main()
