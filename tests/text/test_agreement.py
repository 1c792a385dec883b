"""Agreement statistics checked against published worked examples."""

from __future__ import annotations

import pytest

from factcheck.text.agreement import agreeing_units, cohen_kappa, krippendorff_alpha_nominal


def test_krippendorff_nominal_worked_example():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    4 observers, 12 units, missing values; nominal alpha = 0.743."""
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
    c = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
    units = {u: [v for v in (a[u], b[u], c[u], d[u]) if v is not None] for u in range(12)}
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=0.0005)


def test_cohen_kappa_worked_example():
    """Wikipedia "Cohen's kappa", worked example: 50 proposals, 20 yes/yes, 5 yes/no,
    10 no/yes, 15 no/no: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_perfect_and_undefined_agreement():
    assert krippendorff_alpha_nominal({1: ["a", "a"], 2: ["b", "b"]}) == pytest.approx(1.0)
    assert krippendorff_alpha_nominal({1: ["a", "a"], 2: ["a", "a"]}) is None  # no variation
    assert krippendorff_alpha_nominal({1: ["a"]}) is None
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a")] * 3) is None


def test_agreeing_units():
    agree, conflict = agreeing_units({1: ["a", "a"], 2: ["a", "b"], 3: ["a"]})
    assert agree == [1] and conflict == [2]
