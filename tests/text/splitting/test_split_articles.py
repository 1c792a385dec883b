"""Whole news-style articles written for these tests (tests/splitting/data), with furniture.

expected.json holds the reviewed split of each article: claim texts with speakers, the
boilerplate texts and the title.
"""

import json
import pathlib

import pytest

from factcheck.text.splitting import analyze

DATA = pathlib.Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article(name):
    body = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    result = analyze(body)
    want = EXPECTED[name]
    assert [[c.text, c.speaker] for c in result.claims] == want["claims"]
    assert [body[b.start : b.end] for b in result.boilerplate] == want["boilerplate"]
    assert result.meta.title == want["title"]
