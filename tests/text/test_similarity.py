"""The calibrated "same check" probability behind Previously checked (issue #18 item 5)."""

from __future__ import annotations

import pytest

from factcheck.text import similarity

BASE = "The city spent $4.2 million on new buses in 2023, the transport office said."


@pytest.mark.parametrize(
    "same",
    [
        "Officials said the city spent 4.2 million dollars on new buses in 2023.",
        "In 2023 the city spent $4.2 million on new buses.",
        BASE,
    ],
)
def test_a_rewording_of_the_same_claim_is_offered(same):
    assert similarity.probability(BASE, same) >= similarity.THRESHOLD


@pytest.mark.parametrize(
    "other",
    [
        # the old WRatio gave these 86 and 90: short sentences sharing a few words
        "The city council met on Monday to discuss the new budget.",
        "Heavy snow closed schools in the north on Monday.",
        # same words, another assertion: a different number and year, the opposite direction
        "The city spent $9 million on new buses in 2021.",
    ],
)
def test_unrelated_or_contradicting_claims_are_not_offered(other):
    assert similarity.probability(BASE, other) < similarity.THRESHOLD


def test_opposite_directions_lower_the_probability():
    up = "Unemployment in the state rose to 3.1 percent in March."
    down = "Unemployment in the state fell to 3.1 percent in March."
    same = "The state's jobless rate fell to 3.1% in March, officials said."
    assert similarity.features(up, down)["direction"] == 1.0
    assert similarity.probability(down, same) > similarity.probability(up, same)


def test_features_are_bounded_and_explainable():
    f = similarity.features(
        BASE, "Officials said the city spent 4.2 million dollars on new buses in 2023."
    )
    assert set(f) == set(similarity.FEATURES)
    assert all(0.0 <= v <= 1.0 for v in f.values())
    assert f["numbers_agree"] == 1.0 and f["numbers_conflict"] == 0.0
    assert 0.0 < similarity.probability("", "") < 1.0  # empty text neither crashes nor matches


def test_the_same_sentence_republished_is_near_certain():
    long = ("Pyongyang dispatches legions of workers to both Russia and China to work in factories "
            "and on construction sites to earn foreign cash for the state.")  # fmt: skip
    assert similarity.probability(long, long) > 0.9
    assert similarity.probability(long, long.rstrip(".") + ", the report said.") > 0.9
