"""Portuguese: "Sr.", "n.º", furniture, Lusa datelines, speakers, worthiness."""

from __future__ import annotations

from lang_helpers import furniture, reasons, sentences, speakers


def test_abbreviations():
    text = "O Sr. Silva mora no n.º 5 da rua. A Dra. Costa confirmou."
    assert sentences(text, "pt") == ["O Sr. Silva mora no n.º 5 da rua.", "A Dra. Costa confirmou."]


def test_furniture_and_dateline():
    text = (
        "Orçamento\n\nLISBOA, 3 dez (Lusa) – O Governo aprovou o orçamento.\n\n"
        "Leia também: Os números do défice\n\n5 comentários\n"
    )
    found = furniture(text, "pt")
    assert ("dateline", "LISBOA, 3 dez (Lusa) –") in found
    assert {k for k, _ in found} >= {"related", "comments"}


def test_speakers():
    text = (
        "O ministro disse que o défice caiu. A medida é necessária, afirmou a ministra. "
        "De acordo com o Banco de Portugal, a dívida subiu."
    )
    assert speakers(text, "pt") == ["O ministro", "a ministra", "o Banco de Portugal"]


def test_worthiness_reasons():
    assert reasons("Segundo o IBGE, o desemprego caiu cerca de 2% em março.", "pt") == (
        "number", "date", "named entity", "attribution", "hedge", "comparison",
    )  # fmt: skip
    assert "causal" in reasons("Os voos foram cancelados devido a greve.", "pt")
