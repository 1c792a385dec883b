"""News-page layout rules (issue 16): page furniture and boundaries, on text written here."""

import pytest

from factcheck.text.splitting import analyze, split_article
from factcheck.text.splitting.furniture import classify_line, find_dateline


def texts(body: str) -> list[str]:
    return [c.text for c in split_article(body)]


def dropped(body: str) -> list[str]:
    return [body[b.start : b.end] for b in analyze(body).boilerplate]


@pytest.mark.parametrize(
    ("body", "want"),
    [
        # a weekday after a.m./p.m. belongs to the time
        (
            "The call came at 4 p.m. Thursday, the police said. Nobody was hurt.",
            ["The call came at 4 p.m. Thursday, the police said.", "Nobody was hurt."],
        ),
        # a weekday abbreviation inside a date
        (
            "The team plays next on Sat. Nov. 12 in Dayton. Tickets are sold out.",
            ["The team plays next on Sat. Nov. 12 in Dayton.", "Tickets are sold out."],
        ),
        ("The fair opens Fri. 3 June at noon.", ["The fair opens Fri. 3 June at noon."]),
    ],
)
def test_time_and_date_abbreviations_do_not_end_sentences(body, want):
    assert texts(body) == want


def test_a_sentence_can_still_end_on_p_m():
    assert texts("They met at 9 p.m. Nothing was decided.") == [
        "They met at 9 p.m.",
        "Nothing was decided.",
    ]


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        (
            "DENVER, May 2, 2019 (PR NEWSWIRE) -- Acme Inc. today reported higher sales.",
            "DENVER, May 2, 2019 (PR NEWSWIRE) --",
        ),
        (
            "BOSTON – June 3, 2021 – Widget Co. today announced results.",
            "BOSTON – June 3, 2021 –",
        ),
    ],
)
def test_press_release_datelines_with_a_year(text, dateline):
    m = find_dateline(text)
    assert m is not None and text[: m.end("dash")] == dateline


def test_a_dated_dateline_below_the_highlights_is_furniture():
    highlights = "\n\n".join(f"Item {n} rose to ${n}.5 million in the quarter." for n in range(10))
    body = f"{highlights}\n\nBOSTON – June 3, 2021 – Widget Co. today announced results."
    assert "BOSTON – June 3, 2021 –" in dropped(body)
    assert texts(body)[-1] == "Widget Co. today announced results."


TRANSCRIPT = """MS. ROWE: Good morning, everyone. Thanks for coming.
Q (Inaudible.)
MS. ROWE: We will start with the budget. (Laughter.)
Q: Will taxes rise next year?
DIRECTOR HALE: No, they will not rise.
"""


def test_transcript_turn_labels_and_stage_directions_are_furniture():
    got = texts(TRANSCRIPT)
    assert got == [
        "Good morning, everyone.",
        "Thanks for coming.",
        "We will start with the budget.",
        "Will taxes rise next year?",
        "No, they will not rise.",
    ]
    cut = dropped(TRANSCRIPT)
    assert {"MS. ROWE:", "Q:", "DIRECTOR HALE:", "(Laughter.)", "Q (Inaudible.)"} <= set(cut)


def test_the_turn_label_still_names_the_speaker():
    claims = split_article(TRANSCRIPT)
    assert claims[0].speaker == "Ms. Rowe"
    assert claims[-1].speaker == "Director Hale"


def test_one_capitalised_label_is_no_transcript():
    body = "NOTE: The vote was moved to Monday. (Laughter.)\n\nThe council met twice."
    assert texts(body)[0].startswith("NOTE: The vote")
    assert "(Laughter.)" in " ".join(texts(body))


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Email", "share"),
        ("Messenger", "share"),
        ("These are external links and will open in a new window", "share"),
        ("Close share panel", "share"),
        ("Read more about sharing.", "share"),
        ("More on this story", "related"),
        (
            "Ann Lee, potterBo Chan, poet and criticJo Park, actorAl Roy, jockey",
            "links",
        ),
        ("Instagram iconTikTok iconReddit iconTelegram", "links"),
    ],
)
def test_share_panels_and_run_together_links(line, kind):
    assert classify_line(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "She posted the clip on YouTube, PayPal and LinkedIn before noon.",
        "Email was the only way to reach the crew.",
        "The iPhone and the eBay listing were both fakes.",
    ],
)
def test_brand_names_in_prose_are_not_glued_links(line):
    assert classify_line(line) is None


CARDS = """City council approves the new budget after a long debate

The council voted 7-2 on Tuesday to approve a budget that raises spending on parks by 4 percent.

Top Stories

Best winter hiking boots of the year

Outdoors / 12 mins ago

We tested a dozen pairs of boots on snowy trails, and three of them kept our feet dry all day.

Where to see the meteor shower tonight

Science / 40 mins ago

The shower peaks after midnight, and the darkest skies are away from the city lights, experts say.
"""


def test_teaser_cards_with_their_age_are_a_listing():
    got = texts(CARDS)
    assert got == [
        "City council approves the new budget after a long debate",
        "The council voted 7-2 on Tuesday to approve a budget that raises spending on parks "
        "by 4 percent.",
    ]


def test_one_age_line_under_the_headline_is_the_articles_own():
    body = (
        "Storm knocks out power across the county\n\nUpdated 2 hours ago\n\n"
        "More than 10,000 homes lost power on Sunday, the utility said."
    )
    assert texts(body) == [
        "Storm knocks out power across the county",
        "More than 10,000 homes lost power on Sunday, the utility said.",
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Mouse over a photo for the name. Click on a photo to read the tribute.", "chrome"),
        ("Tap on the map to zoom in.", "chrome"),
        ("Back to the Obituaries Main Page Earlier Weeks Guest Book", "navigation"),
        (
            "Firefighters on the roof of the mill on Friday.Credit...Jan Roe/Associated Press",
            "caption",
        ),
        ("Send tips to newsdesk@example.org", "contact"),
    ],
)
def test_reader_hints_ways_back_caption_credits_and_write_in_lines(line, kind):
    assert classify_line(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "scroll down and the site lists every prize you can win",
        "Click rates on the ads fell by half last year.",
        "Back to school sales rose 4 percent in August.",
        "He said the agency would send letters to every voter.",
    ],
)
def test_prose_like_the_hints_is_text(line):
    assert classify_line(line) is None


def test_a_papers_name_opening_its_story_is_a_dateline():
    text = "Harbour Times – Divers recovered a second boat on Monday."
    m = find_dateline(text)
    assert m is not None and text[: m.end("dash")] == "Harbour Times –"
    assert texts(f"Boat found\n\n{text}")[-1] == "Divers recovered a second boat on Monday."


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("PREVIOUS Council delays the vote on the new stadium", "related"),
        ("Next article: Council votes on budget", "related"),
        ("Read: The Daily Post, More: Radio West", "related"),
        ("Want the week's best stories? Sign up here", "promo"),
    ],
)
def test_previous_next_links_coverage_lines_and_sign_up_lines(line, kind):
    assert classify_line(line) == kind


@pytest.mark.parametrize(
    "line", ["NEXT STEPS for the council", "Next week the council meets again."]
)
def test_next_in_prose_or_an_intertitle_is_text(line):
    assert classify_line(line) is None


def test_a_one_word_intertitle_after_a_related_box_stays():
    body = (
        "The senate met on Monday to debate the budget, its leader said.\n\n"
        "Read More\n\nCouncil Backs New Tram Line\nMayor Opens Second Bridge\n\n"
        "Impeachment\n\n"
        "The leader ruled out a vote on removing the governor this year, aides said."
    )
    assert "Impeachment" in texts(body)


def test_a_bare_related_heading_reaches_over_one_line_paragraphs():
    body = (
        "The bridge reopened on Monday after two years of repairs, the city said.\n\n"
        "You May Also Like\n\nPublic Transport\n\nWhy Are Ferries Running Late This Winter?\n\n"
        "Public Transport\n\nCity Plans a Second Tram Line by 2030\n\n"
        "The bridge carries 40,000 cars a day, officials said."
    )
    assert texts(body) == [
        "The bridge reopened on Monday after two years of repairs, the city said.",
        "The bridge carries 40,000 cars a day, officials said.",
    ]


def test_prose_ending_on_a_tail_without_a_stop_still_counts_as_the_article():
    body = (
        "Study finds no link between cycling and knee pain\n\n"
        "Publication date:\n\n"
        "A team led by Dr Ana Ruiz followed 4,000 riders for ten years. They found no rise "
        "in knee pain among regular cyclists. Read: Daily Post, More: Radio West\n\n"
        "Tea drinkers sleep no worse than others\n\n"
        "Publication date:\n\n"
        "Dr Tom Bell comments on his study of 2,000 adults and their evening habits. "
        "Read: Evening News"
    )
    got = texts(body)
    assert "Tea drinkers sleep no worse than others" in got
    assert "They found no rise in knee pain among regular cyclists." in got


def test_a_box_of_labelled_explainer_links_is_a_promo():
    body = (
        "The river rose 3 feet overnight, the county said on Sunday.\n\n"
        "QUICK GUIDE: What to do in a flood\nMAP: Where the water is rising\n"
        "TIMELINE: How the storm grew\n\n"
        "Crews worked through the night to shore up the levee."
    )
    assert texts(body) == [
        "The river rose 3 feet overnight, the county said on Sunday.",
        "Crews worked through the night to shore up the levee.",
    ]


def test_short_question_lines_of_an_interview_stay():
    body = "Q: Who called you?\nA: The mayor did\nQ: When was that?\nA: On Friday"
    assert "Who called you?" in " ".join(texts(body))


@pytest.mark.parametrize(
    ("body", "want"),
    [
        (
            "We lost because we didn't. Hence the gap.",
            ["We lost because we didn't.", "Hence the gap."],
        ),
        ("They said it’s. Hence the name.", ["They said it’s.", "Hence the name."]),
        ("It was Plan B. Hence the gap.", ["It was Plan B. Hence the gap."]),
    ],
)
def test_a_contractions_last_letter_is_no_initial(body, want):
    assert texts(body) == want


def test_a_wire_agency_alone_on_its_line_is_a_byline():
    assert classify_line("JIJI") == "byline"
    assert classify_line("Jiji Press") == "byline"


@pytest.mark.parametrize(
    ("line", "kind"),
    [("Photo Source: Ann Lee from Unsplash.", "caption"), ("Image credit: Jan Roe.", "caption")],
)
def test_a_credit_label_with_its_value_and_a_stop_is_a_caption(line, kind):
    assert classify_line(line) == kind


def test_a_sentence_opening_with_photographs_by_is_text():
    assert classify_line("Photographs by the survey team were published in 1998.") is None


def test_skip_links_run_together_are_navigation():
    assert classify_line("Skip to contentSkip to site index") == "navigation"
