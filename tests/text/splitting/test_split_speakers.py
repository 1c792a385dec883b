"""Attribution: reporting verbs, pronouns, quotations across sentences and paragraphs."""

import pytest

from factcheck.text.splitting import split_article


def speakers(body: str) -> list[tuple[str, str | None]]:
    return [(c.text, c.speaker) for c in split_article(body)]


SINGLE = [
    ('"We will rebuild," Mayor Ana Soto said.', "Mayor Ana Soto"),
    ('"We will rebuild," said Ana Soto, who took office in May.', "Ana Soto"),
    ('"Prices will rise," economist Li Wei told Reuters.', "economist Li Wei"),
    ("Police said the driver fled on foot.", "Police"),
    ("The driver fled on foot, police said.", "police"),
    ("The plant will close in May, according to a company filing.", "a company filing"),
    (
        "Jane Roe, a spokeswoman for the ministry, said the talks failed.",
        "Jane Roe, a spokeswoman for the ministry",
    ),
    ("Sen. Tom Hill, R-Ohio, told reporters the bill was dead.", "Sen. Tom Hill"),
    ("The mine closed in 2009, a former worker told the newspaper.", "a former worker"),
    ("Officials in both cities had earlier reported a drop in crime.", "Officials in both cities"),
    ("To Coach Mia Park, the loss was a lesson.", "Coach Mia Park"),
    (
        "The rebels seized the town, the army's Northern Command (ANC) said.",
        "the army's Northern Command",
    ),
    ("Most wells run dry by August, according to state records.", "state records"),
    ("Rents doubled in a decade, according to estimates.", "estimates"),
    ("Everything went according to plan.", None),
    ("The ballots were sorted according to the rules.", None),
    (
        "The alert began at 6 p.m., when reserves stood at 12 percent, said Ana Ruiz, an analyst.",
        "Ana Ruiz",
    ),
    ("Critics of the dam argue that it will flood the valley.", "Critics of the dam"),
    ('"They jumped over our snares," remembers Lena Ortiz, with a laugh.', "Lena Ortiz"),
    ("The bridge opened in 1932.", None),
    ("We asked the ministry for comment.", None),
    ("The program ended and told nobody why.", None),
    ("The city, which officials said was bankrupt, closed the school.", None),
    # a clause opened by "but" / "so": its subject speaks
    ("But Deputy Mayor Ed Park stressed on Monday that the vote stands.", "Deputy Mayor Ed Park"),
    ("Turnout fell, but the election board said that no ballots were lost.", "the election board"),
    # "have since said": the adverb between the auxiliary and the verb
    ("Two witnesses have since claimed that the car ran a red light.", "Two witnesses"),
    # a relative clause after the subject: the noun it describes
    ("The nurse who stayed behind said that the ward had no power.", "The nurse"),
    # the role first, the name in apposition to it
    ("The director of the port authority, Rosa Diaz, added that cargo was delayed.", "Rosa Diaz"),
    # "continued" with an object is going on, not speaking
    ("No, but the council has continued a program that pays for repairs.", None),
]


@pytest.mark.parametrize(("body", "speaker"), SINGLE)
def test_single_sentence_speaker(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


def test_pronoun_refers_back_to_last_named_person():
    body = (
        '"It is over," Maria Chen, a local resident, said.\n\n'
        "Police said the road would reopen on Friday.\n\n"
        '"We lost everything," she said.'
    )
    got = [s for _, s in speakers(body)]
    assert got == ["Maria Chen, a local resident", "Police", "Maria Chen, a local resident"]


def test_they_refers_to_a_group_not_a_person():
    body = 'Two engineers, speaking anonymously, told the paper the cables were worn.\n\n"It was only a matter of time," they said.'
    got = [s for _, s in speakers(body)]
    assert got[-1] == "Two engineers"


def test_quote_over_sentences_and_paragraphs():
    body = (
        'Tom Reyes said: "The first point is cost. The second is time.\n\n'
        '"The third is trust." He then left.'
    )
    got = speakers(body)
    assert [t for t, _ in got] == [
        'Tom Reyes said: "The first point is cost.',
        "The second is time.",
        '"The third is trust."',
        "He then left.",
    ]
    assert [s for _, s in got] == ["Tom Reyes", "Tom Reyes", "Tom Reyes", None]


def test_attribution_at_end_of_long_quote():
    body = '"We tried. We failed.\n\n"We will try again," the coach said.'
    assert [s for _, s in speakers(body)] == ["the coach"] * 3


def test_unattributed_quote_paragraph_continues_source():
    body = 'A nurse at the clinic told reporters the ward was full.\n\n"Nobody could get a bed."'
    assert [s for _, s in speakers(body)] == ["A nurse at the clinic"] * 2


def test_colon_line_announces_quote():
    body = 'Governor Lee wrote in a letter:\n"We will act before winter."'
    got = speakers(body)
    assert got == [
        ("Governor Lee wrote in a letter:", "Governor Lee"),  # the colon line is his too
        ('"We will act before winter."', "Governor Lee"),
    ]


def test_extract_from_a_document_by_its_author():
    body = (
        "The museum bought a letter from Ada Byron last year.\n\n"
        "An extract from the letter:\n"
        "“My head is full of numbers. I cannot sleep.”"
    )
    assert [s for _, s in speakers(body)][-2:] == ["Ada Byron", "Ada Byron"]


def test_scare_quotes_in_narration_get_no_speaker():
    body = 'The storm was "historic" by any measure. Crews worked overnight.'
    assert [s for _, s in speakers(body)] == [None, None]


def test_quote_continuing_in_same_paragraph_keeps_speaker():
    body = 'To Coach Mia Park, the loss was a lesson. It was "a wake-up call," nothing more.'
    assert [s for _, s in speakers(body)] == ["Coach Mia Park", "Coach Mia Park"]


def test_dash_written_as_straight_quote_is_not_a_quote():
    body = 'The drought " the worst in 40 years " ended in May. "It rained," a farmer said.'
    got = split_article(body)
    assert [c.speaker for c in got] == [None, "a farmer"]
    assert not got[0].is_quote


def test_is_quote_flag():
    got = split_article('"We will win." The crowd cheered.')
    assert [c.is_quote for c in got] == [True, False]


def test_two_apostrophes_are_a_double_quote():
    """Typewriter text and news archives write “ and ” as '' (or `` to open)."""
    body = (
        "''The bridge is safe. We checked it twice,'' the engineer said.\n\n"
        "''It will reopen in May.''\n\n"
        "``Nobody was hurt,'' a police officer said."
    )
    got = split_article(body)
    assert [c.speaker for c in got] == ["the engineer"] * 3 + ["a police officer"]
    assert all(c.is_quote for c in got)


def test_two_apostrophes_quote_masks_its_verbs():
    """A reporting verb inside a '' quotation is the quote's, not the sentence's."""
    body = "Rents rose 9 percent, said Ana Ruiz. ''Tenants told me they cannot pay,'' she said."
    assert [s for _, s in speakers(body)] == ["Ana Ruiz", "Ana Ruiz"]


NEWS_STYLE = [
    # an adjective in -ed before its noun is part of the speaker, not a verb
    ('"It will pass," said one retired federal judge.', "one retired federal judge"),
    ('"Rates stay," said the unnamed Treasury official.', "the unnamed Treasury official"),
    # a first name that is also a word ("Will", "May") inside a name
    ('"Costs rose," said Will Dunn, a professor.', "Will Dunn"),
    # next to a quotation the inverted speaker may open in lower case
    ('"It is a hot item," said conservative activist Ron Gale.', "conservative activist Ron Gale"),
    # a poll's respondents speak for the poll
    ("About 9 percent said they had no preference.", "About 9 percent"),
    ("Those surveyed said the bridge should be rebuilt.", "Those surveyed"),
    ("Seventy-four percent of voters say they back the plan.", "Seventy-four percent of voters"),
    ("By 58%-33%, 58% of residents said the tax should stay.", "58% of residents"),
    # a bare agent noun after a clause: "forecasters say"
    ("If rates do not fall, forecasters say growth will stall.", "forecasters"),
    # "pledged" before a noun is an adjective
    ("She was on track to win a majority of pledged delegates.", None),
    # a sentence-final "according to X" is the source of the whole sentence
    (
        "Ten members prevailed, and the two other delegates pledged to back him, according to Ed Lee.",
        "Ed Lee",
    ),
    (
        "According to a county survey, 51 percent of respondents said they would vote.",
        "a county survey",
    ),
]


@pytest.mark.parametrize(("body", "speaker"), NEWS_STYLE)
def test_news_style_speaker(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


def test_spaced_closing_quote_after_inner_quote_closes():
    """'... of 'Clinton,' " said Ann': the double quote set off by a space still closes."""
    body = "\"They ask why they should vote for 'Clinton,' \" said Ann Bell, a volunteer."
    assert [s for _, s in speakers(body)] == ["Ann Bell"]


def test_name_and_colon_before_a_quotation():
    body = (
        "POLLS WERE NOT WRONG - Mark Lee and Jon Ruiz: “The polls ended too early. "
        "They missed the late shift.”\n\n"
        "More from Ruiz: “Turnout was high.”"
    )
    got = [s for _, s in speakers(body)]
    assert got == ["Mark Lee and Jon Ruiz", "Mark Lee and Jon Ruiz", "Jon Ruiz"]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("Gowdy: Inquiry Found ‘No Evidence’ of Fraud", "Gowdy"),  # a headline quoting its speaker
        ("Coronavirus: New York ramps up burials", None),  # a topic, not a speaker
        ("Player of the Game: Ann Casto.", None),
        ("Update: “We are safe,” the mayor wrote.", "the mayor"),  # a heading word
    ],
)
def test_headline_speaker_before_colon(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


def test_transcript_labels_give_the_turn_its_speaker():
    body = (
        "Transcript of the hearing\n\n"
        "MR. SMITH: We will vote on Friday. The bill is ready, he said.\n\n"
        "Q: Is it?\n\n"
        "SENATOR LEE: It is not. That is my view.\n\n"
        "UPDATE: The vote was moved.\n\n"
        "BREAKING: HALL CLOSED FOR VOTE\n\n"
        "The hall was empty."
    )
    got = [s for _, s in speakers(body)]
    assert got == [
        None,
        "Mr. Smith",
        "Mr. Smith",
        None,
        "Senator Lee",
        "Senator Lee",
        None,
        None,
        None,
    ]


def test_scare_quoted_term_opening_a_paragraph_is_narration():
    body = (
        '"We will win," the mayor said.\n\n'
        '"Containment" has been the city\'s policy since the war, when the dams were built.'
    )
    assert [s for _, s in speakers(body)] == ["the mayor", None]


MAIN_CLAUSE = [
    # a reporting participle after the main clause: its subject speaks
    ("The company cut 300 jobs, saying demand had fallen.", "The company"),
    ("Gov. Ann Lee on Thursday blamed the press, saying it had twisted her words.", "Gov. Ann Lee"),
    (
        "In reply to the plan, the union's chief rallied members, saying it would fail.",
        "the union's chief",
    ),
    (
        "Rosa Diaz, a retired judge, endorsed the bill on Friday, saying it was overdue.",
        "Rosa Diaz",
    ),
    ("Sen. Tom Hill (R-Ohio) issued a statement saying the vote would wait.", "Sen. Tom Hill"),
    # a participle that reports nothing
    ("The storm hit the coast on Monday, adding to the damage.", None),
    ("The mayor cut the budget, promising to hire later.", None),
    # a verb of saying coordinated with narration: the main clause is narration
    ("The agency obtained the video and said it showed no crime.", None),
    # a clause of its own after "and"
    ("The rain stopped and officials said the road would reopen.", "officials"),
    # a verb of doing after "and" reports nothing
    ("He lived in Leeds and wrote his thesis on farming.", None),
    ("The file was closed and Lee testified in 1998.", None),
    # "As X said, ..."
    ("As the mayor said last week, the budget is tight.", "the mayor"),
    ("As Soviet states, both fell under Moscow's rule.", None),
]


@pytest.mark.parametrize(("body", "speaker"), MAIN_CLAUSE)
def test_main_clause_subject_speaks(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


def test_saying_nothing_is_no_attribution():
    got = [s for _, s in speakers("The mayor said nothing. Police said no one was hurt.")]
    assert got == [None, "Police"]


FINDINGS = [
    # what a document or data shows is its account
    ("Recent polling shows that the mayor leads.", "Recent polling"),
    ("A state audit found that the fund was short.", "A state audit"),
    ("Exit polls in Ohio indicated that turnout was high.", "Exit polls in Ohio"),
    # a person or a body "suggests" or "concludes" in words
    ("Senator Ann Lee suggested that the vote wait.", "Senator Ann Lee"),
    ("Some experts have concluded that the dam is unsafe.", "Some experts"),
    # an abstract subject, or a person finding a thing, reports nothing
    ("The move suggests the firm is worried.", None),
    ("Police found the car in a lake.", None),
    ("Researchers found the virus in bats.", None),
]


@pytest.mark.parametrize(("body", "speaker"), FINDINGS)
def test_what_a_document_shows(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


def test_pronoun_refers_back_to_a_named_subject_before_any_speaker():
    body = (
        "Gov. Ann Lee on Thursday blamed the press for the row.\n\n"
        "“Maybe they should apologise,” she said on Sunday."
    )
    assert [s for _, s in speakers(body)] == [None, "Gov. Ann Lee"]


def test_subject_with_relative_clauses_before_said():
    body = (
        "Senator Ann Lee, the Ohio Republican who heads the committee, which oversees the "
        "fund, said Mr. Park's donations ''raise questions'' about the fund."
    )
    assert [s for _, s in speakers(body)] == ["Senator Ann Lee"]


def test_noun_after_comma_said_before_a_quotation_is_its_object():
    body = "The mayor agreed, said Tom Reyes's letter ''was fair,'' and left."
    assert [s for _, s in speakers(body)] != ["Tom Reyes's letter"]


def test_colon_line_with_apposition_or_a_statement_announces_the_speaker():
    body = (
        "President Ann Lee released the following statement:\n\n"
        '"Tom Park was a friend. He will be missed."\n\n'
        "Rosa Diaz, a nurse, said:\n\n"
        '"We had no beds."\n\n'
        "She said:\n\n"
        '"We will rebuild."'
    )
    got = [s for _, s in speakers(body)]
    nurse = "Rosa Diaz, a nurse"
    # a colon line with its own attribution is the speaker's too; "released the following
    # statement:" reports no words of its own
    assert got == [None, "President Ann Lee", "President Ann Lee", nurse, nurse, nurse, nurse]


def test_transcript_turns_run_over_lines_until_the_next_label():
    body = (
        "BRIEFING BY THE PRESS SECRETARY\n"
        "MS. PARK: Good afternoon. Thank you for coming.\n"
        "Q (Inaudible.)\n"
        "MS. PARK: We will take questions later.\n"
        "First, the ground rules. This is on background.\n"
        "OFFICIAL: Hi, everyone. The speech is about jobs.\n"
        "Q: Will he mention trade?\n"
        "OFFICIAL: Yes, he will."
    )
    got = [s for _, s in speakers(body)]
    park, official = "Ms. Park", "Official"
    # "Q (Inaudible.)" is furniture now (a bare turn mark and a stage direction)
    assert got == [None, park, park, park, park, park, official, official, None, official]


def test_one_label_in_a_news_story_holds_for_its_paragraph_only():
    body = (
        "The senator spoke on Monday.\n\n"
        "LEE: You should be willing to debate anywhere. It is the job.\n\n"
        "Why will the governor not debate?"
    )
    assert [s for _, s in speakers(body)] == [None, "LEE", "LEE", None]  # three letters: kept


def test_a_blank_line_after_a_transcript_excerpt_ends_the_turn():
    body = (
        "LEE: We will win.\nPARK: You will not.\nLEE: We will see.\nIt is close.\n\n"
        "Share your view below."
    )
    assert [s for _, s in speakers(body)] == ["LEE", "Park", "LEE", "LEE", None]


PRESS_AND_PRONOUNS = [
    # a press release: the company, its ticker in parentheses, "today reported"
    ("Acme Corp. (Nasdaq: ACME) today reported revenue of $2 billion.", "Acme Corp."),
    # a pronoun with its verb is no name
    ("As I’ve said from the start, we are in a fight.", None),
]


@pytest.mark.parametrize(("body", "speaker"), PRESS_AND_PRONOUNS)
def test_press_release_and_contractions(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


def test_pronoun_after_a_titled_subject_with_an_adverb():
    body = (
        "US President Ann Lee again sought to cast doubt on the count.\n\n"
        '"We should know who won," she said.\n\n'
        "He's said the same before, the official added."
    )
    got = [s for _, s in speakers(body)]
    assert got[:2] == [None, "US President Ann Lee"]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        # a long description before a personal name gives way to the name
        ("County sheriff's office spokeswoman Ann Hill said a tree fell.", "Ann Hill"),
        ("Former House speaker Tom Reyes said so.", "Tom Reyes"),
        # a short title stays, and so does a name that is an organisation
        ("Alabama coach Nick Saban said it.", "Alabama coach Nick Saban"),
        ("That is what my friend at the now-defunct National Review wrote.", None),
    ],
)
def test_role_before_a_name(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


def test_a_surname_ending_in_s_is_a_person():
    body = '"We are ready," said Maria Reyes.\n\nThe crowd cheered.\n\n"We will win," she said.'
    assert [s for _, s in speakers(body)] == ["Maria Reyes", None, "Maria Reyes"]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("Ann Lee Says The Vote Was Fair", "Ann Lee"),  # a headline's "X Says Y"
        ("Dams Could Fail Within A Decade, Engineers Say", "Engineers"),
        ("What the Data Says About Crime", None),
        ("Game Notes", None),
    ],
)
def test_headline_says(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("Tom Bell, 58, who lives outside Leeds, says he had not heard of her.", "Tom Bell"),
        ("But Ann Roe, the head of the trust, a group that sued, said it was over.", "Ann Roe"),
        ("The mayor has long said that the bridge is safe.", "The mayor"),
    ],
)
def test_opening_subject_past_ages_and_asides(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        # a cue word used as a noun
        ("Within an hour of initial reports of the fire, crews arrived.", None),
        ("Coastal states that have moved left include Oregon.", None),
        ("Five states included the measure on the ballot.", None),
        ("The firm relies on user reports to find abuse.", None),
        ("She won 300 pledged delegates.", None),
        # a verb of doing, not of saying
        ("The city responded by cutting fees.", None),
        ("Lee reported from Leeds.", None),
        ("The delay added to the confusion.", None),
        ("The mayor has added another task to his job.", None),
        # the same words as verbs of saying
        ("The report states that the dam is unsafe.", "The report"),
        ('"It sold well," Ann Lee added to People.', "Ann Lee"),
        ("Ann Lee added that the dam was safe.", "Ann Lee"),
        ("Pence went on to say that the men would do great things.", "Pence"),
    ],
)
def test_noun_or_doing_uses_of_cue_words(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        (
            "Though short of quitting, retired surgeon Ben Carr told fans that he saw no path.",
            "retired surgeon Ben Carr",
        ),
        ("Police on Monday said the road was shut.", "Police"),
        ("The ministry last week said it would act.", "The ministry"),
        ("It has been a safe seat, following the track of Deep Southern states.", None),
    ],
)
def test_role_in_lower_case_and_a_time_before_the_verb(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        (
            "Fees rose, according to the recently court-released Acme playbook.",
            "the recently court-released Acme playbook",
        ),
        (
            "Support fell, according to a poll of 400 registered voters released on Friday.",
            "a poll of 400 registered voters",
        ),
        (
            "Gov. Ann Lee, a Republican who has refused to endorse him, said the Park family deserved better.",
            "Gov. Ann Lee",
        ),
    ],
)
def test_adjectives_in_ed_inside_a_source(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        (
            "LEEDS, April 28, 2016 (WIRE) -- Acme Corp. (Nasdaq: ACME) today reported revenue of $2 billion.",
            "Acme Corp.",
        ),
        (
            "Acme Group Inc. (NASDAQ: ACME), a provider of consulting services, today announced results.",
            "Acme Group Inc.",
        ),
        (
            "NEW YORK - Candidate Ann Lee on Saturday tweeted that the count was rigged.",
            "Candidate Ann Lee",
        ),
    ],
)
def test_press_release_openings(body, speaker):
    got = [s for _, s in speakers(body)]
    assert got[-1] == speaker


def test_quotation_signed_after_a_dash():
    body = (
        "“The bus never comes. We wait an hour.” ― Ann Roe\n"
        "“Fares went up again.” — Tom Bell, Leeds\n\n"
        "The vote was close — and the count slow."
    )
    got = [s for _, s in speakers(body)]
    # the signature split off as its own line names the quotation before it
    assert got == ["Ann Roe", "Ann Roe", "Tom Bell, Leeds", None, None]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        # an attribution inside what the opening one reports is part of its content
        (
            "The loggers claimed that he was alive and, along the way, Ramdehol told them that he was in pain.",
            "The loggers",
        ),
        # but a sentence-final one is the source of the whole sentence
        ("Ann Lee noted that the fund is short, reported the Daily Post.", "the Daily Post"),
    ],
)
def test_nested_and_closing_attributions(body, speaker):
    [(_, got)] = speakers(body)
    assert got == speaker
