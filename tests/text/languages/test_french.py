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
