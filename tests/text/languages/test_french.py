"""French: "M.", "Mme", "p. ex.", « guillemets », furniture, AFP datelines, speakers."""

from __future__ import annotations

from lang_helpers import furniture, reasons, sentences, speakers


def test_abbreviations():
    text = "M. Dupont et Mme Martin ont voté, p. ex. sur le budget. Le texte passe."
    assert sentences(text, "fr") == [
        "M. Dupont et Mme Martin ont voté, p. ex. sur le budget.",
        "Le texte passe.",
    ]


def test_spaced_guillemets_close_the_sentence():
    text = "Il a répondu : « C'est fini. » Puis il est parti."
    assert sentences(text, "fr") == ["Il a répondu : « C'est fini. »", "Puis il est parti."]


def test_furniture_and_dateline():
    text = (
        "Grève\n\nPARIS (AFP) - Les syndicats appellent à la grève jeudi.\n\n"
        "Lire aussi : Les transports perturbés\n\nPartager sur Facebook\n"
    )
    found = furniture(text, "fr")
    assert ("dateline", "PARIS (AFP) -") in found
    assert {k for k, _ in found} >= {"related", "share"}


def test_speakers():
    text = (
        "Le ministre a déclaré que la réforme sera votée. Elle est urgente, a affirmé la "
        "Première ministre. Selon l'Insee, le chômage a baissé."
    )
    assert speakers(text, "fr") == ["Le ministre", "la Première ministre", "l'Insee"]


def test_worthiness_reasons():
    assert reasons("Selon l'Insee, le chômage a baissé d'environ 2 % en mars.", "fr") == (
        "number", "date", "named entity", "attribution", "hedge", "comparison",
    )  # fmt: skip
    assert "causal" in reasons("Les trains sont annulés en raison de la grève.", "fr")


# ---------------------------------------------------------------- speakers (issue 20, item 2)
def test_an_auxiliary_is_no_speaker_and_the_subject_after_the_verb_is():
    text = "« Le budget sera tenu », a déclaré à cette occasion la maire de Lille."
    assert speakers(text, "fr") == ["la maire de Lille"]


def test_inversion_after_a_quotation_is_the_speaker_named_before():
    text = (
        "Le député Paul Martin a présenté son texte mardi. "
        "« Nous irons jusqu'au bout », a-t-il lâché. « Rien n'est joué », nuance-t-il."
    )
    assert speakers(text, "fr") == [None, "Paul Martin", "Paul Martin"]


def test_selon_closing_the_sentence():
    text = "Le chômage a reculé de 0,3 point au troisième trimestre, selon l'Insee."
    assert speakers(text, "fr") == ["l'Insee"]


def test_plural_and_passe_compose_forms():
    text = "Les syndicats dénoncent une réforme injuste. Le préfet Jean Roux a fait savoir qu'il recevrait les grévistes."
    assert speakers(text, "fr") == ["Les syndicats", "Jean Roux"]


def test_a_party_in_brackets_does_not_hide_the_speaker():
    text = "La sénatrice Claire Dubois (LR) avait estimé que le texte était mal écrit."
    assert speakers(text, "fr") == ["Claire Dubois"]


def test_a_clause_after_the_subject_is_cut():
    text = "« C'est une faute », a ajouté un élu de la majorité sur le plateau de France 2."
    assert speakers(text, "fr") == ["un élu de la majorité"]


def test_an_adverb_before_a_participle_is_no_speaker():
    text = "Marc Petit, peu estimé par ses collègues, quitte le conseil."
    assert speakers(text, "fr") == [None]


def test_pour_a_full_name_is_the_source_of_the_view():
    text = "Pour Sophie Laurent, cette décision est une erreur. Pour Noël, les prix montent."
    assert speakers(text, "fr") == ["Sophie Laurent", None]


def test_the_name_after_an_elided_role():
    text = "Le ministre de l'Économie Louis Bernard a affirmé que la croissance reprendrait."
    assert speakers(text, "fr") == ["Louis Bernard"]


def test_an_epithet_with_its_adjective_is_the_person_just_named():
    text = (
        "Le maire Henri Faure a été mis en cause mardi. "
        "Le principal intéressé a fait savoir qu'il ne démissionnerait pas."
    )
    assert speakers(text, "fr") == [None, "Henri Faure"]
