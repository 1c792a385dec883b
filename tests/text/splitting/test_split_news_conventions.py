"""Conventions of news pages in general (issue #16 item 3), one case each."""

from factcheck.text.splitting import analyze


def _result(text):
    r = analyze(text)
    claims = [(c.text, c.speaker) for c in r.claims]
    furniture = [(b.kind, text[b.start : b.end]) for b in r.boilerplate]
    return claims, furniture


def test_live_blog_timestamps_are_furniture_and_their_entries_stay():
    claims, furniture = _result(
        "Live updates\n\n6:25 p.m.\n\nThe storm hit at noon.\n\n"
        "6 p.m.: Florida, the governor said 20 people died. (UPDATE: The toll rose to 25.) "
        "Officials said roads closed.\n\n10:42 ET — The Coast Guard rescued 12 people.\n\n"
        "At 5 p.m. the rain stopped.\n"
    )
    assert ("timestamp", "6:25 p.m.") in furniture
    assert ("timestamp", "6 p.m.:") in furniture and ("timestamp", "10:42 ET —") in furniture
    texts = [t for t, _ in claims]
    assert "Florida, the governor said 20 people died." in texts
    assert "(UPDATE: The toll rose to 25.)" in texts and "Officials said roads closed." in texts
    assert "The Coast Guard rescued 12 people." in texts
    assert "At 5 p.m. the rain stopped." in texts  # a time inside a sentence is text
    assert texts[0] == "Live updates"  # the headline is kept


def test_press_release_and_page_chrome_lines_are_boilerplate():
    _claims, furniture = _result(
        "The company said revenue rose 5%.\n\nby: Cora Neas\n\n"
        "Click to share on Twitter (Opens in new window)\n\nPublication date:\n\n"
        "Media contact: Jane Roe, 555-0100\n\nEMBARGOED UNTIL 00:01 GMT MONDAY\n\n"
        "Page 5 of 7\n\nContinue reading the main story\n"
    )
    kinds = dict((text, kind) for kind, text in furniture)
    assert kinds["by: Cora Neas"] == "byline"
    assert kinds["Click to share on Twitter (Opens in new window)"] == "share"
    assert kinds["Publication date:"] == "label"
    assert kinds["Media contact: Jane Roe, 555-0100"] == "contact"
    assert kinds["EMBARGOED UNTIL 00:01 GMT MONDAY"] == "embargo"
    assert kinds["Page 5 of 7"] == kinds["Continue reading the main story"] == "navigation"


def test_narration_gets_no_speaker():
    claims, _ = _result(
        "Alex Caruso added 16 points. Officials hadn't immediately confirmed the name.\n\n"
        "LKQ Corporation Announces Results for First Quarter 2016\n\nGame notes\n"
    )
    assert all(speaker is None for _, speaker in claims), claims


def test_surname_is_the_person_named_in_full_before():
    claims, _ = _result(
        "Tim Lee, who leads the association, welcomed the vote.\n\n“It is a good day,” Lee said.\n"
    )
    assert claims[1][1] == "Tim Lee"


def test_headline_quotation_names_its_speaker_after_a_colon():
    claims, _ = _result("'We are in a battle for the soul of the nation': Joe Biden\n")
    assert claims[0][1] == "Joe Biden"
