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


# ---------------------------------------------------------------- speakers (issue 20, item 2)
def test_the_name_after_its_role_and_a_comma():
    text = "La inflación bajará en marzo, dijo el ministro de Hacienda, Tomás Ruiz."
    assert speakers(text, "es") == ["Tomás Ruiz"]


def test_a_role_before_the_name_gives_the_name():
    text = "La alcaldesa Ana Gil aseguró que el metro abrirá en mayo."
    assert speakers(text, "es") == ["Ana Gil"]


def test_a_dropped_subject_is_the_speaker_named_before():
    text = (
        "La portavoz Marta Ríos habló con la prensa en Toledo. "
        "“No habrá recortes”, dijo. Aseguró que los salarios subirán un 3 %."
    )
    assert speakers(text, "es") == [None, "Marta Ríos", "Marta Ríos"]


def test_a_pronoun_after_according_is_the_speaker_named_before():
    text = "El rector Luis Mora presentó el informe. Según él, la matrícula creció un 8 %."
    assert speakers(text, "es")[1] == "Luis Mora"


def test_according_to_at_the_end_of_the_sentence():
    text = "El paro subió dos puntos en abril, según el Instituto Nacional de Estadística."
    assert speakers(text, "es") == ["el Instituto Nacional de Estadística"]


def test_an_adjunct_is_not_part_of_the_speaker():
    text = "Las obras terminarán en junio, afirmó este martes el consejero Pablo Vidal en rueda de prensa."
    assert speakers(text, "es") == ["Pablo Vidal"]


def test_a_clitic_before_the_verb_is_no_speaker():
    text = "El martes nos dijo adiós el maestro del pueblo."
    assert speakers(text, "es") == [None]


def test_an_adjunct_after_a_dropped_subject_is_no_speaker():
    text = (
        "La jueza Elena Sanz leyó el fallo. “No hay pruebas”, dijo en una entrevista "
        "concedida a la radio."
    )
    assert speakers(text, "es")[1] == "Elena Sanz"


def test_a_lineup_or_a_schedule_is_no_transcript():
    text = (
        "Real Betis: Rui Silva, Bellerín, Pezzella, Miranda y Canales.\n\n"
        "Estados Unidos: 12:30 horas\n\n"
        "Estados Unidos: ESPN, Paramount+ y Univision\n\n"
        "Real Betis: el equipo llega con tres bajas por lesión a este partido."
    )
    assert set(speakers(text, "es")) == {None}


def test_para_a_full_name_is_the_source_of_the_view():
    text = "Para Carmen Vidal, el acuerdo llega tarde. Para el verano, habrá más trenes."
    assert speakers(text, "es") == ["Carmen Vidal", None]


def test_a_sentence_opening_with_the_verb_after_an_adverb_keeps_the_speaker():
    text = (
        "La fiscal Rosa Pérez pidió ocho años de cárcel para el exalcalde. "
        "También solicitó una multa de 20.000 euros."
    )
    assert speakers(text, "es") == ["Rosa Pérez", "Rosa Pérez"]
