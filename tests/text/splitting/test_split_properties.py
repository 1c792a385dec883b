"""Invariants on any input (hypothesis), linear time, and purity of the engine."""

import ast
import pathlib
import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.text.splitting import analyze, split_article, split_for_bench

ROOT = pathlib.Path(__file__).resolve().parents[3]
ENGINE = ROOT / "factcheck" / "text" / "splitting"

# Text built from the characters that matter to the splitter, so odd cases come up often.
PIECES = st.sampled_from(
    [
        " ",
        "  ",
        "\n",
        "\n\n",
        "\r\n",
        ".",
        "...",
        "…",
        "?",
        "!",
        '"',
        "“",
        "”",
        "‘",
        "’",
        "'",
        "(",
        ")",
        "—",
        "-",
        ":",
        ",",
        "•",
        "1.",
        "2)",
        "a.",
        "U.S.",
        "Dr.",
        "No. 5",
        "said",
        "he said",
        "(AP) —",
        "WASHINGTON",
        "By Jane Doe",
        "April 17, 2022",
        "Photo:",
        "The",
        "word",
        "Smith",
        "according to",
        "3.5%",
        "$100.00",
        "e.g.",
        "p.m.",
        "http://x.y/z",
    ]
)
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXTS)
def test_claim_spans_are_exact_ordered_and_disjoint(body):
    claims = split_article(body)
    prev_end = 0
    for c in claims:
        assert 0 <= prev_end <= c.start < c.end <= len(body)
        assert body[c.start : c.end] == c.text
        assert c.text.strip() == c.text and c.text
        assert 0.0 <= c.checkworthiness <= 1.0
        prev_end = c.end


@FAST
@given(TEXTS)
def test_boilerplate_inside_body_and_apart_from_claims(body):
    result = analyze(body)
    covered = [(c.start, c.end) for c in result.claims]
    for b in result.boilerplate:
        assert 0 <= b.start < b.end <= len(body)
        assert all(b.end <= s or b.start >= e for s, e in covered)


@FAST
@given(TEXTS)
def test_deterministic(body):
    assert analyze(body) == analyze(body)
    assert split_for_bench(body) == split_for_bench(body)


def _cpu(body: str) -> float:
    best = float("inf")
    for _ in range(3):
        t = time.process_time()
        analyze(body)
        best = min(best, time.process_time() - t)
    return best


UNITS = [
    'The mayor said "No. 5 is fine." Dr. Lee agreed... ',
    "word ",
    "Hi. ",
    '"a" ',
    "• x ",
    "Line.\n",
    "aB.Cd/",
]


def test_time_grows_linearly():
    for unit in UNITS:
        small = unit * (20000 // len(unit))
        ratio = _cpu(small * 4) / max(_cpu(small), 1e-3)
        assert ratio < 8, (unit, ratio)  # linear is 4; quadratic would be 16


def test_pathological_megabyte_inputs_finish_quickly():
    cases = ["word " * 200_000, "Hi. " * 100_000, "http://a.b/" + "x.y/" * 250_000]
    for body in cases:
        t = time.process_time()
        analyze(body)
        assert time.process_time() - t < 8.0  # about 1-2 s on one unloaded core


def test_engine_does_not_import_flask_or_sqlalchemy():
    # Load the engine without running factcheck/__init__.py (which builds the Flask app).
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('factcheck'); pkg.__path__ = [{str(ROOT / 'factcheck')!r}]\n"
        "sys.modules['factcheck'] = pkg\n"
        "import factcheck.text.splitting as s\n"
        "s.analyze('WASHINGTON (AP) — He said \"yes.\" She left.')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug', 'jinja2'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_engine_imports_only_standard_library():
    assert list(ENGINE.glob("*.py")), ENGINE
    for path in ENGINE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                own = name.startswith("factcheck.text.")
                assert own or top in sys.stdlib_module_names or top == "__future__", (
                    path.name,
                    name,
                )
