"""Word lists of news English: abbreviations, sentence starters, reporting verbs.

General knowledge of how news is written; nothing here names a particular article.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Prepositive titles: always followed by a name, so their period never ends a sentence.
TITLES = _words(
    """mr mrs ms messrs mme mlle dr prof st mt ft gen sen rep reps gov lt col sgt capt cmdr
    adm maj rev hon pres supt atty brig cpl pvt insp det msgr fr sra srta amb gens sens"""
)

# Period followed by a number: "No. 5", "p. 55", "Vol. 2".
NUMBER_PREFIX = _words("no nos nº n° vol vols p pp fig figs art ch chap sec para op pt ed")

MONTH_ABBR = _words("jan feb mar apr jun jul aug sep sept oct nov dec")
WEEKDAY_ABBR = _words("mon tue tues wed thu thur thurs fri sat sun")
WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday")

# Abbreviations that end a sentence only before a typical sentence opener.
AMBIGUOUS = _words(
    """etc co inc corp ltd jr sr bros vs v approx est dept univ assn ave blvd rd cf al mfg
    intl natl govt admin misc ca mgr dist div reg sq mins hrs yrs ext tel min max avg esp
    plc llc mph"""
)

# AP state abbreviations (capitalised, so "ill." or "mass." as words do not match).
STATES = _words(
    """Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss
    Mo Mont Neb Nev Okla Ore Pa Penn Tenn Tex Vt Va Wash Wis Wyo Ont Que"""
)

# Words that typically open a sentence; after an ambiguous abbreviation they mark a boundary.
STARTERS = _words(
    """the a an this that these those it its he she they we i you his her their our my your
    there here but and or so yet however in on at for of to by with from after before when
    while if as since although though because what who why how where which did do does is
    are was were has have had will would can could should may might must not no yes all some
    many most each every both one two three meanwhile still also then now today yesterday
    later earlier instead even just only once during until about according last next
    moreover furthermore nevertheless besides indeed perhaps maybe after"""
)

REPORT_VERBS = _words(
    """said says say told tells added adds wrote writes reported reports stated states
    announced announces explained explains noted notes claimed claims argued argues insisted
    insists warned warns estimated estimates asked asks replied replies continued
    acknowledged acknowledges admitted admits confirmed confirms denied denies recalled
    recalls sighed shouted tweeted posted testified conceded concedes predicted predicts
    alleged alleges remarked observed cautioned emphasized emphasised stressed declared
    maintained contended countered responded quipped joked laughed whispered yelled
    complained boasted vowed pledged announced disclosed revealed reiterated agreed
    told remembered remembers indicated indicates argue claim insist contend allege
    remember maintain"""
)

# What a document or data "shows": its finding is its account ("A state audit found
# that ...", "Polls show ..."); a person only with SPOKEN_FINDINGS ("Lee suggested ...").
FINDING_VERBS = _words(
    """show shows showed shown found finds find indicate indicates indicated suggest
    suggests suggested conclude concludes concluded urged urges"""
)
SPOKEN_FINDINGS = _words("suggest suggests suggested conclude concludes concluded urged urges")
DOC_NOUNS = _words(
    """poll polls polling survey surveys study studies report reports data analysis
    analyses research records figures statistics documents document emails email results
    review audit investigation census filing filings memo letter tests test estimates
    findings models model projections paper papers statement statements remarks comments
    testimony speech"""
)

# A reporting verb as a participle after a main clause ("X cut jobs, saying ...", "X
# issued a statement saying ..."): the main clause's subject speaks.
REPORT_PARTICIPLES = _words(
    """saying adding noting telling arguing insisting warning explaining claiming writing
    asking stating declaring urging acknowledging predicting vowing promising
    tweeting posting announcing"""
)

# Skipped between a speaker and its verb: "had earlier reported", "also said".
AUX = _words(
    """had has have also earlier later previously then once again reportedly publicly
    repeatedly recently further subsequently initially separately first later would will
    has been had already often"""
)

SUBORDINATORS = _words(
    """that which who whom whose because when while if as after before since although though
    whether where unless until than so but or nor and to into in on at for with by from over
    under about like of it's there here not"""
)

# A speaker phrase never contains these (they reveal a clause, not a noun phrase).
CLAUSE_WORDS = _words(
    """is was were are be been being has have had do does did will would can could should
    may might must not that which who whom because when while if than there it's isn't
    wasn't don't doesn't didn't won't can't"""
)

PRONOUNS = {
    "he": "person",
    "she": "person",
    "they": "group",
    "it": "org",
    "we": "narrator",
    "i": "narrator",
    "you": "narrator",
}

# Bare plural nouns that make a speaker on their own ("sources said", "officials told").
SOURCE_NOUNS = _words(
    """sources officials experts analysts residents witnesses police authorities critics
    researchers scientists doctors lawyers prosecutors investigators observers diplomats
    people activists economists lawmakers students parents users organizers organisers
    organizers workers employees executives insiders aides supporters opponents officers
    villagers locals protesters voters historians scholars medics firefighters rescuers
    engineers teachers families relatives neighbours neighbors members leaders"""
)

ORG_WORDS = _words(
    """ministry department agency administration office council committee commission police
    army navy force forces government company inc corp university institute association
    service bureau court party chiefs staff post times news report statement study survey
    media network group bank board union league federation organization organisation
    embassy consulate command center centre foundation fund authority authorities cabinet
    parliament congress senate house agency's radio television tv newspaper magazine
    journal press website"""
)

GEO_WORDS = _words(
    """north south east west united republic kingdom states union korea china russia japan
    india iran iraq israel ukraine france germany britain america taiwan syria turkey egypt
    pakistan afghanistan mexico canada brazil italy spain poland europe asia africa
    pyongyang beijing moscow washington seoul tokyo london paris berlin kyiv kiev tehran
    nato un eu"""
)

# Sentence adverbs that look like names when capitalised at the start of a sentence.
ADVERBS = _words(
    """meanwhile however still instead also earlier later separately moreover yet now then
    last first finally separately additionally overall elsewhere today yesterday"""
)

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

AGENCIES = {
    "ap": "Associated Press",
    "reuters": "Reuters",
    "afp": "Agence France-Presse",
    "upi": "United Press International",
    "xinhua": "Xinhua",
    "yonhap": "Yonhap",
    "dpa": "dpa",
    "efe": "EFE",
    "ansa": "ANSA",
    "kyodo": "Kyodo",
    "cnn": "CNN",
    "bloomberg": "Bloomberg",
    "tass": "TASS",
}

# Words that open a line with a colon as a heading, not as the name of who speaks
# ("UPDATE: ...", "Watch: ...", "CLAIM: ...", "Editor's note: ...").
LABEL_WORDS = _words(
    """update updated updates breaking note editor editors editor's watch video videos photo
    photos gallery live exclusive analysis opinion commentary editorial correction
    clarification read more related source sources credit caption transcript summary
    background warning alert fact check claim claims verdict rating ruling facts fiction
    true false misleading topline date time tags topics sponsored advertisement image
    question answer q a disclaimer disclosure review preview recap poll report study survey
    latest today tonight why what how who when where here this that these update key
    takeaways takeaway bottom line what's next see also also listen podcast subscribe
    contact email phone web website address tel fax the our my your top byline dateline
    headline subhead section category"""
)

# Counts written out ("added two goals", "reported three deaths").
NUMBER_WORDS = _words(
    """two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    twenty thirty forty fifty hundred hundreds thousand thousands dozens"""
)
