"""German: "25. November", "Die 27. Große Strafkammer", "Nr.", "z. B.", „Anführungszeichen“,
dpa datelines and "(pm/skw)" credits, "sagte", "laut", "..., so der Minister"."""

from __future__ import annotations

import re

from factcheck.text.splitting.languages import Profile, agency_line, attribution_patterns, words

VERBS = words(
    """sagte sagt sagten sagen erklärte erklärt erklärten betonte betont betonten berichtete
    berichtet schrieb schreibt warnte warnt kritisierte kritisiert forderte fordert meinte
    meint sagte räumte räumt bestätigte bestätigt teilte teilt kündigte verwies hieß heißt
    ergänzte ergänzt unterstrich versicherte behauptete behauptet erläuterte erzählt
    erzählte schrieben warnten warnen mahnte mahnt berichteten bekräftigte bekräftigt
    resümierte resümiert meinte"""
)
ACCORDING = ("laut", "nach angaben", "zufolge", ", so ")
AGENCIES = "dpa|afp|reuters|epd|kna|ap|sid|apa|ddp|dts"
_WHO = r"(?:(?:der|die|das|dem|den|des)\s+)?[^\W\d_][^\s,.;:!?„“”\"()\x00]*(?:\s+[^\s,.;:!?„“”\"()\x00]+){0,5}?"
_PAIR = re.compile(r"(?:^|(\S+)\s+)([A-ZÄÖÜ][\wäöüß\-]+)\s+[A-ZÄÖÜ][\wäöüß\-]+")
_ACRONYM = re.compile(r"\b[A-ZÄÖÜ]{2,}\b")
_OPENS_NOUN = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "zum",
        "zur",
        "beim",
        "im",
        "am",
        "vom",
    ]
)


def _has_name(text: str) -> bool:
    """Every German noun is capitalised: a name is an acronym, or two capitalised words
    that no article opens ("sagte Angela Merkel", not "die Große Strafkammer")."""
    if _ACRONYM.search(text):
        return True
    return any((m.group(1) or m.group(2)).lower() not in _OPENS_NOUN for m in _PAIR.finditer(text))


# German puts the verb second: after an adverb opening the sentence the subject follows it
# ("Sinngemäß sagt Wodarg:", "Dazu sagte die Ministerin, …")
_V2 = re.compile(
    r"^\W{0,2}(?:[A-ZÄÖÜ][a-zäöüß]*(?:gemäß|weise|dessen|dem)|Dazu|Dabei|Damals|Dann|Jetzt|Nun"
    r"|Heute|Gestern|Später|Zudem|Außerdem|Allerdings|Trotzdem|Deshalb|Daher|Auch|So)\s+"
    rf"(?:{'|'.join(sorted(VERBS, key=len, reverse=True))})\s+(?P<who>{_WHO})(?=\s*[,.;:!?])"
)

# "laut" takes a noun phrase and no comma: "laut dem Europäischen Rechnungshof den Bau",
# "laut OECD stets um Werte": the capitalised words after it (every noun is capitalised)
_LAUT = re.compile(
    r"(?<!\w)[Ll]aut\s+(?P<who>(?:(?:dem|der|den|des|einer|einem)\s+)?(?:[a-zäöü]+(?:en|er|e)\s+)?"
    r"[A-ZÄÖÜ][\w\-]+(?:\s+[A-ZÄÖÜ][\w\-]+){0,2})"
)
# Konjunktiv I, the mood of reported speech: a sentence in it with no speaker of its own
# goes on with the account of the last speaker ("Dadurch sei das Wissen verfügbar …")
_KONJUNKTIV = words(
    """sei seien sei's habe werde könne müsse solle wolle dürfe gebe bleibe liege steige
    fehle stehe gehe komme bescheinige"""
)


def _reported(text: str) -> bool:
    """Konjunktiv I, or "hieß es": the impersonal report of the source named before."""
    low = text.lower()
    if _IMPERSONAL.search(low):
        return True
    tokens = set(re.findall(r"[^\W\d_]+", low))
    return not _KONJUNKTIV.isdisjoint(tokens) and tokens.isdisjoint({"ich", "wir"})


_IMPERSONAL = re.compile(r"\b(?:hieß|heißt)\s+es\b")


MONTHS = words(
    """januar februar märz april mai juni juli august september oktober november dezember
    jan feb mär apr jun jul aug sep sept okt nov dez jänner"""
)

PROFILE = Profile(
    code="de",
    # titles and what a name follows: "Prof. Dr. med. Hans Meier", "im Hl. Geist-Spital"
    titles=words("hr hrn fr dr prof st hl dipl ing med jur phil rer nat habil theol vet dent"),
    number_prefix=words("nr no art abs bd kap tel ziff"),
    # abbreviations that end a sentence only before a word that opens one ("usw. Die
    # Polizei"), not before the noun they qualify ("Fa. Müller", "geb. Schmidt", "2. Aufl.
    # Berlin", "engl. Original"); not those that close a sentence as often ("am Hbf.",
    # "50 v. Chr.", "inkl. MwSt.")
    ambiguous=words(
        """usw etc bzw ca vgl ggf evtl inkl zzgl mio mrd tsd bspw insb jh jhd gem str ehem std min sek
        allg sog u.a z.b d.h u.ä o.ä v.a i.d.r z.t rd max mind bzgl ggü lt
        mo di mi do sa
        abt fa inh co hrsg verf aufl anm jg jh jhdt bde ztg
        whg zi stk exkl zzt usf geb gegr verh ev kath dt engl franz ital span lat griech"""
    ),
    # "Hauptstr. 12", "Bahnhofstr. 3": a street ends in "str." before its number
    abbreviation_endings=("str",),
    starters=words(
        """der die das den dem des ein eine einen einem einer es er sie wir ich ihr man in im
        an am auf aus bei mit nach seit von vom zu zum zur für gegen ohne um und oder aber
        doch denn wenn als wie was wer wo warum auch so dann nun jetzt heute gestern dabei
        damit dazu daher deshalb danach davor trotzdem außerdem zudem allerdings jedoch laut nach dies
        diese dieser dieses jeder jede alle viele mehr nicht kein keine sein seine ihre
        unser das hier dort da"""
    ),
    months=MONTHS,
    nouns_capitalised=True,
    # words an ordinal follows: articles and determiners ("jeder 3. Deutsche", "eine 2.
    # Welle", "unser 1. Platz"), contracted prepositions ("ins 2. Halbjahr")
    ordinal_lead=words(
        """der die das dem den des am im vom zum zur bis ab seit zwischen ihr ihre ihrem ihren
        sein seine seinem seinen seiner ihrer beim seines ihres ins aufs fürs ums
        ein eine einem einen einer eines kein keine keinem keinen keiner keines
        jede jeder jedes jedem jeden diese dieser dieses diesem diesen
        mein meine meinem meinen meiner meines dein deine deinem deinen deiner deines
        unser unsere unserem unseren unserer unseres euer eure eurem euren eurer eures"""
    ),
    # nouns that a number with a period before them makes an ordinal of, article or not
    # ("Ende 19. Jahrhundert", "nach 3. Spieltag", "feiert 80. Geburtstag")
    ordinal_nouns=words(
        """jahrhundert jahrtausend jahrestag geburtstag todestag jubiläum lebensjahr spieltag
        bundesliga liga weltkrieg quartal halbjahr advent etappe staffel legislatur
        wahlperiode parteitag sinfonie symphonie auflage stockwerk etage"""
    ),
    report_verbs=VERBS,
    according=ACCORDING,
    attribution=attribution_patterns(
        VERBS,
        ("laut", "nach Angaben von", "nach Angaben"),
        "der|die|das|dem|den|des|ein|eine",
        lead=(_V2, _LAUT),
        extra=(
            re.compile(rf",\s*so\s+(?P<who>{_WHO})(?=\s*(?:[.;!?]|$))"),
            re.compile(
                r"(?P<who>(?:dem|der|den)\s+[^\s,.;:!?„“\x00]+(?:\s+[^\s,.;:!?„“\x00]+){0,4}?)\s+zufolge\b"
            ),
        ),
    ),
    pronouns=words("er sie es wir ich man ihr"),
    # "„…“, sagte er": the person named before
    refer_back=words("er sie"),
    reported=_reported,
    not_speakers=words("zum zur im am beim vom ins es man"),
    # "sagte Lindner beim Dreikönigstreffen", "meint Margarethe Honisch vom Finanzblog":
    # the name ends where a place or an occasion begins ("von" stays: "von der Leyen")
    prepositions=words("in im am auf bei beim vor nach mit während"),
    # no epithets: "Angela Merkel sagte … so der Minister" names two people
    adjunct_cut=re.compile(
        r"\s(?:beim|bei|am|im|in|auf|vor|gegenüber|nach|während|zum|zur|mit|vom|weiter|dazu"
        r"|gestern|heute|bereits|jedoch|aber|dann)\b"
    ),
    adjunct_lead=re.compile(r"(?:auch|dazu|jedoch|zudem|außerdem|nun|heute|gestern|am \w+)\s+"),
    entity=_has_name,
    furniture=(
        (
            "related",
            re.compile(
                r"(?:mehr zum thema|lesen sie auch|lesen sie mehr|auch interessant|weitere artikel|das könnte sie auch interessieren|mehr dazu|zum thema|weiterlesen|mehr lesen|siehe auch)\b.{0,150}",
                re.I,
            ),
        ),
        (
            "promo",
            re.compile(
                r"anzeige|werbung|jetzt abonnieren\b.{0,80}|abonnieren sie\b.{0,80}|newsletter\b.{0,80}|\+\+\+.{0,100}\+\+\+",
                re.I,
            ),
        ),
        ("share", re.compile(r"(?:artikel )?teilen(?: auf| per)?\b.{0,60}", re.I)),
        (
            "comments",
            re.compile(
                r"\d+\s+kommentare?|kommentare?(?:\s*\(\d+\))?|jetzt kommentieren\b.{0,30}", re.I
            ),
        ),
        ("byline", agency_line(AGENCIES)),
        (
            "byline",
            re.compile(r"\((?:[a-zäöü]{1,4}\d?)(?:\s*/\s*[a-zäöü]{1,4}\d?)+\)|\([a-zäöü]{2,4}\)"),
        ),
        ("caption", re.compile(r"(?:foto|bild|quelle|grafik)\s*:.{0,80}", re.I)),
    ),
    dateline=re.compile(
        r"(?P<place>[A-ZÄÖÜ][\wÄÖÜäöüß.'’\-]+(?:[ /][A-ZÄÖÜ][\wÄÖÜäöüß.'’\-]+){0,3})"
        r"(?:,\s*(?P<date>\d{1,2}\.\s*[A-Za-zäöü]{3,10}\.?(?:\s+\d{4})?))?"
        r"\s*\((?P<agency>[A-Za-zÄÖÜäöü .&/-]{2,30})\)\s*(?P<dash>[—–-]+|:)\s*(?=\S)"
    ),
    worth={
        "number": words(
            "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig hundert tausend million millionen milliarde milliarden dutzend hälfte viertel prozent"
        ),
        "date": MONTHS
        | words("montag dienstag mittwoch donnerstag freitag samstag sonntag gestern heute"),
        "hedge": words(
            "etwa rund ungefähr fast beinahe knapp schätzungsweise geschätzt vermutlich wahrscheinlich möglicherweise könnte könnten angeblich mutmaßlich scheint"
        ),
        "comparison": words(
            "mehr weniger höher niedriger größer kleiner rekord verglichen verdoppelt verdreifacht gestiegen gesunken stieg sank zunahme rückgang anstieg"
        ),
        "causal": words("weil deshalb daher deswegen verursacht ausgelöst wegen aufgrund infolge"),
        "opinion": words("sollte sollten schrecklich wunderbar skandalös lächerlich"),
    },
    worth_phrases={
        "date": (
            "letzte woche",
            "vergangene woche",
            "letzten monat",
            "vergangenen jahr",
            "letztes jahr",
            "dieses jahr",
        ),
        "hedge": ("mindestens", "mehr als", "weniger als", "bis zu"),
        "causal": ("führte zu", "als folge", "zur folge"),
        "opinion": ("ich glaube", "ich denke", "meiner meinung"),
    },
)
