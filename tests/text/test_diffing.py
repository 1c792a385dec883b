"""The text diff: paragraphs, then sentences, then words, folded and capped, on 2 MB bodies."""

from __future__ import annotations

import time

from factcheck.text.diffing import diff_texts, diff_words


def _sides(d):
    old = "".join(p.text for b in d.blocks for p in b.pieces if p.op in ("eq", "del"))
    new = "".join(p.text for b in d.blocks for p in b.pieces if p.op in ("eq", "ins"))
    return old, new


def test_text_diff_rejoins_to_both_texts_and_folds_unchanged():
    old = "".join(f"Paragraph {i} stays.\n\n" for i in range(30)) + "Prices rose 5% in 2021.\n"
    new = old.replace("Paragraph 10 stays.", "Paragraph 10 moved on.").replace("5%", "6%")
    d = diff_texts(old, new)
    assert any(b.kind == "fold" for b in d.blocks) and d.changed_paragraphs == 2
    unfolded = diff_texts(old, new)
    words = [(p.op, p.text) for b in unfolded.blocks for p in b.pieces if p.op != "eq"]
    assert ("del", "5") in words and ("ins", "6") in words and ("ins", "moved on") in words


def test_text_diff_caps_word_work():
    old = "".join(f"Line {i} says {i * 7} things.\n" for i in range(2000))
    new = old.replace("says", "said")
    capped = diff_texts(old, new, word_budget=100)
    assert capped.coarse
    full = diff_texts(old, new)
    assert not full.coarse
    for d in (capped, full):  # either way, the pieces are the two texts
        for blocks_op, text in (("ins", new), ("del", old)):
            kept = "".join(p.text for b in d.blocks for p in b.pieces if p.op in ("eq", blocks_op))
            assert all(part in text for part in kept.split("\n") if part)


def test_unfolded_pieces_are_exactly_the_two_texts():
    old = "Title\n\nPrices rose 5% in 2021. Unemployment fell.\n\nThe end.\n"
    new = "Title\n\nUnemployment fell. Prices rose 6% in 2021.\n\nA new line.\nThe end.\n"
    assert _sides(diff_texts(old, new)) == (old, new)


def test_unlike_sentences_are_shown_whole_not_as_word_confetti():
    pieces = diff_words("Opponents said the plan ignores parks.", "Taxes will rise in 2025.")
    assert [p.op for p in pieces] == ["del", "ins"]
    pieces = diff_words("Spending rose by 12% last year.", "Spending rose by 15% last year.")
    assert ("del", "12") in [(p.op, p.text) for p in pieces]


def test_two_megabyte_bodies_stay_fast_and_fold():
    paras = [
        f"Paragraph {i}: item {i} rose {i % 97}% in {1900 + i % 120}, the office said."
        for i in range(32_000)
    ]
    old = "\n\n".join(paras)
    assert len(old) > 2_000_000
    edited = list(paras)
    for k in range(0, len(edited), 1000):
        edited[k] = edited[k].replace("rose", "fell")
    del edited[5000:5010]
    new = "\n\n".join(edited)
    started = time.monotonic()
    d = diff_texts(old, new)
    assert time.monotonic() - started < 20  # about 1 s here; quadratic work would take minutes
    assert not d.coarse and d.changed_paragraphs == 41  # paragraph 5000 is edited and deleted
    assert len(d.blocks) < 200  # the unchanged paragraphs are folded
    words = [(p.op, p.text) for b in d.blocks for p in b.pieces if p.op != "eq"]
    assert ("del", "rose") in words and ("ins", "fell") in words
    whole = diff_texts(old.replace("\n\n", " "), new.replace("\n\n", " "))  # one 2 MB paragraph
    assert ("ins", "fell") in [(p.op, p.text) for b in whole.blocks for p in b.pieces]
