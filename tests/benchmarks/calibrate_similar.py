"""Calibrate "Previously checked" (issue #18 item 5) on the desk's labelled pairs.

Builds pairs from `data/similar_pairs.tsv` (base×same and same×same are the same check, and
so is each claim against itself republished with its attribution tag added or dropped;
anything with a diff, and claims of different groups, are not), splits them by group into
dev and test halves (sha256 of the group id, fixed before any fitting), fits a logistic
regression (scikit-learn, the `calibrate` extra) on the dev half's features, picks the
threshold that maximises F1 on dev (a reviewer reads every suggestion, so a wrong one
costs a glance and a missed rewording costs a second check of the same claim), and prints precision / recall at that threshold on dev and test,
beside the old WRatio score at its old cut-off (60) and at its best dev cut-off.

    .venv/bin/pip install -e '.[calibrate]'
    .venv/bin/python tests/benchmarks/calibrate_similar.py            # print the table
    .venv/bin/python tests/benchmarks/calibrate_similar.py --write    # also write the weights

The test half is only measured: the weights and threshold come from dev alone.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
from pathlib import Path

from rapidfuzz import fuzz

from factcheck.text import similarity

DATA = Path(__file__).parent / "data" / "similar_pairs.tsv"
WEIGHTS = Path(similarity.__file__).with_name("similarity_weights.py")
CROSS_PER_CLAIM = 5


def load_groups() -> dict[str, list[tuple[str, str]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for line in DATA.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        group, role, claim = line.split("\t")
        groups.setdefault(group, []).append((role, claim))
    return groups


def split_of(group: str) -> str:
    return "dev" if hashlib.sha256(group.encode()).digest()[0] % 2 == 0 else "test"


ATTRIBUTIONS = (
    "officials said",
    "the report said",
    "according to a statement",
    "she told reporters",
)


def republished(claim: str) -> str:
    """The most common "previously checked" case: the same sentence in another outlet's copy,
    its attribution tag added or dropped (chosen by the claim's hash, so fixed)."""
    if ", " in claim and claim.rsplit(", ", 1)[1].split()[-1].rstrip(".") in (
        "said",
        "says",
        "found",
        "confirmed",
        "claims",
        "shows",
    ):
        return claim.rsplit(", ", 1)[0] + "."
    tag = ATTRIBUTIONS[hashlib.sha256(claim.encode()).digest()[0] % len(ATTRIBUTIONS)]
    return claim.rstrip(".") + ", " + tag + "."


def pairs(groups: dict[str, list[tuple[str, str]]], half: str) -> list[tuple[str, str, int]]:
    names = sorted(g for g in groups if split_of(g) == half)
    out = []
    for g in names:
        for (ra, a), (rb, b) in itertools.combinations(groups[g], 2):
            out.append((a, b, int(ra != "diff" and rb != "diff")))
        for _role, claim in groups[g]:  # the same claim republished, with or without an attribution
            out.append((claim, republished(claim), 1))
    rng = random.Random(f"cross-{half}")
    claims = [(g, c) for g in names for _, c in groups[g]]
    for g, c in claims:
        others = [o for o in claims if o[0] != g]
        for _, o in rng.sample(others, min(CROSS_PER_CLAIM, len(others))):
            out.append((c, o, 0))
    return out


def pr(scores: list[float], labels: list[int], cut: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= cut and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= cut and not y)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < cut and y)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def best_cut(scores: list[float], labels: list[int]) -> float:
    return max(sorted(set(scores)), key=lambda c: (pr(scores, labels, c)[2], -c))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="write similarity_weights.py from the dev fit"
    )
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    groups = load_groups()
    dev, test = pairs(groups, "dev"), pairs(groups, "test")

    def matrix(ps):
        return [[similarity.features(a, b)[n] for n in similarity.FEATURES] for a, b, _ in ps]

    model = LogisticRegression(C=10.0, max_iter=1000).fit(matrix(dev), [y for *_, y in dev])
    weights = dict(zip(similarity.FEATURES, (float(w) for w in model.coef_[0]), strict=True))
    intercept = float(model.intercept_[0])
    dev_scores = [float(p) for p in model.predict_proba(matrix(dev))[:, 1]]
    threshold = round(best_cut(dev_scores, [y for *_, y in dev]), 3)
    if args.write:
        WEIGHTS.write_text(
            '"""Generated by tests/benchmarks/calibrate_similar.py --write from the dev half of\n'
            'tests/benchmarks/data/similar_pairs.tsv; do not edit by hand."""\n\n'
            "WEIGHTS = {\n" + "".join(f'    "{k}": {v:.4f},\n' for k, v in weights.items()) + "}\n"
            f"INTERCEPT = {intercept:.4f}\nTHRESHOLD = {threshold}\n",
            "utf-8",
        )
    print(f"groups: {sum(split_of(g) == 'dev' for g in groups)} dev, {sum(split_of(g) == 'test' for g in groups)} test;"
          f" pairs: dev {len(dev)} ({sum(y for *_, y in dev)} same), test {len(test)} ({sum(y for *_, y in test)} same)")  # fmt: skip
    print(
        "weights:", {k: round(v, 2) for k, v in weights.items()}, "intercept", round(intercept, 2)
    )
    print()
    print("| score | cut-off (chosen on dev) | dev P | dev R | test P | test R |")
    print("|---|---|---|---|---|---|")
    wr = lambda ps: [fuzz.WRatio(a, b, processor=str.lower) for a, b, _ in ps]  # noqa: E731
    lab = lambda ps: [y for *_, y in ps]  # noqa: E731
    rows = [("WRatio (before), old cut-off", wr, 60.0), ("WRatio, best dev cut-off", wr, None)]
    calibrated = lambda ps: [similarity.probability(a, b) for a, b, _ in ps]  # noqa: E731
    rows.append(("calibrated probability (shipped weights)", calibrated, similarity.THRESHOLD))
    for name, score, cut in rows:
        d, t = score(dev), score(test)
        cut = best_cut(d, lab(dev)) if cut is None else cut
        dp, dr, _ = pr(d, lab(dev), cut)
        tp, tr, _ = pr(t, lab(test), cut)
        print(f"| {name} | {cut:g} | {dp:.3f} | {dr:.3f} | {tp:.3f} | {tr:.3f} |")
    groups_of = {c: g for g, items in groups.items() for _, c in items}
    unrelated = [
        (a, b, y) for a, b, y in test if groups_of.get(a, a) != groups_of.get(b, b) and not y
    ]
    shown_wr = sum(fuzz.WRatio(a, b, processor=str.lower) >= 60 for a, b, _ in unrelated)
    shown_cal = sum(similarity.probability(a, b) >= similarity.THRESHOLD for a, b, _ in unrelated)
    print(f"\nunrelated claims (different groups, test half, {len(unrelated)} pairs) shown as previously checked:"
          f" WRatio >= 60: {shown_wr} ({shown_wr / len(unrelated):.1%}); calibrated: {shown_cal} ({shown_cal / len(unrelated):.1%})")  # fmt: skip
    if not args.write:
        print(f"\n(this run's dev fit would pick threshold {threshold}; --write stores it)")


if __name__ == "__main__":
    main()
