"""Inter-reviewer agreement: pure functions, no database.

- percent agreement per claim (all reviewers gave the same verdict);
- Cohen's kappa for two reviewers (Cohen 1960);
- Krippendorff's alpha for nominal data, any number of reviewers, missing values allowed
  (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", coincidence matrix).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from itertools import permutations

Units = Mapping[Hashable, Sequence[Hashable]]  # unit -> the values its coders gave


def krippendorff_alpha_nominal(units: Units) -> float | None:
    """Alpha for nominal data; units with fewer than two values are not pairable.

    Returns None when there is nothing to compare or no variation at all (undefined).
    """
    coincidences: Counter = Counter()
    for values in units.values():
        m = len(values)
        if m < 2:
            continue
        for a, b in permutations(range(m), 2):
            coincidences[(values[a], values[b])] += 1 / (m - 1)
    n = sum(coincidences.values())
    if n <= 1:
        return None
    marginals: Counter = Counter()
    for (c, _k), weight in coincidences.items():
        marginals[c] += weight
    observed = sum(w for (c, k), w in coincidences.items() if c != k)
    expected = sum(marginals[c] * marginals[k] for c in marginals for k in marginals if c != k) / (
        n - 1
    )
    if expected == 0:
        return None
    return 1 - observed / expected


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Kappa of two raters over the items both rated; None when undefined."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def agreeing_units(units: Units) -> tuple[list[Hashable], list[Hashable]]:
    """(units where every value is the same, units with a disagreement); single values skipped."""
    agree, conflict = [], []
    for unit, values in units.items():
        if len(values) < 2:
            continue
        (agree if len(set(values)) == 1 else conflict).append(unit)
    return agree, conflict
