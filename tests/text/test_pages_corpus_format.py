"""The desk's annotated pages (tests/benchmarks/pages/**/NAME.json) are well formed.

The annotations are offsets into page text kept outside the repository, so this checks
what can be checked without the text: every field the rebuild (pages_corpus.py prepare)
and the scorer need, offsets ordered, non-overlapping and inside the excerpt, the
dev/test split set and balanced per genre, and no article text in the repository. A
broken annotation fails here, in CI, without the cache.
"""

import importlib.util
import json
import pathlib
import re

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
PAGES = sorted((BENCH / "pages").glob("*/*.json"))
GENRES = {
    "wire", "local", "live", "transcript", "release", "sports", "factcheck", "opinion",
    "obit", "science", "finance",
}  # fmt: skip
TOP_KEYS = {"source", "sha256", "lang", "genre", "split", "excerpt", "claims", "boilerplate_spans"}
CLAIM_KEYS = {"id", "start", "end", "speaker", "speaker_aliases", "boilerplate", "tags"}
HEX40, HEX64 = re.compile(r"[0-9a-f]{40}"), re.compile(r"[0-9a-f]{64}")


def load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_at_least_forty_english_pages():
    assert len([p for p in PAGES if p.parent.name == "en"]) >= 40


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_annotation_is_complete_and_consistent(path):
    ann = load(path)
    assert set(ann) == TOP_KEYS, set(ann) ^ TOP_KEYS
    assert ann["lang"] == path.parent.name
    assert ann["genre"] in GENRES and path.stem.startswith(ann["genre"] + "-")
    assert ann["split"] in ("dev", "test")
    assert HEX64.fullmatch(ann["sha256"])
    start, end = ann["excerpt"]
    assert isinstance(start, int) and isinstance(end, int) and 0 <= start < end
    src = ann["source"]
    if src["kind"] == "trafilatura":
        assert src["repository"] == "adbar/trafilatura" and HEX40.fullmatch(src["commit"])
        assert re.fullmatch(r"tests/(eval|cache)/[^/]+\.html", src["file"])
        assert src["url"].startswith("http")
    else:
        assert src["kind"] == "pages" and src["corpus"] == "pages"
        assert src["url"].startswith("http") and src["query"].strip()
        assert src["anchor"].strip() and len(src["anchor"]) <= 60
        assert start == 0, "a stored-pages excerpt counts from its anchor"

    length = end - start
    spans = []
    for i, c in enumerate(ann["claims"]):
        assert set(c) == CLAIM_KEYS and c["id"] == i and c["boilerplate"] is False
        assert c["speaker"] is None or (
            isinstance(c["speaker"], str) and 0 < len(c["speaker"]) <= 80
        )
        assert isinstance(c["speaker_aliases"], list) and all(
            isinstance(a, str) for a in c["speaker_aliases"]
        )
        assert c["speaker"] or not c["speaker_aliases"]
        spans.append((c["start"], c["end"]))
    for b in ann["boilerplate_spans"]:
        assert set(b) == {"start", "end", "kind"} and b["kind"].strip()
        spans.append((b["start"], b["end"]))
    assert ann["claims"], "a page without claims"
    spans.sort()
    for s, e in spans:
        assert isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= length, (s, e, length)
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        assert e1 <= s2, f"overlapping spans at {s2}"
    claim_starts = [c["start"] for c in ann["claims"]]
    assert claim_starts == sorted(claim_starts), "claims out of order"


def test_no_article_text_is_committed():
    for path in PAGES:
        raw = path.read_text(encoding="utf-8")
        assert '"text"' not in raw, path.name
    assert not list((BENCH / "pages").rglob("*.txt"))


def test_every_genre_is_split_in_halves():
    """Split rule (written when the pages were annotated, before any tuning): each page,
    as it was added, joined the smaller half of its genre, a tie broken by the parity of
    sha256(name) (extraction_data.assign_split); so no genre is lopsided."""
    count: dict[tuple[str, str], dict[str, int]] = {}
    for path in PAGES:
        ann = load(path)
        c = count.setdefault((path.parent.name, ann["genre"]), {"dev": 0, "test": 0})
        c[ann["split"]] += 1
    for key, c in count.items():
        assert abs(c["dev"] - c["test"]) <= 1, (key, c)


def test_page_text_recipe_is_frozen():
    """The annotations' offsets depend on page_text: this pins its rules on a small page."""
    spec = importlib.util.spec_from_file_location("pages_corpus", BENCH / "pages_corpus.py")
    pc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pc)
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<nav><a>Home</a> <a>World</a></nav><script>x=1</script>"
        "<h1>Big\n   news</h1><p>First  sentence.&nbsp;Second<br>line.</p>"
        "<div>Share <svg><text>icon</text></svg>this</div><!-- c --><noscript>js</noscript>"
        "<p>A<br><br>B</p><ul><li>one</li><li>two</li></ul><pre>a  b\nc</pre>"
        "<footer>\u00a9 2024\u200b Paper</footer></body></html>"
    )
    assert pc.page_text(html) == (
        "Home World\n\nBig news\n\nFirst sentence. Second\nline.\n\nShare this\n\n"
        "A\n\nB\n\none\ntwo\n\na b\nc\n\n\u00a9 2024 Paper\n"
    )
    assert pc.page_text("") == ""
