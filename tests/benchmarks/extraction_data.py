"""Loaders of bench_extraction.py: each corpus as the shared scorer's gold dicts.

A gold dict maps a document name to {"claims": [...], "boilerplate_spans": [...],
"_text": text}, the shape score.py's score_articles takes. Corpora live outside the
repository, in FACTCHECK_BENCH_DATA (default /work/cache/factcheck-bench); a loader
returns None when its files are not there.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import pathlib
import re
import sys
from collections import defaultdict

from factcheck.text.splitting.train_attribution import (
    utf16_to_str,
)  # CoreNLP offsets, as training reads them

DEFAULT_DATA = "/work/cache/factcheck-bench"
ROOT = pathlib.Path(__file__).resolve().parents[2]
GENRES = (
    "wire-",
    "local-",
    "live-",
    "transcript-",
    "release-",
    "sports-",
    "factcheck-",
    "opinion-",
    "obit-",
    "science-",
    "finance-",
)


@functools.cache
def load_scorer():
    """The shared scorer module (../shared/bench/splitting/score.py from the checkout)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        path = base / "shared" / "bench" / "splitting" / "score.py"
        if path.exists():
            spec = importlib.util.spec_from_file_location("bench_score", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    sys.exit("shared/bench/splitting/score.py not found beside the checkout")


def bench_data_dir() -> pathlib.Path:
    """The cache folder of the corpora."""
    return pathlib.Path(os.environ.get("FACTCHECK_BENCH_DATA", DEFAULT_DATA))


def read_text(path: pathlib.Path) -> str:
    """A document as the scorer reads it (no newline translation)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def claim(i: int, text: str, start: int, end: int, speaker=None, aliases=()) -> dict:
    """One gold claim in the scorer's format."""
    c = {"id": i, "start": start, "end": end, "text": text[start:end], "speaker": speaker}
    return c | {"speaker_aliases": list(aliases), "tags": []}


# ---------------------------------------------------------------- Universal Dependencies
def last_misc(lines: list[str]) -> str:
    """MISC of a sentence's last surface token (a multiword token's range line if any)."""
    misc, range_end = "", 0
    for line in lines:
        cols = line.split("\t")
        if len(cols) < 10 or "." in cols[0]:
            continue
        if "-" in cols[0]:
            range_end, misc = int(cols[0].split("-")[1]), cols[9]
        elif int(cols[0]) > range_end:
            misc = cols[9]
    return misc


def conllu_sentences(path: pathlib.Path):
    """(doc id or None, starts a paragraph, text, SpaceAfter=No) per sentence."""
    for block in read_text(path).split("\n\n"):
        lines = block.strip("\n").split("\n")
        comments = [x for x in lines if x.startswith("#")]
        doc = next(
            (x.partition("=")[2].strip() for x in comments if x.startswith("# newdoc")), None
        )
        par = doc is not None or any(x.split()[:2] == ["#", "newpar"] for x in comments)
        text = next((x[len("# text = ") :] for x in comments if x.startswith("# text = ")), None)
        if text is not None:
            yield doc, par, text, "SpaceAfter=No" in last_misc(lines).split("|")


def ud_documents(path: pathlib.Path) -> dict:
    """Documents rebuilt from newdoc / newpar / text; gold claims = UD sentences."""
    docs, parts, spans, name, no_space, at = {}, [], [], None, False, 0
    for doc, par, text, space_after_no in conllu_sentences(path):
        if doc is not None:
            if name:
                docs[name] = (parts, spans)
            name, parts, spans, at = doc, [], [], 0
        elif parts:
            parts.append("\n\n" if par else "" if no_space else " ")
            at += len(parts[-1])
        parts.append(text)
        spans.append((at, at + len(text)))
        at, no_space = at + len(text), space_after_no
    if name:
        docs[name] = (parts, spans)
    return {n: ud_gold("".join(p), s) for n, (p, s) in docs.items()}


def ud_gold(text: str, spans: list) -> dict:
    """The scorer's gold dict for one rebuilt UD document."""
    claims = [claim(i, text, s, e) for i, (s, e) in enumerate(spans, 1)]
    return {"claims": claims, "boilerplate_spans": [], "_text": text}


def load_ud(treebank: str, splits: tuple[str, ...], prefix: str = "") -> dict | None:
    """Documents of the given splits of ud/gum or ud/ewt whose newdoc id starts with prefix."""
    folder = bench_data_dir() / "ud" / treebank
    paths = [folder / f"en_{treebank}-ud-{s}.conllu" for s in splits]
    if not all(p.exists() for p in paths):
        return None
    docs = {}
    for p in paths:
        docs.update(ud_documents(p))
    return {n: g for n, g in docs.items() if n.startswith(prefix)}


# ---------------------------------------------------------------- PolNeAR
ANN_ID = re.compile(r"[TE]\d+$")


def brat_spans(field: str) -> list[tuple[int, int]]:
    """'12 30;32 40' -> [(12, 30), (32, 40)]."""
    return [tuple(map(int, part.split())) for part in field.split(";")]


def read_ann(path: pathlib.Path) -> list[dict]:
    """Attributions of a brat .ann file: source text, cue text, content spans."""
    lines = read_text(path).splitlines()  # a span's text may run over a line break
    rows = [r for r in (x.split("\t") for x in lines) if len(r) > 1 and ANN_ID.match(r[0])]
    spans = {r[0]: brat_spans(r[1].split(" ", 1)[1]) for r in rows if r[0][0] == "T"}
    texts = {r[0]: r[2] for r in rows if r[0][0] == "T" and len(r) > 2}
    out = []
    for r in rows:
        args = dict(a.split(":", 1) for a in r[1].split() if ":" in a) if r[0][0] == "E" else {}
        if args.get("Content") in spans:
            source = texts.get(args.get("Source", ""))
            cue = texts.get(args.get("Cue", ""), "")
            out.append({"source": source, "cue": cue, "content": spans[args["Content"]]})
    return out


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters two [start, end) spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def polnear_sentence(i: int, text: str, span: tuple, attributions: list[dict]) -> dict:
    """A gold claim: the speaker of the attribution whose content overlaps it most."""
    scored = [(sum(overlap(span, c) for c in a["content"]), a) for a in attributions]
    hits = sorted((x for x in scored if x[0] > 0), key=lambda x: -x[0])
    c = claim(i, text, *span)
    if hits:
        best = hits[0][1]
        c["speaker"] = best["source"]
        c["speaker_aliases"] = [a["source"] for _, a in hits[1:] if a["source"]]
        c["cue"] = best["cue"]
        c["no_source"] = not best["source"]
        c["content_share"] = hits[0][0] / max(1, span[1] - span[0])
    return c


def polnear_article(folder: pathlib.Path, stem: str, ann: pathlib.Path) -> dict:
    """Text and gold of one PolNeAR article (sentences = CoreNLP's)."""
    text = read_text(folder / "text" / f"{stem}.txt")
    conv = utf16_to_str(text)
    sents = json.loads(read_text(folder / "sentences" / f"{stem}.json"))
    attributions = read_ann(ann)
    claims = [
        polnear_sentence(i, text, (conv(s), conv(e)), attributions)
        for i, (s, e) in enumerate(sents, 1)
    ]
    return {"claims": claims, "boilerplate_spans": [], "_text": text}


def load_polnear(splits: tuple[str, ...]) -> tuple[dict, list[str]] | None:
    """PolNeAR articles (of several annotators' files, the first by name), and the
    articles left out for want of CoreNLP sentences."""
    root = bench_data_dir() / "polnear"
    if not all((root / s / "sentences").is_dir() for s in splits):
        return None
    docs, skipped = {}, []
    for split in splits:
        anns = defaultdict(list)
        for ann in sorted((root / split / "attributions").glob("*.ann")):
            anns[re.sub(r"_[0-9a-f]{4}\.ann$", "", ann.name)].append(ann)
        for stem, files in sorted(anns.items()):
            if (root / split / "sentences" / f"{stem}.json").exists():
                docs[stem] = polnear_article(root / split, stem, files[0])
            else:
                skipped.append(stem)
    return docs, skipped


# ---------------------------------------------------------------- our pages
def pages_dir() -> pathlib.Path:
    """The newsroom's annotated pages (articles/, gold/, split.json)."""
    return bench_data_dir() / "pages"


def genre(name: str) -> str:
    """The genre prefix of a page name ('' when it has none of the known ones)."""
    return next((g for g in GENRES if name.startswith(g)), "")


def parity(name: str) -> int:
    """A stable bit of a name: the parity of its sha256."""
    return hashlib.sha256(name.encode("utf-8")).digest()[-1] & 1


def sha(name: str) -> str:
    """The sha256 of a name, the order new pages are taken in."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def assign_split(names: list[str], fixed: dict[str, str]) -> dict[str, str]:
    """Keep the halves already given; each new page (in sha256 order) joins the smaller
    half of its genre among the pages present, a tie broken by the parity of its sha256.
    A genre left with 2+ more test pages than dev pages (pages removed) moves its test
    page of smallest sha256 to dev: the safe direction, as nobody tunes on test. Pages
    removed keep their entry, so a page that comes back keeps its half."""
    split, present = dict(fixed), set(names)
    count = defaultdict(lambda: {"dev": 0, "test": 0})
    for n in present & set(split):
        count[genre(n)][split[n]] += 1
    for n in sorted(present - set(split), key=sha):
        c = count[genre(n)]
        split[n] = ("dev", "test")[parity(n)] if c["dev"] == c["test"] else min(c, key=c.get)
        c[split[n]] += 1
    for g, c in count.items():
        tests = sorted((n for n in present if genre(n) == g and split[n] == "test"), key=sha)
        while c["test"] - c["dev"] >= 2:
            split[tests.pop(0)] = "dev"
            c["test"], c["dev"] = c["test"] - 1, c["dev"] + 1
    return dict(sorted(split.items()))


def load_pages(half: str, lang: str | None = None) -> tuple[dict, list[str]] | None:
    """Annotated pages of one half of split.json (of one language when lang is given; a
    gold file without "lang" is English), and the pages not yet in it."""
    folder = pages_dir()
    if not (folder / "gold").is_dir():
        return None
    split = json.loads(read_text(folder / "split.json")) if (folder / "split.json").exists() else {}
    docs, unassigned = {}, []
    for path in sorted((folder / "gold").glob("*.json")):
        name, gold = path.stem, json.loads(read_text(path))
        if lang and gold.get("lang", "en") != lang:
            continue
        if name not in split:
            unassigned.append(name)
        elif split[name] == half and (folder / "articles" / f"{name}.txt").exists():
            docs[name] = gold | {"_text": read_text(folder / "articles" / f"{name}.txt")}
    return docs, unassigned


def update_split() -> str:
    """Give every page in pages/articles a half in split.json, keeping those it has."""
    folder = pages_dir()
    names = [p.stem for p in (folder / "articles").glob("*.txt") if ".source" not in p.name]
    path = folder / "split.json"
    fixed = json.loads(read_text(path)) if path.exists() else {}
    split = assign_split(names, fixed)
    path.write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    by_genre = defaultdict(lambda: {"dev": 0, "test": 0})
    for n in names:
        by_genre[genre(n) or "(none)"][split[n]] += 1
    lines = [f"{g:14} dev {c['dev']}  test {c['test']}" for g, c in sorted(by_genre.items())]
    gone = sorted(set(split) - set(names))
    lines.append(f"{len(names)} pages, {len(set(names) - set(fixed))} newly assigned -> {path}")
    return "\n".join(
        lines + ([f"kept for pages no longer there: {', '.join(gone)}"] if gone else [])
    )
