"""Regular expressions for page furniture, dates and datelines.

Every pattern is anchored or bounded so that matching is linear in the line length.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|{MONTH}\s+\d{{4}})(?!\w)"
)
TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?!\w)|\b\d{1,2}\s*[ap]\.m\.", _I)
DATE_LABELS = frozenset(
    [
        "updated",
        "published",
        "posted",
        "last",
        "modified",
        "first",
        "on",
        "at",
        "date",
        "sale",
        "ends",
        "ended",
        "created",
        "edited",
        "revised",
        "am",
        "pm",
        "gmt",
        "utc",
        "et",
        "est",
        "edt",
        "pst",
        "bst",
        "cet",
        "am.",
        "pm.",
        "-",
        "|",
        "·",
        "•",
    ]
)
WEEKDAY = re.compile(r"\b(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b\.?")

ALNUM = re.compile(r"[^\W_]")
DIGIT = re.compile(r"\d")

NAVIGATION = re.compile(
    r"(?:(?:main |primary |toggle )?navigation|(?:main )?menu|home"
    r"|skip to (?:main )?content\W*(?:skip to (?:site index|navigation|footer))?"
    r"|continue reading(?: the (?:main )?story)?|page \d+ of \d+|(?:previous|next) page"
    r"|search|sections|advertisement|advertisements|sponsored(?: content)?|close|back to top"
    r"|log ?in|sign ?in|register|print|comments?|loading\W*|show more|load more|next|previous"
    r"|top stories|latest news|breaking news|trending(?: now)?|most (?:read|popular|viewed)"
    r"|featured|listen(?: to (?:this )?(?:article|story))?|\d+ min(?:ute)?s? read"
    r"|reading time\W.{0,20}|feed|feeds|rss|archives?|edition|subscribe|newsletter"
    r"|sign up|follow us|more|menu|cookie settings|accept cookies)\W*",
    _I,
)
PROMO = re.compile(
    r"(?:join (?:us|our)\b|subscribe\b|sign up\b|follow (?:us|our)\b|download (?:our|the) app"
    r"|get (?:our|the) (?:newsletter|app|latest)|click here\b|support (?:our|independent) "
    r"|become a (?:member|subscriber|patron)|like us on\b|get breaking news|want more\b"
    r"|don[’']t miss\b|we (?:need|rely on) your support|donate\b)",
    _I,
)
PROMO_ANYWHERE = re.compile(
    r"(?:telegram|whatsapp|youtube|tiktok) channel|our newsletter|in your inbox|sign up for"
    r"|sign up (?:here|now|today)\W*$",
    _I,
)
SOCIAL = frozenset(
    [
        "facebook",
        "twitter",
        "x",
        "email",
        "e-mail",
        "linkedin",
        "whatsapp",
        "reddit",
        "pinterest",
        "telegram",
        "print",
        "copy",
        "link",
        "messenger",
        "flipboard",
        "tumblr",
        "threads",
        "bluesky",
        "mastodon",
        "sms",
        "share",
        "this",
        "on",
        "via",
        "article",
        "story",
        "post",
        "tweet",
    ]
)
SHARE_START = re.compile(
    r"share(?: this| on| via| the)?\b|tweet\b|copy link\b|click to (?:share|print|email)\b", _I
)
BYLINE = re.compile(
    r"(?:by|written by|story by|words by|reporting by|posted by|author|reported by):?\s+\S", _I
)
BYLINE_WORDS = frozenset(
    [
        "and",
        "for",
        "the",
        "of",
        "in",
        "at",
        "with",
        "from",
        "staff",
        "writer",
        "writers",
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "contributor",
        "special",
        "to",
        "de",
        "van",
        "von",
        "da",
        "la",
        "le",
        "del",
        "editing",
        "by",
        "additional",
        "reporting",
        "senior",
        "chief",
        "news",
        "bureau",
        "desk",
    ]
)
CREDIT_LINE = re.compile(
    r"contributed (?:to )?(?:this (?:report|story|article)|reporting)|^editing by\b", _I
)
CAPTION_START = re.compile(
    r"(?:photo|photograph|image|picture|caption|pictured|credit|file photo|illustration"
    r"|screenshot|video)\s*(?::|—|–|-)\s|FILE\s*(?:—|–|-)\s|FILE PHOTO\b",
    _I,
)
# A credit or caption label opening the line without a colon ("Photograph by Ed Marshall",
# "Image copyright Reuters", "Media captionDrone footage ...", "Photo Source: Pexels").
CREDIT_START = re.compile(
    r"(?:photo(?:graph)?s?|images?|pictures?|illustrations?|video|footage)\s+(?:by|courtesy\b"
    r"|credit|copyright|source)\b|(?:image|media|photo|video)\s?caption|image copyright\b",
    _I,
)
# What a page's media player prints where a reader's browser shows no video.
PLAYER = re.compile(
    r"(?:media playback is (?:unsupported|not supported)|your browser does(?: not|n[’']t) support"
    r"|(?:this|the) video (?:is (?:no longer )?available|cannot be played|is unavailable)"
    r"|(?:please )?enable javascript|javascript is (?:disabled|required))\b",
    _I,
)
CAPTION_END = re.compile(
    r"(?:photo|photograph|image|picture|illustration)(?: credit)?\s*:\s*[^.:]{2,80}$", _I
)
CREDIT_WORDS = re.compile(
    r"\b(?:photos?|photograph|images?|pictures?|getty|afp|reuters|ap|epa|shutterstock|istock"
    r"|alamy|courtesy|credit|handout|pool|file|via|xinhua|yonhap|newscom|zuma|tns|wikimedia"
    r"|flickr|creative commons|cc by|illustration|screenshot|screengrab|video)\b",
    _I,
)
SLASH_CREDIT = re.compile(r"[A-Z][^/()]{0,40}(?:/[A-Z][^/()]{0,40})+")
REPRINT = re.compile(
    r"(?:originally (?:published|appeared|posted)|first (?:published|appeared)|republished"
    r"|reprinted|cross-?posted|re-?published|is published in partnership|produced by)\b",
    _I,
)
REPRINT_SOURCE = re.compile(
    r"(?:originally (?:published|appeared|posted)|first (?:published|appeared)|republished"
    r"|reprinted) (?:by|on|in|at|from)\s+((?:the\s+)?[A-Z][\w’'&.-]*"
    r"(?:\s+(?:of|and|&|the|for|on|[A-Z][\w’'&.-]*)){0,8})"
)
COPYRIGHT = re.compile(
    r"^(?:©|\(c\)\s|copyright\b)|all rights reserved|may not be (?:published|reproduced|"
    r"redistributed|rewritten)",
    _I,
)
RELATED = re.compile(
    r"(?:related(?: (?:articles?|stories|content|coverage|news|posts|reading|topics|links))?"
    r"|read more|read also|also read|see also|more from\b|more on this|more stories|recommended"
    r"(?: for you| stories)?|you (?:may|might) also (?:like|be interested)|further reading"
    r"|read next|up next|next story\b|watch|listen|trending|popular|our standards"
    r"|more on this (?:story|topic|subject)|read(?=:))"
    r"\s*(?::|—|–|-|>|»|\||$)",
    _I,
)
TAGS = re.compile(
    r"(?:tags?|topics?|filed under|categories|category|keywords|section|posted in"
    r"|sources?|references|notes)\s*:",
    _I,
)
TAGLINE = re.compile(
    r"(?:an?|the)\s+(?:project|service|publication|product|program|programme|division|member"
    r"|unit|initiative|website|site|newsletter|part)\s+of\s+\S",
    _I,
)
LISTING = re.compile(
    r"(?:(?:item|lot|listing|sku|ref(?:erence)?|product|auction)\s*(?:#|no\.?|number|id)?"
    r"\s*:?\s*#?\d[\w-]*|(?:current|starting|opening|winning|high|minimum|final) bid\b.{0,30}"
    r"|buy it now|place (?:a )?bid|bid now|add to (?:cart|watchlist|basket|wishlist)"
    r"|watch this item|(?:price|estimate|bids?|shipping|condition|seller)\s*:.{0,60})$",
    _I,
)
AGENCY_LINE = re.compile(
    r"(?:the )?(?:associated press|ap|reuters|afp|agence france-presse|upi|bloomberg"
    r"|bloomberg news|xinhua|yonhap|kyodo|jiji(?: press)?|dpa|efe)\W*",
    _I,
)
DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’\-]+(?:[ /][A-Z][A-Z.'’\-]*){0,4})"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z.]{1,14}(?: [A-Z][A-Za-z.]{1,14}){0,2}))?"
    r"(?:(?:,|\s[—–])\s*(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}(?:,\s*\d{4})?))?"
    r"\s*(?:\((?P<agency>[A-Za-z][A-Za-z .&/-]{0,30})\))?"
    r"\s*(?P<dash>—|–|--|-|\"|:)\s+(?=\S)"
)

# A press release's contact block and embargo line, a page's "call us" line: how to reach
# the publisher, not what the article says.
CONTACT = re.compile(
    r"(?:(?:media|press|news|for more) )?(?:contacts?|enquiries|inquiries|information)\s*:"
    r"|(?:tel|phone|telephone|mobile|cell|fax|e-?mail|call us|office|website)\s*[:.]"
    r"|(?:more )?contact (?:information|details|us)\b|for (?:media|press) (?:enquiries|inquiries)",
    _I,
)
EMBARGO = re.compile(r"(?:embargoed|embargo|for immediate release|under embargo)\b", _I)
# A live blog's timestamp standing alone on its line ("6:25 p.m.", "10:42 ET").
ZONE = r"(?:ET|EST|EDT|CT|CST|CDT|MT|PT|PST|PDT|GMT|UTC|BST|CET|CEST|IST|AEST|AEDT)"
CLOCK = (
    rf"(?:\d{{1,2}}(?:[:.]\d{{2}})?\s*[ap]\.?m\.?(?:\s*{ZONE})?|\d{{1,2}}:\d{{2}}(?:\s*{ZONE})?"
    rf"|\d{{1,2}}(?:[:.]\d{{2}})?\s*{ZONE})"
)
TIMESTAMP = re.compile(rf"(?:updated |posted )?{CLOCK}", _I)
# A teaser's age in a list of stories ("Holiday / 19 mins ago", "2 hours ago").
AGO = re.compile(
    r"\b\d{1,3}\s*(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?)\s+ago$", _I
)
# ... and run in at the start of an entry ("6 p.m.: Florida, ...", "10:42 ET — The ...").
RUN_IN_TIME = re.compile(rf"{CLOCK}\s*(?::|—|–|-{{1,2}}|\|)\s+(?=[\"“‘'(A-Z0-9])")

# A transcript's turn label opening a line ("MR. SMITH: ...", "SENIOR OFFICIAL: ...",
# "Q: ...", "A: ..."): capitals only, up to five words, then a colon and the turn's text.
TURN_LABEL = re.compile(
    r"(?:[A-Z][A-Z’'\-]*\.?|[A-Z]\.)(?:[ \t]+(?:[A-Z][A-Z’'\-]*\.?|[A-Z]\.|OF|AND)){0,4}:[ \t]+(?=\S)"
)
# A stage direction in a transcript, on its own: "(Laughter.)", "(Applause)", "(Inaudible.)".
STAGE = re.compile(
    r"[(\[](?:laughter|laughs|applause|inaudible|unintelligible|crosstalk|cross talk|cheers"
    r"|cheering|boos|booing|silence|pause|music|sighs|off mic|off-mic|end video clip"
    r"|begin video clip|video clip|commercial break|break|audio gap|technical difficulties)"
    r"(?:,? and (?:laughter|applause|cheers|cheering|boos))?\.?[)\]]\.?",
    _I,
)
# The questioner's or answerer's bare mark before a stage direction ("Q (Inaudible.)").
BARE_TURN = re.compile(r"[QA][.:]?(?:\s+|$)")

# Link texts run together when a page's markup is dropped ("hockey coachSiah Armajani,
# sculptorChadwick Boseman", "Twitter iconYouTube icon"): a lower-case word glued to the
# capital of the next, the token starting in lower case (not "YouTube", "iPhone").
GLUED_LINK = re.compile(r"(?<![\w'’])[a-z]{3,}[A-Z][a-z]")
# A share panel's own words ("These are external links and will open in a new window",
# "Close share panel", "Read more about sharing", "Copy this link").
SHARE_PANEL = re.compile(
    r"(?:these are )?external links?,? (?:and )?(?:will |which )?opens? in a new (?:window|tab)"
    r"|close (?:the )?(?:share|sharing) (?:panel|menu|options|dialog)"
    r"|(?:read more )?about sharing|copy (?:this |the )?link(?: to clipboard)?",
    _I,
)
# Network names a share bar lists one per line ("Email", "Facebook", "Messenger").
SHARE_NAMES = frozenset(
    [
        "facebook",
        "twitter",
        "email",
        "e-mail",
        "linkedin",
        "whatsapp",
        "reddit",
        "pinterest",
        "telegram",
        "messenger",
        "flipboard",
        "tumblr",
        "bluesky",
        "mastodon",
        "instagram",
        "youtube",
        "tiktok",
        "sms",
    ]
)

# A caption that ends on its credit ("... in Folsom, Calif.Credit...Rich Lee/Associated Press").
CREDIT_TAIL = re.compile(r"(?:photo |image )?credits?\s*(?:\.\.\.|…|:)\s*[A-Z][^.!?]{1,80}$", _I)
# The page telling the reader how to use it ("Click on photo to go to brief obit.", "Hold
# pointer over photo for person's name.", "Swipe left for more").
UI_HINT = re.compile(
    r"(?:click|tap|double-click|right-click) (?:on|to|the|a|any|an)\b|hover over\b|mouse over\b"
    r"|hold (?:the |your )?(?:pointer|mouse|cursor)\b|swipe (?:left|right|up|down)\b"
    r"|scroll (?:down|up|left|right)\b|(?:use|press) the arrow keys\b",
    _I,
)
# "Back to ... page", "Back to homepage": a way back to another page.
BACK_TO = re.compile(r"back to\b.{0,80}\b(?:page|pages|home|homepage|index|top|menu|list)\b.*", _I)
# A paper's name opening its own story, as a wire's dateline would ("Kaieteur News – Police
# investigators ...", "Stabroek News — The ...").
PAPER_DATELINE = re.compile(
    r"(?P<place>)(?P<agency>(?:[A-Z][a-z]+ ){1,2}(?:News|Times|Post|Herald|Press|Tribune|Gazette"
    r"|Mirror|Express|Observer|Journal|Chronicle|Daily|Today|Online))\s*(?P<dash>—|–|--)\s+"
    r"(?=[\"“A-Z])"
)
# An invitation to write in, with the address ("We welcome responses at letters@example.org",
# "Send tips to news@example.com").
WRITE_IN = re.compile(
    r"(?:we welcome|send|email|e-mail|write to|contact|reach)\b[^.]{0,60}\b\S+@\S+\.\w+\.?$", _I
)

# A link to the story before or after this one ("PREVIOUS Cost-of-living ...", "Next
# article: ...", "Previous post »").
PREV_NEXT = re.compile(
    r"(?:PREVIOUS|NEXT)\s*[:>»›]?\s+[A-Z][a-z]"
    r"|(?:previous|next) (?:article|story|post|item)\b\s*[:>»›]?\s*\S"
)
