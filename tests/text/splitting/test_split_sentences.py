"""Sentence boundaries: one table per rule, on sentences written for these tests."""

import pytest

from factcheck.text.splitting import split_article


def texts(body: str) -> list[str]:
    return [c.text for c in split_article(body)]


CASES = [
    # abbreviations and titles
    (
        "Dr. Ana Ruiz met Gov. Tim Hall in St. Louis.",
        ["Dr. Ana Ruiz met Gov. Tim Hall in St. Louis."],
    ),
    ("Apple Inc. said sales rose. Shares fell.", ["Apple Inc. said sales rose.", "Shares fell."]),
    (
        "Shares of Acme Corp. fell 5%. The company declined to comment.",
        ["Shares of Acme Corp. fell 5%.", "The company declined to comment."],
    ),
    ("He moved to the U.S. in 1990.", ["He moved to the U.S. in 1990."]),
    ("She lives in the U.S. They visit often.", ["She lives in the U.S.", "They visit often."]),
    ("The U.S. Senate met. It adjourned.", ["The U.S. Senate met.", "It adjourned."]),
    (
        "He was born in Tulsa, Okla. He moved to Texas.",
        ["He was born in Tulsa, Okla.", "He moved to Texas."],
    ),
    (
        "Officials in Salem, Ore. said the dam held.",
        ["Officials in Salem, Ore. said the dam held."],
    ),
    # months, numbers, money, percentages
    (
        "Prices rose 3.5% in Jan. 2024. Analysts expected less.",
        ["Prices rose 3.5% in Jan. 2024.", "Analysts expected less."],
    ),
    ("The bill costs $4.5 billion. It passed.", ["The bill costs $4.5 billion.", "It passed."]),
    ("The team is ranked No. 3 in the poll.", ["The team is ranked No. 3 in the poll."]),
    (
        "Was it true? No. The quote was invented.",
        ["Was it true?", "No.", "The quote was invented."],
    ),
    ("See p. 14 of the filing.", ["See p. 14 of the filing."]),
    # times
    (
        "Officials met at 3 p.m. The talks lasted an hour.",
        ["Officials met at 3 p.m.", "The talks lasted an hour."],
    ),
    ("The vote closed at 5 p.m. ET on Friday.", ["The vote closed at 5 p.m. ET on Friday."]),
    ("At 6 a.m. Mr. Lee opened the doors.", ["At 6 a.m. Mr. Lee opened the doors."]),
    # initials
    ("Author J. K. Rowling spoke briefly.", ["Author J. K. Rowling spoke briefly."]),
    ("President George W. Bush signed it.", ["President George W. Bush signed it."]),
    # ellipses
    ("Wait... What happened next?", ["Wait...", "What happened next?"]),
    ("He paused . . . and then spoke.", ["He paused . . . and then spoke."]),
    ("It was over. … Nobody came back.", ["It was over.", "… Nobody came back."]),
    # parentheses and dashes
    (
        "The rate fell to 4.2 percent (down from 4.5 percent in March). It was the lowest in years.",
        [
            "The rate fell to 4.2 percent (down from 4.5 percent in March).",
            "It was the lowest in years.",
        ],
    ),
    ("The plan — approved in 2019 — stalled.", ["The plan — approved in 2019 — stalled."]),
    (
        "The question — who pays? — went unanswered. Who pays? — Nobody knows.",
        ["The question — who pays? — went unanswered.", "Who pays?", "— Nobody knows."],
    ),
    # web addresses and glued sentences
    (
        "Visit example.com for details. It is free.",
        ["Visit example.com for details.", "It is free."],
    ),
    ("Write to press@city.gov.uk for comment.", ["Write to press@city.gov.uk for comment."]),
    ("The figure was 12,000.That was a record.", ["The figure was 12,000.", "That was a record."]),
    # quotations
    (
        '"We will rebuild," the mayor said. "It will take years."',
        ['"We will rebuild," the mayor said.', '"It will take years."'],
    ),
    ('"Is it safe?" the reporter asked.', ['"Is it safe?" the reporter asked.']),
    # an omission mark opens the next sentence of a quotation; inside one it does not
    (
        '"We will rebuild the bridge. [...] Nobody will be left behind," the mayor said.',
        ['"We will rebuild the bridge.', '[...] Nobody will be left behind," the mayor said.'],
    ),
    ("He read the law [...] and left the room.", ["He read the law [...] and left the room."]),
    ('"Is it safe?" Reporter Jo Lin asked.', ['"Is it safe?" Reporter Jo Lin asked.']),
    (
        "The report was titled “Why Cities Fail. A Study” and ran to 90 pages.",
        ["The report was titled “Why Cities Fail. A Study” and ran to 90 pages."],
    ),
    # an emoticon closes a sentence of web text before a capital, not a colon's list
    (
        "Great service :-) We will be back. Sad ending :( Still worth it.",
        ["Great service :-)", "We will be back.", "Sad ending :(", "Still worth it."],
    ),
    ("Grades: D and F were rare.", ["Grades: D and F were rare."]),
    # headlines, lines and lists
    (
        "Storm batters coast\nThousands lost power.",
        ["Storm batters coast", "Thousands lost power."],
    ),
    (
        "1. Troops in the capital\n2. Curfew extended",
        ["1. Troops in the capital", "2. Curfew extended"],
    ),
    ("Key points:\n• Rates rise\n• Jobs fall", ["Key points:", "• Rates rise", "• Jobs fall"]),
    (
        "The council said the line\nwould close in June.",
        ["The council said the line\nwould close in June."],
    ),
    ("Sirens. Shouting. Silence.", ["Sirens.", "Shouting.", "Silence."]),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_sentence_boundaries(body, expected):
    assert texts(body) == expected


def test_carriage_returns_do_not_crash():
    got = texts("First line.\r\nSecond line.\rThird line.")
    assert got == ["First line.", "Second line.", "Third line."]


@pytest.mark.parametrize("body", ["", "   ", "\n\n", "...", "•", "\r\n\r\n"])
def test_empty_or_punctuation_only(body):
    assert split_article(body) == []


def test_a_stack_of_headlines_is_not_a_hard_wrapped_paragraph():
    """Headline, subheadline and first sentence on consecutive lines each stand alone; a
    paragraph wrapped at a fixed width (lines going on in lower case) is still one text."""
    stacked = (
        "Council approves the budget for next year\n"
        "Spending on roads rises for the third year\n"
        "The city council approved a $4.2 million budget on Tuesday.\n"
    )
    assert texts(stacked) == [
        "Council approves the budget for next year",
        "Spending on roads rises for the third year",
        "The city council approved a $4.2 million budget on Tuesday.",
    ]
    wrapped = (
        "The city council approved a budget of $4.2 million\n"
        "on Tuesday after a debate that ran late into the\n"
        "night, and spending on roads rises by 12 percent.\n"
    )
    assert texts(wrapped) == [
        "The city council approved a budget of $4.2 million\non Tuesday after a debate that "
        "ran late into the\nnight, and spending on roads rises by 12 percent."
    ]
