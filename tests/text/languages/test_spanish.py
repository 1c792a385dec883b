"""Spanish: "Sr.", "núm.", "EE.UU.", ¿ ¡, furniture, EFE datelines, speakers, worthiness."""

from __future__ import annotations

from lang_helpers import furniture, reasons, sentences, speakers


def test_abbreviations_and_numbers():
    text = "El Sr. Pérez vive en el núm. 5 de la calle. Viajó a EE.UU. El lunes volvió."
    assert sentences(text, "es") == [
        "El Sr. Pérez vive en el núm. 5 de la calle.",
        "Viajó a EE.UU.",
        "El lunes volvió.",
    ]


def test_inverted_marks_open_sentences():
    assert sentences("Nadie respondió. ¿Quién pagará? ¡Nadie lo sabe!", "es") == [
        "Nadie respondió.", "¿Quién pagará?", "¡Nadie lo sabe!",
    ]  # fmt: skip


def test_furniture_and_dateline():
    text = (
        "Elecciones\n\nMADRID, 3 dic (EFE) – El Gobierno aprobó el presupuesto.\n\n"
        "PUEDES VER: Los resultados en directo\n\nPublicidad\n\n12 comentarios\n"
    )
    found = furniture(text, "es")
    assert ("dateline", "MADRID, 3 dic (EFE) –") in found
    assert {k for k, _ in found} >= {"related", "promo", "comments"}
    assert "El Gobierno aprobó el presupuesto." in sentences(text, "es")


def test_speakers():
    text = (
        "El ministro de Economía dijo que la inflación bajó. La cifra es histórica, "
        "manifestó la portavoz. Según el Banco de España, la deuda creció."
    )
    assert speakers(text, "es") == ["El ministro de Economía", "la portavoz", "el Banco de España"]


def test_worthiness_reasons():
    assert reasons("Según el INE, el paro subió casi un 3% en marzo.", "es") == (
        "number", "date", "named entity", "attribution", "hedge", "comparison",
    )  # fmt: skip
    assert "causal" in reasons("Los vuelos se cancelaron debido a la huelga.", "es")
