"""Every speaker carries a type and a confidence the desk can act on (issue #16 item 3)."""

from factcheck.text.splitting import SPEAKER_UNCLEAR, analyze

TEXT = (
    "The budget grew 5% in 2021, Mayor Jane Doe said on Monday.\n\n"
    '"We will spend 40% of it on roads."\n\n'
    "The Treasury Department said revenue rose 3%. Officials said it fell. "
    "A spokeswoman said it was flat. The report said costs doubled. Prices rose 2%.\n"
)


def _by_start(text):
    return {c.text.split()[0] + " " + c.text.split()[1]: c for c in analyze(text).claims}


def test_types_follow_what_the_speaker_is():
    got = {k: (c.speaker, c.speaker_type) for k, c in _by_start(TEXT).items()}
    assert got["The budget"] == ("Mayor Jane Doe", "person")
    assert got["The Treasury"] == ("The Treasury Department", "organization")
    assert got["Officials said"] == ("Officials", "unnamed")
    assert got["A spokeswoman"] == ("A spokeswoman", "unnamed")
    assert got["The report"] == ("The report", "document")
    assert got["Prices rose"] == (None, None)


def test_confidence_is_high_when_attributed_and_unclear_when_carried_over():
    claims = _by_start(TEXT)
    assert claims["The budget"].speaker_confidence >= 0.8
    carried = claims['"We will']
    assert carried.speaker == "Mayor Jane Doe"
    assert carried.speaker_confidence < SPEAKER_UNCLEAR  # a quotation with no attribution
    assert claims["Prices rose"].speaker_confidence is None
    for c in claims.values():
        assert c.speaker_confidence is None or 0.0 <= c.speaker_confidence <= 1.0


def test_transcript_label_is_a_person_not_an_organisation():
    from factcheck.text.splitting import split_article

    got = split_article(
        "MR. DEERE: Hi, everybody. Thank you for coming.\nQ: Why?\nMR. DEERE: Because.\nMS. PARK: No."
    )
    assert got[0].speaker == "Mr. Deere"
    assert got[0].speaker_type == "person"
