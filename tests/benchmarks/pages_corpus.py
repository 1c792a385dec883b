"""The desk's annotated pages: offsets-only annotations in the repository, text rebuilt.

The repository keeps, per page, `tests/benchmarks/pages/LANG/NAME.json`: the shared gold
format (../shared/bench/splitting/README.md) WITHOUT any `text` field, plus where the
page came from and the sha256 of its text:

    {"source": {"kind": "trafilatura", "file": "tests/eval/X.html", "url": ..., "commit": ...}
            or {"kind": "pages", "url": ..., "query": ...},
     "sha256": "<sha256 of the page's text>", "lang": "en", "genre": "wire",
     "split": "dev" | "test", "excerpt": [start, end],
     "claims": [{"id", "start", "end", "speaker", "speaker_aliases", "tags"}, ...],
     "boilerplate_spans": [{"start", "end", "kind"}, ...]}

The page text itself (third-party copyright) never enters the repository. It is rebuilt
into the benchmark cache by

    .venv/bin/python tests/benchmarks/pages_corpus.py prepare --trafilatura MIRROR_DIR \
        [--data $FACTCHECK_BENCH_DATA]

which writes `pages/articles/NAME.txt`, `NAME.source.txt`, `pages/gold/NAME.json` (the
shared format, `text` fields filled from the offsets) and `pages/split.json`, the layout
extraction_data.load_pages reads. A "trafilatura" page's text is
`page_text(html)[excerpt[0]:excerpt[1]]` of an HTML file of trafilatura's evaluation set
(adbar/trafilatura, any clone or bare mirror); a "pages" page's text is the excerpt the
search tool's stored-pages corpus returned for `query`, which no script can fetch: keep it
in the cache as `pages/raw/NAME.txt` (prepare reports it missing otherwise). For such a
page `source.anchor` is the excerpt's first 60 characters and `excerpt` is `[0, length)`
counted from where the anchor starts in that stored text (the search tool returns a page's
opening, so re-running `source.query` and keeping the result of `source.url` gives a text
holding the excerpt; its sha256 is checked).
Offsets are Python str indices into the page's text (excerpt-relative).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys

import lxml.html

HERE = pathlib.Path(__file__).resolve().parent
ANNOTATIONS = HERE / "pages"
DEFAULT_DATA = "/work/cache/factcheck-bench"

# ---------------------------------------------------------------- the frozen recipe
DROPPED = {"script", "style", "noscript", "template", "svg", "iframe", "head", "title"}
PARAGRAPHS = {
    "address", "article", "aside", "blockquote", "center", "details", "dl", "fieldset",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
}  # fmt: skip
LINES = {
    "body", "caption", "dd", "dialog", "div", "dt", "figcaption", "html", "legend", "li",
    "menu", "option", "select", "summary", "tbody", "td", "tfoot", "th", "thead", "tr",
}  # fmt: skip
LINE, PARA, BR = "\x01", "\x02", "\x03"  # markers, never in the output
WHITESPACE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
MARKERS = re.compile(r"[ \x01\x02\x03]*[\x01\x02\x03][ \x01\x02\x03]*")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")


def _breaks(run: re.Match) -> str:
    """A run of markers and spaces as one or two newlines."""
    s = run.group(0)
    n = max(2 if PARA in s else 1 if LINE in s else 0, s.count(BR))
    return "\n" * min(n, 2)


def page_text(html: str) -> str:
    """The visible text of an HTML page, every line of it (menus, share bars, footers).

    FROZEN: the annotations in tests/benchmarks/pages/ are offsets into this function's
    output; never change what it returns once annotations exist (a change invalidates
    every page's sha256 and offsets). A different recipe needs a new function and new
    annotations.

    Rules: parse the UTF-8 bytes with lxml.html (comments and processing instructions
    removed); drop script, style, noscript, template, svg, iframe, head (and title) with
    their content; inside text every whitespace run (source newlines, tabs, no-break and
    thin spaces) becomes one space, except inside <pre> where a newline is a line break;
    zero-width spaces, BOMs and control characters are removed; the elements of
    PARAGRAPHS start and end a paragraph (an empty line between), those of LINES a line,
    <br> is a line break (two in a row give an empty line); the breaks between two
    pieces of text collapse to the strongest of them (at most one empty line); lines are
    stripped; no leading or trailing empty line; the text ends with one newline.
    """
    if not html.strip():
        return ""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    out: list[str] = []

    def text(s: str | None, pre: bool) -> None:
        if s:
            s = CONTROLS.sub("", s)
            if pre:
                out.append(BR.join(WHITESPACE.sub(" ", part) for part in s.split("\n")))
            else:
                out.append(WHITESPACE.sub(" ", s))

    def walk(el, pre: bool) -> None:
        tag = el.tag.lower().rsplit("}", 1)[-1] if isinstance(el.tag, str) else None
        if tag is not None and tag not in DROPPED:
            mark = PARA if tag in PARAGRAPHS else LINE if tag in LINES else ""
            inner = pre or tag == "pre"
            out.append(BR if tag == "br" else mark)
            text(el.text, inner)
            for child in el:
                walk(child, inner)
            out.append(mark)
        text(el.tail, pre)

    walk(root, False)
    joined = MARKERS.sub(_breaks, "".join(out))
    lines = [line.strip() for line in re.sub(" +", " ", joined).split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n" if kept else ""


def decode_html(raw: bytes) -> str:
    """An HTML file's bytes as text: UTF-8, else the charset its meta names, else cp1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = re.search(rb"""charset=["']?([A-Za-z0-9_-]+)""", raw[:4096])
    for enc in ((m.group(1).decode("ascii"),) if m else ()) + ("cp1252", "latin-1"):
        try:
            return raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


def sha256(text: str) -> str:
    """The sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- sources
def trafilatura_html(mirror: pathlib.Path, file: str, commit: str | None) -> bytes:
    """One file of the trafilatura repository: from a work tree, or a (bare) git dir."""
    if (mirror / file).is_file() and not commit:
        return (mirror / file).read_bytes()
    rev = commit or "HEAD"
    return subprocess.run(
        ["git", "-C", str(mirror), "show", f"{rev}:{file}"], capture_output=True, check=True
    ).stdout


def source_text(ann: dict, name: str, mirror: pathlib.Path | None, data: pathlib.Path):
    """The page text an annotation is about, or (None, why) when it cannot be had."""
    src = ann["source"]
    if src["kind"] == "trafilatura":
        if mirror is None:
            return None, "needs --trafilatura MIRROR_DIR"
        try:
            html = decode_html(trafilatura_html(mirror, src["file"], src.get("commit")))
        except subprocess.CalledProcessError as e:
            return None, f"{src['file']} not in the mirror ({e.stderr.decode()[:80].strip()})"
        start, end = ann["excerpt"]
        return page_text(html)[start:end], None
    if src["kind"] == "pages":
        raw = data / "pages" / "raw" / f"{name}.txt"
        if not raw.exists():
            return None, f"missing {raw} (search corpus 'pages', query {src['query']!r})"
        with open(raw, encoding="utf-8", newline="") as f:
            text = f.read()
        start = text.find(src["anchor"])
        if start < 0:
            return None, f"{raw} lacks the excerpt's opening {src['anchor'][:30]!r}"
        return text[start : start + ann["excerpt"][1] - ann["excerpt"][0]], None
    return None, f"unknown source kind {src['kind']!r}"


def annotations() -> dict[str, dict]:
    """Every annotation in the repository, by page name."""
    found = {}
    for path in sorted(ANNOTATIONS.glob("*/*.json")):
        found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


def with_text(ann: dict, text: str, name: str) -> dict:
    """The shared gold format of an annotation, `text` fields filled from the offsets."""
    claims = [c | {"text": text[c["start"] : c["end"]]} for c in ann["claims"]]
    spans = [b | {"text": text[b["start"] : b["end"]]} for b in ann["boilerplate_spans"]]
    return {
        "article": f"{name}.txt",
        "source": ann["source"].get("url", ""),
        "chars": len(text),
        "lang": ann["lang"],
        "genre": ann["genre"],
        "claims": claims,
        "boilerplate_spans": spans,
    }


def source_note(ann: dict) -> str:
    """The NAME.source.txt of a page."""
    src = ann["source"]
    lines = [f"source: {src.get('url', '')}"]
    if src["kind"] == "trafilatura":
        lines.append(
            f"retrieved: adbar/trafilatura {src['file']} @ {src.get('commit', 'HEAD')}"
            " (its evaluation set), text by tests/benchmarks/pages_corpus.py page_text"
        )
    else:
        lines.append(
            f"retrieved: stored public web page (search tool, corpus 'pages', query {src['query']!r})"
        )
    lines.append(f"excerpt: [{ann['excerpt'][0]}, {ann['excerpt'][1]}) of that text")
    return "\n".join(lines) + "\n"


def write(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def prepare(mirror: pathlib.Path | None, data: pathlib.Path) -> int:
    """Rebuild the cache's pages/ from the annotations; the number of pages not rebuilt."""
    out = data / "pages"
    split, bad = {}, 0
    for name, ann in annotations().items():
        text, why = source_text(ann, name, mirror, data)
        if text is not None and sha256(text) != ann["sha256"]:
            text, why = None, f"sha256 differs ({sha256(text)[:12]} != {ann['sha256'][:12]})"
        if text is None:
            print(f"  {name}: NOT rebuilt: {why}", file=sys.stderr)
            bad += 1
            continue
        write(out / "articles" / f"{name}.txt", text)
        write(out / "articles" / f"{name}.source.txt", source_note(ann))
        gold = json.dumps(with_text(ann, text, name), ensure_ascii=False, indent=1)
        write(out / "gold" / f"{name}.json", gold + "\n")
        split[name] = ann["split"]
    write(out / "split.json", json.dumps(dict(sorted(split.items())), indent=1) + "\n")
    print(f"{len(split)} pages rebuilt into {out}, {bad} not", file=sys.stderr)
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="rebuild pages/ in the cache from the annotations")
    p.add_argument("--trafilatura", type=pathlib.Path, help="adbar/trafilatura clone or git dir")
    p.add_argument(
        "--data",
        type=pathlib.Path,
        default=pathlib.Path(os.environ.get("FACTCHECK_BENCH_DATA", DEFAULT_DATA)),
    )
    t = sub.add_parser("text", help="print page_text of an HTML file (to choose an excerpt)")
    t.add_argument("html", type=pathlib.Path)
    a = ap.parse_args(argv)
    if a.cmd == "text":
        sys.stdout.write(page_text(decode_html(a.html.read_bytes())))
        return 0
    return 1 if prepare(a.trafilatura, a.data) else 0


if __name__ == "__main__":
    sys.exit(main())
