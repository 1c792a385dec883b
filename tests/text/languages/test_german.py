"""German: ordinals and dates, abbreviations, „quotes“, furniture, dpa datelines, speakers."""

from __future__ import annotations

from lang_helpers import furniture, reasons, sentences, speakers

from factcheck.text.splitting import analyze


def test_ordinals_and_dates_are_not_sentence_ends():
    text = "Die 27. Große Strafkammer tagt seit dem 25. November. Sie urteilt am 3. Mai 2024."
    assert sentences(text, "de") == [
        "Die 27. Große Strafkammer tagt seit dem 25. November.",
        "Sie urteilt am 3. Mai 2024.",
    ]
    assert len(sentences(text, "en")) > 2  # English rules cut them: the language matters


def test_a_number_that_ends_a_sentence_still_ends_it():
    assert sentences("Die Zahl der Toten stieg auf 27. Das teilte die Polizei mit.", "de") == [
        "Die Zahl der Toten stieg auf 27.",
        "Das teilte die Polizei mit.",
    ]


def test_an_ordinal_after_an_article_and_its_adjective_is_not_an_end():
    text = (
        "Die Kirche stammt aus der Zeit des späten 15. Jahrhunderts. Sie feiert ihr "
        "traditionell begangenes 60. Jubiläum. Unter den besten 10. Danach kam er nicht mehr."
    )
    assert sentences(text, "de") == [
        "Die Kirche stammt aus der Zeit des späten 15. Jahrhunderts.",
        "Sie feiert ihr traditionell begangenes 60. Jubiläum.",
        "Unter den besten 10.",  # a word that opens sentences follows: an end after all
        "Danach kam er nicht mehr.",
    ]


def test_abbreviations():
    text = "Er nannte Nr. 5 und z. B. die Wohnung von Dr. Meier usw. Die Polizei ermittelt."
    assert sentences(text, "de") == [
        "Er nannte Nr. 5 und z. B. die Wohnung von Dr. Meier usw.",
        "Die Polizei ermittelt.",
    ]


def test_low_high_quotation_marks_close_a_quotation():
    text = "„Das ist falsch.“ Der Anwalt widersprach. Er sagte: „Wir gehen in Berufung.“"
    claims = analyze(text, "de").claims
    assert [c.text for c in claims][:2] == ["„Das ist falsch.“", "Der Anwalt widersprach."]
    assert claims[0].is_quote and not claims[1].is_quote


def test_furniture_and_dateline():
    text = (
        "Prozess in Berlin\n\nBERLIN (dpa) - Die Angeklagte schwieg am ersten Tag.\n\n"
        "Mehr zum Thema\n\n3 Kommentare\n\n(pm/skw)\n"
    )
    found = furniture(text, "de")
    assert ("dateline", "BERLIN (dpa) -") in found
    assert {k for k, _ in found} >= {"related", "comments", "byline"}
    assert analyze(text, "de").meta.publisher == "dpa"
    assert sentences(text, "de")[1] == "Die Angeklagte schwieg am ersten Tag."


def test_speakers():
    text = (
        "Angela Merkel sagte, die Lage sei ernst. Der Umsatz stieg um 3 Prozent, so der "
        "Minister. Laut Polizei, gab es keine Verletzten."
    )
    assert speakers(text, "de") == ["Angela Merkel", "der Minister", "Polizei"]
    assert speakers("Er sagte, dass es regnet.", "de") == [None]  # a pronoun names nobody


def test_worthiness_reasons():
    assert reasons("Der Umsatz stieg laut Statistik im März um rund drei Prozent.", "de") == (
        "number", "date", "attribution", "hedge", "comparison",
    )  # fmt: skip
    assert "named entity" not in reasons("Die Große Strafkammer tagt.", "de")
    assert "named entity" in reasons("Heute sprach Olaf Scholz.", "de")
    assert "causal" in reasons("Wegen des Sturms fielen Züge aus.", "de")


def test_names_streets_months_and_short_words_before_numbers_are_not_ends():
    text = (
        "Prof. Dr. med. Hans Weber spricht im Hl. Geist-Spital. Die Praxis liegt in der "
        "Bahnhofstr. 12 in Mainz. Die Inflation lag im Jan. 2024 bei rd. 3 Prozent. "
        "Die Sitzung ist am Di. Vormittag. Das war im Mai. 2025 folgt die nächste Wahl."
    )
    assert sentences(text, "de") == [
        "Prof. Dr. med. Hans Weber spricht im Hl. Geist-Spital.",
        "Die Praxis liegt in der Bahnhofstr. 12 in Mainz.",
        "Die Inflation lag im Jan. 2024 bei rd. 3 Prozent.",
        "Die Sitzung ist am Di. Vormittag.",
        "Das war im Mai.",  # a month written out ends a sentence before a year
        "2025 folgt die nächste Wahl.",
    ]


def test_guillemets_pointing_inwards_open_and_close_quotations():
    text = "»Das ist falsch«, sagte der Minister. »Wir prüfen das.« Er ging. Sie sagte: »Nein.« Dann schwieg sie."
    claims = analyze(text, "de").claims
    assert [c.text for c in claims] == [
        "»Das ist falsch«, sagte der Minister.",
        "»Wir prüfen das.«",
        "Er ging.",
        "Sie sagte: »Nein.«",
        "Dann schwieg sie.",
    ]
    assert [c.speaker for c in claims[:2]] == ["der Minister", "der Minister"]


def test_an_emoticon_ends_a_sentence_of_a_reader_comment():
    assert sentences("Tolles Team :-) Wir kommen gern wieder.", "de") == [
        "Tolles Team :-)",
        "Wir kommen gern wieder.",
    ]


def test_abbreviations_before_the_noun_they_qualify_are_not_ends():
    text = (
        "Die Halle gehört der Fa. Krüger. Anna Roth, geb. Weiß, erbte sie 2019. Sie zeigt "
        "die engl. Originalfassung. Das Werk erschien 2015 in der 3. Aufl. Die Kritik lobte es."
    )
    assert sentences(text, "de") == [
        "Die Halle gehört der Fa. Krüger.",
        "Anna Roth, geb. Weiß, erbte sie 2019.",
        "Sie zeigt die engl. Originalfassung.",
        "Das Werk erschien 2015 in der 3. Aufl.",  # a word that opens sentences follows
        "Die Kritik lobte es.",
    ]


def test_ordinals_after_determiners_and_in_coordinations_are_not_ends():
    text = (
        "Jeder 3. Pendler fährt Rad. Eine 2. Umfrage bestätigt das. Die Schüler der 1. "
        "und 2. Klasse haben frei. Der 1., 2. und 3. Platz gehen nach Bayern. Ins 2. "
        "Halbjahr startet die Firma stark."
    )
    assert sentences(text, "de") == [
        "Jeder 3. Pendler fährt Rad.",
        "Eine 2. Umfrage bestätigt das.",
        "Die Schüler der 1. und 2. Klasse haben frei.",
        "Der 1., 2. und 3. Platz gehen nach Bayern.",
        "Ins 2. Halbjahr startet die Firma stark.",
    ]
    assert sentences("Bayern steht auf Platz 1. Dortmund folgt.", "de") == [
        "Bayern steht auf Platz 1.",
        "Dortmund folgt.",
    ]


def test_a_number_before_a_noun_that_only_ordinals_lead_is_an_ordinal():
    text = "Die Mühle stammt aus Ende 17. Jahrhundert. Bochum führt nach 4. Spieltag. Er feiert 75. Geburtstag."
    assert sentences(text, "de") == [
        "Die Mühle stammt aus Ende 17. Jahrhundert.",
        "Bochum führt nach 4. Spieltag.",
        "Er feiert 75. Geburtstag.",
    ]
    assert len(sentences("Die Zahl stieg auf 12. Jahrhundertelang war sie kleiner.", "de")) == 2


def test_a_quoted_exclamation_with_one_noun_is_no_title():
    text = "„Das ist ein Skandal!“ Die Opposition verließ den Saal. Sein Buch „Der Zauberberg. Ein Roman“ erschien 1924."
    assert sentences(text, "de") == [
        "„Das ist ein Skandal!“",
        "Die Opposition verließ den Saal.",
        "Sein Buch „Der Zauberberg. Ein Roman“ erschien 1924.",  # a title: never cut inside
    ]


# ---------------------------------------------------------------- speakers (issue 20, item 2)
def test_the_name_after_its_role_in_apposition():
    text = "Die Mieten steigen weiter, sagt auch der Sprecher des Mieterbundes (DMB), Peter Hahn."
    assert speakers(text, "de") == ["Peter Hahn"]


def test_an_occasion_after_the_name_is_not_part_of_it():
    text = "„Wir brauchen mehr Züge“, sagte Weber beim Parteitag der Grünen in Bonn."
    assert speakers(text, "de") == ["Weber"]


def test_verb_second_after_an_adverb():
    text = "Sinngemäß sagt Schulze: Die Reform kommt zu spät."
    assert speakers(text, "de")[0] == "Schulze"


def test_sagte_er_is_the_person_named_before():
    text = (
        "Bürgermeisterin Anna Brandt eröffnete am Montag die Brücke. "
        "„Die Kosten blieben im Rahmen“, betonte sie."
    )
    assert speakers(text, "de")[-1] == "Bürgermeisterin Anna Brandt"


def test_a_prepositional_phrase_is_no_speaker():
    text = "Zum dritten Mal ergänzt in diesem Jahr eine Ausstellung das Programm."
    assert speakers(text, "de") == [None]


def test_erzaehlt_reports_speech():
    text = "„Die ersten Jahre waren toll“, erzählt der 52-Jährige."
    assert speakers(text, "de") == ["der 52-Jährige"]


def test_an_interview_transcript_labels_its_turns_with_names():
    text = (
        "Interview zur Energiewende\n\n"
        "Lena Vogt: Frau Kraus, wie teuer wird der Strom im Winter?\n\n"
        "Petra Kraus: Die Preise werden sicher steigen. Wir rechnen mit zehn Prozent.\n\n"
        "Lena Vogt: Und was bedeutet das für die Haushalte?\n\n"
        "Petra Kraus: Viele werden sparen müssen. Das ist keine gute Nachricht."
    )
    got = dict(zip(sentences(text, "de"), speakers(text, "de"), strict=True))
    assert got["Wir rechnen mit zehn Prozent."] == "Petra Kraus"
    assert got["Lena Vogt: Und was bedeutet das für die Haushalte?"] == "Lena Vogt"
    assert got["Das ist keine gute Nachricht."] == "Petra Kraus"


def test_konjunktiv_reported_speech_goes_on_with_the_last_speaker():
    text = (
        "„Die Nachfrage ist groß“, sagte Händlerin Eva Lang. Im Herbst steige der Umsatz "
        "meist um ein Drittel. Das Geschäft läuft seit 1998."
    )
    assert speakers(text, "de") == ["Händlerin Eva Lang", "Händlerin Eva Lang", None]


def test_laut_takes_the_capitalised_noun_phrase_without_a_comma():
    text = "Die Preise sind laut dem Statistischen Bundesamt im März leicht gesunken."
    assert speakers(text, "de") == ["dem Statistischen Bundesamt"]
    assert speakers("Der Wert liegt laut WHO stets unter dem Grenzwert.", "de") == ["WHO"]


def test_the_age_epithet_is_the_person_just_named():
    text = (
        "Der Bergführer Max Huber wohnt in Garmisch. "
        "„Früher lag hier mehr Schnee“, erzählt der 61-Jährige."
    )
    assert speakers(text, "de")[1] == "Bergführer Max Huber"


def test_a_speaker_before_a_quoted_name():
    text = "„Der Markt ist nervös“, meint Jana Berg vom Börsenblog «Kursbuch»."
    assert speakers(text, "de") == ["Jana Berg"]


def test_findet_is_no_reporting_verb():
    text = "Wer im Netz sucht, findet eine schier endlose Menge an Ratgebern."
    assert speakers(text, "de") == [None]


def test_hiess_es_is_the_source_named_before():
    text = (
        "Die Kosten der Kliniken stiegen 2023 um sieben Prozent, teilte das Statistikamt mit. "
        "Ein Ende des Anstiegs ist nicht absehbar, hieß es weiter."
    )
    assert speakers(text, "de") == ["das Statistikamt", "das Statistikamt"]
