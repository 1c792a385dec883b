"""Re-anchoring claims on realistic corrections (pure, no database)."""

from __future__ import annotations

from factcheck.text.anchoring import OldClaim, reanchor
from factcheck.text.splitting import split_article

OLD = (
    "Council approves budget\n\n"
    "The council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said. "
    "It raises spending on roads by 12% compared with last year.\n\n"
    "Opponents said the plan ignores the city's parks. "
    "The vote was 7 to 2.\n"
)


def run(old: str, new: str):
    claims = [OldClaim(i, c.start, c.end, c.text) for i, c in enumerate(split_article(old))]
    sentences = [(c.start, c.end) for c in split_article(new)]
    anchors, leftovers = reanchor(old, new, claims, sentences)
    by_text = {claims[a.claim_id].text: a for a in anchors}
    for a in anchors:
        if a.start is not None:
            assert new[a.start : a.end].strip() == new[a.start : a.end]
    return by_text, [new[s:e] for s, e in leftovers]


def test_identical_text_is_unchanged():
    anchors, new = run(OLD, OLD)
    assert {a.kind for a in anchors.values()} == {"unchanged"} and new == []


def test_sentence_inserted_before_moves_the_rest():
    corrected = OLD.replace(
        "Council approves budget\n\n",
        "Council approves budget\n\nUpdated March 5.\n\nA new first sentence was added here. ",
    )
    anchors, new = run(OLD, corrected)
    assert anchors["The vote was 7 to 2."].kind == "moved"
    assert anchors["Council approves budget"].kind == "unchanged"
    assert any("new first sentence" in n for n in new)


def test_number_changed_inside_a_claim_is_edited():
    corrected = OLD.replace("12%", "15%")
    anchors, new = run(OLD, corrected)
    edited = anchors["It raises spending on roads by 12% compared with last year."]
    assert edited.kind == "edited" and corrected[edited.start : edited.end].startswith(
        "It raises spending on roads by 15%"
    )
    assert anchors["The vote was 7 to 2."].kind == "unchanged"
    assert new == []


def test_paragraph_removed_orphans_its_claims():
    corrected = OLD.replace(
        "Opponents said the plan ignores the city's parks. The vote was 7 to 2.\n", ""
    )
    anchors, _new = run(OLD, corrected)
    assert anchors["The vote was 7 to 2."].kind == "orphaned"
    assert anchors["Opponents said the plan ignores the city's parks."].kind == "orphaned"


def test_typo_fixed_is_edited_not_orphaned():
    old = OLD.replace("approved", "aproved")
    anchors, _new = run(old, OLD)
    fixed = next(a for t, a in anchors.items() if "aproved" in t)
    assert fixed.kind == "edited" and fixed.score >= 90


def test_repeated_sentence_anchors_to_the_right_occurrence():
    old = "Intro line here.\n\nThe vote was 7 to 2. Later, much later. The vote was 7 to 2.\n"
    new = "Intro line here, updated.\n\nThe vote was 7 to 2. Later, much later. The vote was 7 to 2.\n"
    claims = [OldClaim(i, c.start, c.end, c.text) for i, c in enumerate(split_article(old))]
    anchors, _ = reanchor(old, new, claims, [(c.start, c.end) for c in split_article(new)])
    votes = [a for a in anchors if claims[a.claim_id].text == "The vote was 7 to 2."]
    assert len({a.start for a in votes}) == 2  # each to its own occurrence
