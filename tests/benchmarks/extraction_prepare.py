"""Copy the public corpora of bench_extraction.py from bare git mirrors into the cache.

The corpora are never part of this repository (GUM is non-commercial, PolNeAR has no
data licence): they live in FACTCHECK_BENCH_DATA (default /work/cache/factcheck-bench).
Give the bare git directories of UniversalDependencies/UD_English-GUM,
UniversalDependencies/UD_English-EWT and networkdynamics/PolNeAR:

    .venv/bin/python tests/benchmarks/extraction_prepare.py \\
        --gum DIR --ewt DIR --polnear DIR

The treebanks of the other languages (UniversalDependencies/UD_Spanish-GSD, UD_French-GSD,
UD_German-GSD, UD_Portuguese-Bosque) go with --ud-es, --ud-fr, --ud-de, --ud-pt into
ud/LANG/; a split whose file the mirror lacks (their train files) is left out: the
benchmark's dev half is then the dev file alone.

Each corpus folder gets a SOURCE.json (repository, commit, how it was built).
A UD split whose released .conllu is missing from the mirror (git keeps large files out
of partial clones: both train files here) is rebuilt from the per-document files in
not-to-release/sources/; for GUM, every source document that is neither in the released
dev nor test file (the file lists there are out of date). PolNeAR's CoreNLP XML (250 MB)
is not copied: only its sentence spans, as sentences/NAME.json (4 XML files are missing
from the mirror; their articles have no gold sentences and are left out).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import subprocess

from extraction_data import bench_data_dir
from extraction_intl import TREEBANKS

SPLITS = ("train", "dev", "test")
SENTENCE = re.compile(r"<sentence id=.*?</sentence>", re.S)
BEGIN = re.compile(r"<CharacterOffsetBegin>(\d+)</CharacterOffsetBegin>")
END = re.compile(r"<CharacterOffsetEnd>(\d+)</CharacterOffsetEnd>")


def git(repo: pathlib.Path, *args: str) -> str:
    """Output of a git command in a bare repository."""
    cmd = ["git", "-C", str(repo), *args]
    out = subprocess.run(cmd, check=True, capture_output=True).stdout
    return out.decode("utf-8")  # no newline translation: offsets are into the raw text


def has_blob(repo: pathlib.Path, path: str) -> bool:
    """Whether the mirror holds the file's content (a partial clone may not)."""
    cmd = ["git", "-C", str(repo), "cat-file", "-e", f"HEAD:{path}"]
    return subprocess.run(cmd, capture_output=True).returncode == 0


def doc_ids(conllu: str) -> set[str]:
    """The newdoc ids of a CoNLL-U text."""
    return set(re.findall(r"^# newdoc id = (\S+)", conllu, re.M))


def ud_sources(repo: pathlib.Path, split: str, released: dict[str, str]) -> list[str]:
    """Paths of the per-document files that make up a split missing from the mirror."""
    if split == "train" and "GUM" in str(repo):  # GUM's sources are named by newdoc id
        held = doc_ids(released["dev"]) | doc_ids(released["test"])
        names = git(repo, "ls-tree", "-r", "--name-only", "HEAD", "not-to-release/sources")
        return [
            p for p in names.split() if p.rsplit("/", 1)[-1].removesuffix(".conllu") not in held
        ]
    listed = git(repo, "show", f"HEAD:not-to-release/file-lists/files.{split}").split()
    return [f"not-to-release/sources/{p}" for p in listed]


def copy_ud(repo: pathlib.Path, prefix: str, out: pathlib.Path) -> dict:
    """Write en_X-ud-SPLIT.conllu for each split; return how each was built."""
    out.mkdir(parents=True, exist_ok=True)
    released, built = {}, {}
    for split in SPLITS:
        path = f"{prefix}-{split}.conllu"
        if has_blob(repo, path):
            released[split] = git(repo, "show", f"HEAD:{path}")
            built[split] = f"released {path}"
    for split in SPLITS:
        if split not in released:
            paths = ud_sources(repo, split, released)
            released[split] = "".join(git(repo, "show", f"HEAD:{p}") for p in paths)
            built[split] = f"{len(paths)} documents from not-to-release/sources/"
        target = out / f"{prefix}-{split}.conllu"
        target.write_text(released[split], encoding="utf-8", newline="")
    return built


def copy_released(repo: pathlib.Path, prefix: str, out: pathlib.Path) -> dict:
    """Write each released PREFIX-SPLIT.conllu the mirror holds; name the ones it lacks."""
    out.mkdir(parents=True, exist_ok=True)
    built = {}
    for split in SPLITS:
        path = f"{prefix}-{split}.conllu"
        if not has_blob(repo, path):
            built[split] = f"missing from the mirror: {path} (not used)"
            continue
        (out / path).write_text(git(repo, "show", f"HEAD:{path}"), encoding="utf-8", newline="")
        built[split] = f"released {path}"
    return built


def sentence_spans(xml: str) -> list[list[int]]:
    """[begin, end) of each CoreNLP sentence (first token's begin, last token's end)."""
    spans = []
    for block in SENTENCE.findall(xml):
        begins, ends = BEGIN.findall(block), END.findall(block)
        if begins and ends:
            spans.append([int(begins[0]), int(ends[-1])])
    return spans


def copy_polnear(repo: pathlib.Path, out: pathlib.Path) -> dict:
    """Copy text/ and attributions/ of each split, and CoreNLP sentence spans."""
    counts = {}
    for split in SPLITS:
        base = f"data/{split}"
        for sub in ("text", "attributions", "sentences"):
            (out / split / sub).mkdir(parents=True, exist_ok=True)
        files = git(repo, "ls-tree", "-r", "--name-only", "HEAD", base).split()
        missing = [p for p in files if p.endswith(".xml") and not has_blob(repo, p)]
        for path in sorted(set(files) - set(missing)):
            sub, name = path.split("/")[-2:]
            content = git(repo, "show", f"HEAD:{path}")
            if sub == "corenlp":
                stem = name.removesuffix(".txt.xml")
                target = out / split / "sentences" / f"{stem}.json"
                content = json.dumps(sentence_spans(content))
            else:
                target = out / split / sub / name
            target.write_text(content, encoding="utf-8", newline="")
        counts[split] = {"files": len(files) - len(missing), "corenlp_missing": missing}
    return counts


def source_note(repo: pathlib.Path, name: str, built: dict) -> str:
    """SOURCE.json content: where the copy came from."""
    commit = git(repo, "rev-parse", "HEAD").strip()
    note = {"repository": f"https://github.com/{name}", "commit": commit, "built": built}
    return json.dumps(note, indent=1) + "\n"


def main() -> None:
    """Copy whichever corpora are given."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gum", type=pathlib.Path)
    ap.add_argument("--ewt", type=pathlib.Path)
    ap.add_argument("--polnear", type=pathlib.Path)
    for lang in TREEBANKS:
        ap.add_argument(f"--ud-{lang}", type=pathlib.Path, dest=f"ud_{lang}")
    a = ap.parse_args()
    root = bench_data_dir()
    jobs = [
        (a.gum, "UniversalDependencies/UD_English-GUM", root / "ud" / "gum", "en_gum-ud"),
        (a.ewt, "UniversalDependencies/UD_English-EWT", root / "ud" / "ewt", "en_ewt-ud"),
    ]
    for repo, name, out, prefix in jobs:
        if repo:
            built = copy_ud(repo, prefix, out)
            (out / "SOURCE.json").write_text(source_note(repo, name, built), encoding="utf-8")
    for lang, (name, prefix) in TREEBANKS.items():
        repo = getattr(a, f"ud_{lang}")
        if repo:
            out = root / "ud" / lang
            built = copy_released(repo, prefix, out)
            (out / "SOURCE.json").write_text(source_note(repo, name, built), encoding="utf-8")
    if a.polnear:
        out = root / "polnear"
        built = copy_polnear(a.polnear, out)
        note = source_note(a.polnear, "networkdynamics/PolNeAR", built)
        (out / "SOURCE.json").write_text(note, encoding="utf-8")


if __name__ == "__main__":
    main()
