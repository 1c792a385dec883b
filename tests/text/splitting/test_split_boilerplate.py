"""Page furniture, datelines and article metadata."""

import pytest

from factcheck.text.splitting import analyze
from factcheck.text.splitting.furniture import classify_line, find_dateline

FURNITURE = [
    ("Skip to main content", "navigation"),
    ("Home | News | Sport | Weather | Travel", "navigation"),
    ("Share on Facebook", "share"),
    ("Facebook Twitter Email", "share"),
    ("Join our WhatsApp channel for breaking updates", "promo"),
    ("Subscribe to our newsletter", "promo"),
    ("By Jane Doe", "byline"),
    ("By JOHN SMITH and ROSA DIAZ", "byline"),
    ("Associated Press", "byline"),
    ("Reporting by Ali Khan; Editing by Sue Park", "byline"),
    ("April 17, 2022", "date"),
    ("Updated 13:13", "date"),
    ("Published 3 March 2024, 10:05 GMT", "date"),
    ("Posted on Nov. 2, 2021", "date"),
    ("Firefighters battle the blaze on Sunday. (Photo: Jane Roe/Reuters)", "caption"),
    ("A man walks past the damaged market. (Getty Images)", "caption"),
    ("Photo: City of Springfield", "caption"),
    ("Crowds gather outside the court. (Kim Ode/Daily Post/Wire Service)", "caption"),
    (
        "This story was originally published by The Valley Ledger and is republished with permission.",
        "reprint",
    ),
    ("© 2024 Example Media. All rights reserved.", "copyright"),
    ("Related: Flood warnings issued for coastal towns", "related"),
    ("Read more: How the levee failed", "related"),
    ("Tags: elections, Congress, budget", "category"),
    ("Lot 42", "listing"),
    ("Photograph by Lena Ortiz, Coastal Trust", "caption"),
    ("Image copyright AFP", "caption"),
    ("Image caption Rescuers reach the village on Friday", "caption"),
    ("Media captionRescuers reach the village", "caption"),
    ("facebooktwittertelegramemail", "share"),
    ("Politics / 12 mins ago", "timestamp"),
    ("Media playback is unsupported on your device", "media"),
    ("Read next >", "related"),
    ("  •  ", "separator"),
    ("***", "separator"),
]

PROSE = [
    "The council approved the budget on Tuesday.",
    "Photos of the event circulated widely online.",
    "Share prices fell 3% in early trading.",
    "By Monday, officials had evacuated the valley.",
    "Join the debate, the mayor urged residents at the meeting.",
    "The agency said the dam was built in 1932 (and repaired in 1987).",
    "Home sales fell for a third month in a row.",
    "Photographs by the survey team were published in 1998.",
    "Video footage by residents shows the flooded square",
    "Sixty minutes ago the polls closed.",
    "Facebookmarketplace",
]


@pytest.mark.parametrize(("line", "kind"), FURNITURE)
def test_furniture_lines(line, kind):
    assert classify_line(line.strip()) == kind


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_not_furniture(line):
    assert classify_line(line) is None


DATELINES = [
    ("WASHINGTON (AP) — The Senate voted.", "WASHINGTON (AP) —"),
    ("ST. LOUIS, Mo. (AP) — A judge ruled.", "ST. LOUIS, Mo. (AP) —"),
    ("BERLIN, March 4 (Reuters) - Germany said it would act.", "BERLIN, March 4 (Reuters) -"),
    ("KYIV/MOSCOW — Talks resumed on Friday.", "KYIV/MOSCOW —"),
]


@pytest.mark.parametrize(("text", "dateline"), DATELINES)
def test_datelines(text, dateline):
    m = find_dateline(text)
    assert m is not None and text[: m.end("dash")] == dateline


@pytest.mark.parametrize("text", ["NATO — the alliance said it would act.", "I — for one — agree."])
def test_not_datelines(text):
    assert find_dateline(text) is None


ARTICLE = """Menu
World | Business | Sport

Dam operators warn of spring floods

By Lena Ortiz, Staff Writer
March 3, 2024

RIVERTON, Colo. (AP) — Water levels behind the Riverton Dam rose 4 feet in a week, operators said Monday. More rain is expected.

Workers inspect the spillway on Monday. (AP Photo/Ken Wu)

"We are watching it hour by hour," said Dana Pike, the dam's manager.

This story was originally published by The Mountain Courier and is reprinted with permission.

Copyright 2024 The Associated Press. All rights reserved.
"""


def test_article_boilerplate_and_meta():
    result = analyze(ARTICLE)
    claims = [c.text for c in result.claims]
    assert claims == [
        "Dam operators warn of spring floods",
        "Water levels behind the Riverton Dam rose 4 feet in a week, operators said Monday.",
        "More rain is expected.",
        '"We are watching it hour by hour," said Dana Pike, the dam\'s manager.',
    ]
    kinds = [b.kind for b in result.boilerplate]
    assert kinds == [
        "navigation",
        "navigation",
        "byline",
        "date",
        "dateline",
        "caption",
        "reprint",
        "copyright",
    ]
    meta = result.meta
    assert meta.title == "Dam operators warn of spring floods"
    assert meta.byline == "Lena Ortiz, Staff Writer"
    assert meta.published_at == "2024-03-03"
    assert meta.dateline == "RIVERTON, Colo. (AP)"
    assert meta.publisher == "Associated Press"
    assert meta.original_publisher == "The Mountain Courier"
    assert meta.captions == ("Workers inspect the spillway on Monday. (AP Photo/Ken Wu)",)


def test_boilerplate_spans_match_body():
    result = analyze(ARTICLE)
    for b in result.boilerplate:
        assert 0 <= b.start < b.end <= len(ARTICLE)
        assert ARTICLE[b.start : b.end].strip() == ARTICLE[b.start : b.end]
    dateline = next(b for b in result.boilerplate if b.kind == "dateline")
    assert ARTICLE[dateline.start : dateline.end] == "RIVERTON, Colo. (AP) —"


def test_section_label_above_headline():
    body = "Technology\n\nChipmaker opens new plant in Ohio\n\nThe plant will employ 3,000 people by 2027, the company said."
    result = analyze(body)
    assert [b.kind for b in result.boilerplate] == ["section"]
    assert result.meta.title == "Chipmaker opens new plant in Ohio"


def test_an_intertitle_over_running_text_is_no_section_label():
    # the line after the short one is text that runs on (no headline is 25 words long),
    # so the short line is the story's intertitle, a claim
    body = (
        "Harbour works\nThe city council voted on Tuesday to spend 40 million euros on the old "
        "harbour, to rebuild its quays and to open a ferry line to the islands by the summer of "
        "2027, the mayor said\nThe opposition voted against."
    )
    assert analyze(body).boilerplate == ()
    assert [c.text for c in analyze(body).claims][0] == "Harbour works"


def test_trailing_chrome_after_last_paragraph():
    body = "Headline of the day\n\nThe museum reopened on Saturday after a two-year renovation.\n\nMost popular\nWeather\nPuzzles"
    result = analyze(body)
    assert [c.text for c in result.claims][-1].startswith("The museum")
    assert len(result.boilerplate) == 3


def test_a_caption_beside_its_credit_and_a_related_box_are_furniture():
    body = (
        "Ravenous goats ruled the island for a century\n\n"
        "By Dana Reyes\n"
        "The island, once thought doomed, is green again.\n"
        "Photograph by Lena Ortiz, Coastal Trust\n\n"
        "The island has recovered faster than anyone expected, the trust said on Monday.\n\n"
        "Related stories\n\n"
        "Why islands lose their birds first\n"
        "Rats are leaving the Galapagos for good\n\n"
        "Volunteers will count the lizards again next spring, the trust said.\n"
    )
    result = analyze(body)
    furniture = {body[b.start : b.end]: b.kind for b in result.boilerplate}
    assert furniture["The island, once thought doomed, is green again."] == "caption"
    assert furniture["Photograph by Lena Ortiz, Coastal Trust"] == "caption"
    assert furniture["Why islands lose their birds first"] == "related"
    assert furniture["Rats are leaving the Galapagos for good"] == "related"
    claims = [c.text for c in result.claims]
    assert "Volunteers will count the lizards again next spring, the trust said." in claims
    assert not any("doomed" in c or "Galapagos" in c for c in claims)


def test_after_the_article_its_chrome_takes_longer_unpunctuated_lines_too():
    story = (
        "The council approved the new budget on Tuesday after a long debate, the mayor said.\n\n"
        "Residents will see the first repairs on the bridge in the spring, officials said.\n\n"
    )
    tail = (
        "© 2024 Example Media. All rights reserved.\n\n"
        "Why the old ferry terminal is still standing after forty years of plans\n\n"
        "School board delays vote on the new calendar until next month\n"
    )
    result = analyze(story + tail)
    dropped = {(story + tail)[b.start : b.end] for b in result.boilerplate}
    assert "Why the old ferry terminal is still standing after forty years of plans" in dropped
    assert "School board delays vote on the new calendar until next month" in dropped
    assert len(result.claims) == 2  # the story itself stays

    listing = story + "Where to watch:\n\nChile: Fox Sports Chile, Star+ and ESPN Chile\n"
    claims = [c.text for c in analyze(listing).claims]
    assert "Chile: Fox Sports Chile, Star+ and ESPN Chile" in claims  # the article's own list
