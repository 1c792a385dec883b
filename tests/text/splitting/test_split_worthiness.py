"""Check-worthiness scores and reasons."""

import pytest

from factcheck.text.splitting import score_checkworthiness, split_article


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        (
            "Unemployment rose to 4.1% in March, the ministry said.",
            {"number", "date", "attribution"},
        ),
        ("Crime fell because more officers were hired.", {"causal"}),
        ("Sales were higher than in 2019.", {"comparison", "number"}),
        ("About 300 people reportedly attended.", {"hedge", "number"}),
        ("The deal was signed by Acme and Globex.", {"named entity"}),
    ],
)
def test_reasons(text, reasons):
    score, got = score_checkworthiness(text)
    assert reasons <= set(got)
    assert 0.0 <= score <= 1.0


def test_facts_outrank_questions_and_opinion():
    fact, _ = score_checkworthiness(
        "The city spent $4 million on the bridge in 2021, records show."
    )
    question, q = score_checkworthiness("Is the bridge safe?")
    opinion, o = score_checkworthiness("I think the bridge is beautiful.")
    assert fact > opinion and fact > question
    assert "question" in q and "opinion" in o


def test_claims_carry_scores():
    for c in split_article("The dam holds 2 billion gallons. Is it safe? I think it is great."):
        assert 0.0 <= c.checkworthiness <= 1.0
        assert isinstance(c.reasons, tuple)


def test_score_is_deterministic():
    text = "More than 40,000 vehicles cross the bridge each day, according to the city."
    assert score_checkworthiness(text) == score_checkworthiness(text)
