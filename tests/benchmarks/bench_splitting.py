"""Benchmark of the claim splitter against the shared development set.

Runs ../shared/bench/splitting/score.py on factcheck.text.splitting:split_for_bench in a fresh
process (peak memory is the process's) and prints the peers table of the bench README
with our row added.

    .venv/bin/python tests/benchmarks/bench_splitting.py
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCORE = ROOT.parent / "shared" / "bench" / "splitting" / "score.py"
TARGET = "factcheck.text.splitting:split_for_bench"

# From the bench README (same six articles, 52 Golden Rules, one core, 1 MiB of text).
PEERS = [
    ("syntok 1.4.4", 0.828, 69.2, None, None, 67_000),
    ("blingfire 0.1.8", 0.805, 73.1, None, None, 7_660_000),
    ("spaCy 3.8 small model (parser)", 0.775, 59.6, None, None, 57_000),
    ("pysbd 0.3.4", 0.773, 92.3, None, None, 53_000),
    ("spaCy 3.8 sentencizer", 0.698, 51.9, None, None, 1_840_000),
    ("split after .!? + space (floor)", 0.672, 40.4, None, None, 49_000_000),
]


def run_score() -> dict:
    """Run the harness in a subprocess and return its metrics."""
    with tempfile.TemporaryDirectory() as tmp:
        metrics = pathlib.Path(tmp) / "metrics.json"
        env = dict(os.environ, PYTHONPATH=str(ROOT))  # score.py runs from its own folder
        cmd = [sys.executable, str(SCORE), "--run", TARGET, "--name", "factcheck", "--json"]
        subprocess.run([*cmd, str(metrics)], cwd=ROOT, env=env, check=True)
        return json.loads(metrics.read_text(encoding="utf-8"))


def table(res: dict) -> str:
    """The peers table with our row on top."""
    ours = (
        "**factcheck.text.splitting**",
        res["boundary"]["f1"],
        res["golden_rules"]["pass_pct"],
        res["boilerplate"]["char_recall"],
        res["speaker"]["accuracy"],
        res["perf"]["chars_per_s"],
    )
    head = "| splitter | boundary F1 | Golden Rules (52) | boilerplate R | speaker acc | chars/s |"
    rows = [head, "|---|---|---|---|---|---|"]
    for name, f1, gr, bp, spk, cps in [ours, *PEERS]:
        bp_s = f"{bp:.3f}" if bp is not None else "0"
        spk_s = f"{spk:.3f}" if spk is not None else "0"
        rows.append(f"| {name} | {f1:.3f} | {gr:.1f} % | {bp_s} | {spk_s} | {cps:,.0f} |")
    peak = res["perf"]["peak_rss_mib"]
    return "\n".join(rows) + f"\n\npeak RSS of the harness process: {peak} MiB"


def main() -> None:
    """Print the harness report, then the table."""
    print(table(run_score()))


if __name__ == "__main__":
    main()
