"""Spanish: "Sr.", "núm.", "EE.UU.", ¿ ¡ and « », EFE datelines, "dijo", "según"."""

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
    """dijo dice dicen dijeron afirmó afirma afirmaron aseguró asegura aseguraron manifestó
    agregó añadió explicó señaló indicó declaró sostuvo advirtió destacó informó comentó
    precisó subrayó reconoció anunció denunció apuntó recordó expresó admitió insistió relató
    respondió criticó consideró opinó estimó confirmó negó aclaró remarcó puntualizó
    detalló informa informaron explica explicaron señala señalaron indica indicaron añade
    agrega declara sostiene advierte asegura precisa reconoce anuncia insiste pidió
    solicitó exigió reclamó
    aseguraba decía afirmaba explicaba"""
)
ACCORDING = ("según", "de acuerdo con", "a juicio de", "en palabras de")
AGENCIES = "efe|europa press|ep|afp|reuters|ap|notimex|dpa|ansa|xinhua"

PROFILE = Profile(
    code="es",
    titles=words(
        "sr sra srta sres sras dr dra lic licda ing prof profa dña excmo excma ilmo ilma gral cnel tte sto sta mons arq"
    ),
    number_prefix=words("núm nº no art arts pág págs p pp cap vol tel apdo"),
    ambiguous=words("etc aprox ej ee.uu uu cía hnos av avda dpto"),
    starters=words(
        """el la los las un una unos unas este esta estos estas ese esa esos esas eso esto en
        de del por para con sin pero y o si no sí cuando como que qué quién quiénes dónde
        cómo cuál también además sin así aunque ya hoy ayer según durante tras desde hasta
        entre su sus mi mis lo le les se nos yo él ella ellos ellas nosotros usted ustedes al
        a otro otra otros otras todo toda todos todas cada muchos muchas hay fue es son era"""
    ),
    report_verbs=VERBS,
    views=("para ",),
    according=ACCORDING,
    attribution=attribution_patterns(
        VERBS, ACCORDING, "el|la|los|las|un|una", null_subject=True, extra=(view_of("Para"),)
    ),
    pronouns=words("él ella ellos ellas yo nosotros usted ustedes se lo le"),
    # Spanish drops the subject: "«…», dijo." and "Aseguró que …" are the last speaker's
    refer_back=words("él ella ellos ellas"),
    not_speakers=words("nos me te se le les lo ha han había"),
    prepositions=words("en a ante desde durante tras con sobre"),
    articles=words("el la"),
    adjunct_cut=re.compile(
        r"\s(?:en (?:declaraciones|rueda|una|un|su|sus|el|la|conferencia|entrevista)|durante|ante"
        r"|tras|este|esta|el pasado|ayer|hoy|a (?:través|la prensa|los medios))\b"
    ),
    adjunct_lead=re.compile(
        r"(?:(?:este|esta|el pasado|el)\s+(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo"
        r"|fin de semana|mes|año|día)|hoy|ayer|también|además|luego|después|en un comunicado"
        r"|en (?:su )?cuenta de \w+)\s+"
    ),
    furniture=(
        (
            "related",
            re.compile(
                r"(?:lee también|lea también|leer más|lee más|puedes ver|puede ver|te puede interesar|también te puede interesar|más información|noticias relacionadas|relacionad[oa]s?|lo más leído|seguir leyendo|sigue leyendo|ver también|ver más)\b.{0,150}",
                re.I,
            ),
        ),
        (
            "promo",
            re.compile(
                r"publicidad|anuncio|suscr[ií]bete\b.{0,100}|hazte socio\b.{0,80}|boletín\b.{0,80}",
                re.I,
            ),
        ),
        ("share", re.compile(r"compart(?:ir|e)(?: en)?\b.{0,60}", re.I)),
        (
            "comments",
            re.compile(
                r"\d+\s+comentarios?|comentarios?(?:\s*\(\d+\))?|deja (?:un|tu) comentario.{0,40}",
                re.I,
            ),
        ),
        ("byline", agency_line(AGENCIES)),
        ("caption", re.compile(r"(?:foto|fotografía|imagen|crédito)s?\s*:.{0,80}", re.I)),
    ),
    dateline=re.compile(
        r"(?P<place>[A-ZÁÉÍÓÚÑ][\wÁÉÍÓÚÑáéíóúñ.'’\-]+(?:[ /][A-ZÁÉÍÓÚÑ][\wÁÉÍÓÚÑáéíóúñ.'’\-]+){0,3})"
        r"(?:,\s*(?P<date>\d{1,2}\s+(?:de\s+)?[a-záéíóú]{3,10}\.?(?:\s+(?:de\s+)?\d{4})?))?"
        r"\s*\((?P<agency>[A-Za-zÁÉÍÓÚÑáéíóúñ .&/-]{2,30})\)\s*(?P<dash>\.?[—–-]+|:)\s*(?=\S)"
    ),
    worth={
        "number": words(
            "uno dos tres cuatro cinco seis siete ocho nueve diez once doce veinte treinta cuarenta cincuenta cien ciento cientos mil miles millón millones billón billones docena decenas mitad porcentaje"
        ),
        "date": words(
            "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo ayer hoy anoche"
        ),
        "hedge": words(
            "aproximadamente casi alrededor cerca estimado estimada estimó presuntamente supuestamente probablemente posiblemente podría podrían quizá quizás parece"
        ),
        "comparison": words(
            "más menos mayor menor superior inferior récord comparado comparación duplicó triplicó aumentó aumento disminuyó disminución subió bajó cayó creció"
        ),
        "causal": words("porque debido causó causa provocó originó consecuencia culpa"),
        "opinion": words("debería deberían horrible terrible maravilloso vergonzoso ridículo"),
    },
    worth_phrases={
        "date": ("la semana pasada", "el mes pasado", "el año pasado", "este año"),
        "hedge": ("al menos", "más de", "menos de", "hasta un"),
        "causal": ("debido a", "a causa de", "por culpa de", "como consecuencia", "dio lugar a"),
        "opinion": ("creo que", "en mi opinión"),
    },
)
