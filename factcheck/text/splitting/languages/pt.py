"""Portuguese: "Sr.", "n.º", "Dr.", « » and “ ”, Lusa datelines, "disse", "segundo",
"de acordo com"."""

from __future__ import annotations

import re

from factcheck.text.splitting.languages import (
    Profile,
    agency_line,
    attribution_patterns,
    view_of,
    words,
)

VERBS = words(
    """disse diz dizem disseram afirmou afirma afirmaram declarou explicou acrescentou
    adiantou referiu sublinhou salientou garantiu assegurou indicou informou anunciou alertou
    defendeu destacou lembrou admitiu considerou respondeu contou revelou frisou reconheceu
    criticou confirmou negou observou ressaltou comentou informa informaram acrescenta
    aponta apontou reforçou reiterou ressalta destaca explica afirmava dizia declara
    avaliou avalia argumentou ponderou pontuou completou concluiu pediu solicitou
    exigiu cobrou"""
)
ACCORDING = ("segundo", "de acordo com", "conforme", "na opinião de")
AGENCIES = "lusa|agência brasil|afp|reuters|efe|estadão conteúdo|folhapress|ap|agência o globo"

PROFILE = Profile(
    code="pt",
    # titles, and what a name or a numeral follows: an address ("av. Paulista", "al.
    # Santos", "pça. da Sé"), a company ("Cia. Vale"), a century ("séc. XIX"), a
    # publisher ("ed. Record"), a reference ("cf. Silva"), "St. John", "Pe. António"
    titles=words(
        """sr sra srs sras dr dra drs prof profa profª eng exmo exma d dª sto sta gen cel
        av avs al pça trav rod cia séc sécs st cf ed pe mons"""
    ),
    number_prefix=words("nº n.º no art arts pág págs p pp cap vol tel"),
    ambiguous=words("etc aprox ex lda ltda"),
    starters=words(
        """o a os as um uma uns umas este esta estes estas esse essa isso isto aquele aquela
        em no na nos nas de do da dos das por pelo pela para com sem mas e ou se não sim
        quando como que quem onde qual também além assim embora já hoje ontem segundo durante
        após desde até entre seu sua seus suas ele ela eles elas eu nós você vocês ao à aos
        às cada todo toda todos todas muitos muitas há foi é são era"""
    ),
    colon_quotes="«",
    report_verbs=VERBS,
    views=("para ",),
    according=ACCORDING,
    attribution=attribution_patterns(
        VERBS, ACCORDING, "o|a|os|as|um|uma", null_subject=True, extra=(view_of("Para"),)
    ),
    pronouns=words("ele ela eles elas eu nós você vocês se"),
    # Portuguese drops the subject: "«…», disse." and "Afirmou que …" are the last speaker's
    refer_back=words("ele ela eles elas"),
    not_speakers=words("se me te lhe lhes nos ainda já"),
    prepositions=words("em no na nos nas ao à durante após com sobre"),
    articles=words("o a"),
    adjunct_cut=re.compile(
        r"\s(?:em (?:entrevista|nota|áudio|coletiva|declaração|comunicado|um|uma|sua|seu|vídeo"
        r"|publicação|suas|seus)|durante|nesta|neste|ontem|hoje|no (?:despacho|jornal|site|perfil)"
        r"|na (?:rede|nota|sessão|entrevista)|ao (?:jornal|site|portal|g1)|à (?:imprensa|rádio|TV))\b"
    ),
    adjunct_lead=re.compile(
        r"(?:(?:nesta|neste|na|no)\s+(?:segunda|terça|quarta|quinta|sexta)(?:-feira)?|nesta|neste"
        r"|ontem|hoje|também|ainda|ainda o|no despacho|em nota)\s+"
    ),
    furniture=(
        (
            "related",
            re.compile(
                r"(?:leia também|leia mais|veja também|veja mais|saiba mais|relacionad[oa]s?|mais lid[oa]s?|notícias relacionadas|continue lendo|ler mais)\b.{0,150}",
                re.I,
            ),
        ),
        (
            "promo",
            re.compile(
                r"publicidade|anúncio|assine\b.{0,100}|assinar\b.{0,80}|newsletter\b.{0,80}", re.I
            ),
        ),
        ("share", re.compile(r"(?:compartilh|partilh)(?:ar|e)(?: n[oa])?\b.{0,60}", re.I)),
        (
            "comments",
            re.compile(r"\d+\s+comentários?|comentários?(?:\s*\(\d+\))?|comente\b.{0,40}", re.I),
        ),
        ("byline", agency_line(AGENCIES)),
        ("caption", re.compile(r"(?:foto|imagem|crédito)s?\s*:.{0,80}", re.I)),
    ),
    dateline=re.compile(
        r"(?P<place>[A-ZÁÉÍÓÚÂÊÔÃÕÇ][\wÁÉÍÓÚÂÊÔÃÕÇáéíóúâêôãõç.'’\-]+(?:[ /][A-ZÁÉÍÓÚÂÊÔÃÕÇ][\wÁÉÍÓÚÂÊÔÃÕÇáéíóúâêôãõç.'’\-]+){0,3})"
        r"(?:,\s*(?P<date>\d{1,2}\s+(?:de\s+)?[a-zç]{3,10}\.?(?:\s+(?:de\s+)?\d{4})?))?"
        r"\s*\((?P<agency>[A-Za-zÁÉÍÓÚÂÊÔÃÕÇáéíóúâêôãõç .&/-]{2,30})\)\s*(?P<dash>[—–-]+|:)\s*(?=\S)"
    ),
    worth={
        "number": words(
            "dois duas três quatro cinco seis sete oito nove dez onze doze vinte trinta quarenta cinquenta cem cento mil milhão milhões bilhão bilhões dúzia dezenas metade porcentagem percentagem"
        ),
        "date": words(
            "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro segunda terça quarta quinta sexta sábado domingo ontem hoje"
        ),
        "hedge": words(
            "aproximadamente cerca quase estimado estimada estimou supostamente provavelmente possivelmente poderia poderiam talvez parece alegadamente"
        ),
        "comparison": words(
            "mais menos maior menor superior inferior recorde comparado dobrou triplicou aumentou aumento diminuiu queda subiu caiu cresceu"
        ),
        "causal": words("porque causou causa provocou devido consequência"),
        "opinion": words("deveria deveriam horrível terrível maravilhoso vergonhoso ridículo"),
    },
    worth_phrases={
        "date": ("semana passada", "mês passado", "ano passado", "este ano"),
        "hedge": ("pelo menos", "mais de", "menos de", "até "),
        "causal": ("devido a", "por causa de", "em consequência", "levou a", "resultou em"),
        "opinion": ("eu acho", "na minha opinião"),
    },
)
