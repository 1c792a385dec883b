"""Portuguese: "Sr.", "n.º", furniture, Lusa datelines, speakers, worthiness."""

from __future__ import annotations

from lang_helpers import furniture, reasons, sentences, speakers

from factcheck.text.splitting import analyze


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


def test_a_quotation_announced_by_a_colon_is_a_sentence_of_its_own():
    text = (
        "O treinador Rui Costa falou ontem aos jornalistas: «A equipa está pronta para o "
        "jogo.» O clube confirmou o plantel: «jovens» e veteranos viajam juntos."
    )
    assert sentences(text, "pt") == [
        "O treinador Rui Costa falou ontem aos jornalistas:",
        "«A equipa está pronta para o jogo.»",
        # a quoted word in lower case after a colon goes on with the sentence
        "O clube confirmou o plantel: «jovens» e veteranos viajam juntos.",
    ]
    # Brazilian “aspas” and a colon before plain text keep the sentence whole
    assert len(sentences("A legenda diz: “O clima está tenso.” Ponto final.", "pt")) == 2
    assert len(sentences("O problema é simples: ninguém pagou a conta.", "pt")) == 1


def test_the_quotation_after_a_colon_line_keeps_its_speaker():
    text = "O ministro Carlos Moedas afirmou ontem no Parlamento: «O défice vai cair este ano.»"
    claims = analyze(text, "pt").claims
    assert [c.text for c in claims] == [
        "O ministro Carlos Moedas afirmou ontem no Parlamento:",
        "«O défice vai cair este ano.»",
    ]
    assert claims[1].speaker == "Carlos Moedas"  # the name, not its role before it


def test_addresses_companies_and_centuries_are_not_sentence_ends():
    text = (
        "A loja fica na av. Paulista, perto da al. Santos. A Cia. Vale comprou a obra do "
        "séc. XIX, segundo o catálogo (cf. Silva, ed. Record). Informações pelo tel. "
        "(011) 5555-0101. O Pe. Manuel benzeu a obra."
    )
    assert sentences(text, "pt") == [
        "A loja fica na av. Paulista, perto da al. Santos.",
        "A Cia. Vale comprou a obra do séc. XIX, segundo o catálogo (cf. Silva, ed. Record).",
        "Informações pelo tel. (011) 5555-0101.",
        "O Pe. Manuel benzeu a obra.",
    ]


def test_an_omission_mark_opens_the_next_sentence_of_a_quotation():
    text = "«Vamos reconstruir a ponte. (...) Ninguém ficará sem casa», disse o autarca."
    assert sentences(text, "pt") == [
        "«Vamos reconstruir a ponte.",
        "(...) Ninguém ficará sem casa», disse o autarca.",
    ]
    assert len(sentences("Ele citou a lei (...) e saiu da sala.", "pt")) == 1


def test_a_quotation_glued_to_the_stop_before_it_opens_a_sentence():
    text = "A atleta venceu a prova.«Foi o melhor dia da minha vida», disse."
    assert sentences(text, "pt") == [
        "A atleta venceu a prova.",
        "«Foi o melhor dia da minha vida», disse.",
    ]


def test_a_dash_after_a_question_goes_on_with_the_sentence():
    text = (
        "«Quem paga a conta?» -- pergunta o deputado. A pergunta -- quem decide? -- ficou "
        "sem resposta. Saiu cedo! -- Amanhã há mais."
    )
    assert sentences(text, "pt") == [
        "«Quem paga a conta?» -- pergunta o deputado.",
        "A pergunta -- quem decide? -- ficou sem resposta.",
        "Saiu cedo!",
        "-- Amanhã há mais.",  # a capital after the dash: a new line of dialogue
    ]


def test_guillemets_glued_to_words_are_read_by_their_sides():
    text = "«A obra está atrasada», disse o presidente da câmara. «Não há dinheiro.»"
    claims = analyze(text, "pt").claims
    assert [c.text for c in claims] == [
        "«A obra está atrasada», disse o presidente da câmara.",
        "«Não há dinheiro.»",
    ]
    assert claims[1].speaker == "o presidente da câmara"


# ---------------------------------------------------------------- speakers (issue 20, item 2)
def test_a_dropped_subject_is_the_speaker_named_before():
    text = (
        "O governador Paulo Lima visitou a obra nesta segunda-feira. "
        '"A estrada fica pronta em julho", disse. Afirmou que o custo não vai subir.'
    )
    assert speakers(text, "pt") == [None, "Paulo Lima", "Paulo Lima"]


def test_segundo_ele_is_the_speaker_named_before():
    text = "A diretora Ana Reis apresentou o balanço. Segundo ela, as vendas cresceram 5%."
    assert speakers(text, "pt")[1] == "Ana Reis"


def test_an_adjunct_after_the_speaker_is_cut():
    text = '"Eu vi tudo da janela", diz a vizinha em entrevista à rádio local.'
    assert speakers(text, "pt") == ["a vizinha"]


def test_de_acordo_com_closing_the_sentence():
    text = "O desemprego caiu para 7,9% no trimestre, de acordo com o IBGE."
    assert speakers(text, "pt") == ["o IBGE"]


def test_a_clause_is_no_speaker():
    text = "O prefeito conversou com os moradores e reiterou o compromisso com a obra."
    assert speakers(text, "pt") == [None]


def test_an_epithet_is_the_person_just_named():
    text = (
        "O senador Rui Costa chegou ao Congresso de manhã. "
        "O parlamentar afirmou que a votação fica para agosto."
    )
    assert speakers(text, "pt") == [None, "Rui Costa"]


def test_an_epithet_without_a_name_before_stays():
    text = "O ministro disse que o défice caiu. A medida é necessária, afirmou a ministra."
    assert speakers(text, "pt") == ["O ministro", "a ministra"]


def test_para_a_full_name_is_the_source_of_the_view():
    text = "Para Helena Duarte, o orçamento é irrealista. Para o verão, há novas linhas."
    assert speakers(text, "pt") == ["Helena Duarte", None]
