"""The interface's language (Flask-Babel): the signed-in person's saved choice, else the
browser's Accept-Language best match among settings.LOCALES, else the desk default
(FACTCHECK_DEFAULT_LOCALE). The JSON API stays English: integrators parse its texts.

Catalogs live in factcheck/translations/ (`make messages` extracts, updates, compiles).
Templates format dates and numbers for the locale with Flask-Babel's filters
(``datetimeformat``, ``dateformat``, ``decimalformat`` …) and this module's ``utc``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, current_app, g, request
from flask_babel import Babel, format_date, format_datetime, get_locale, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from factcheck.settings import LOCALES, app_settings

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def chosen_locale() -> str:
    """The language of this request's pages (see the module's docstring)."""
    forced = g.get("force_locale")
    if forced in LOCALES:
        return forced
    if request.path.startswith("/api/"):
        return "en"
    saved = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    return saved if saved in LOCALES else browser_locale()


def browser_locale() -> str:
    """Accept-Language's best match among LOCALES, else the desk default."""
    best = request.accept_languages.best_match(list(LOCALES))
    return best or app_settings(current_app).DEFAULT_LOCALE


def html_lang() -> str:
    return str(get_locale() or "en").replace("_", "-")


def utc(value, format: str = "short") -> str:
    """A UTC timestamp in the page's language, marked as UTC (dates are kept in UTC).
    English keeps the desk's ISO style (2026-12-02 19:52 UTC), unambiguous on both sides
    of the Atlantic; the other languages get their own order and separators (CLDR)."""
    if value is None:
        return ""
    if str(get_locale()) == "en":
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return _("%(when)s UTC", when=format_datetime(value, format, rebase=False))


def when(value) -> str:
    """A timestamp to the second, in the page's language (a column headed "UTC")."""
    if value is None:
        return ""
    if str(get_locale()) == "en":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return format_datetime(value, "medium", rebase=False)


def day(value, format: str = "medium") -> str:
    """A date in the page's language (English: 2026-12-02); a text that is no ISO date as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        from datetime import date

        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if str(get_locale()) == "en":
        return value.strftime("%Y-%m-%d")
    return format_date(value, format)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    Babel(app, locale_selector=chosen_locale)
    app.jinja_env.filters["utc"] = utc
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["sentence"] = sentence
    app.jinja_env.globals.update(
        html_lang=html_lang,
        LOCALES=LOCALES,
        status_label=lambda v: label("status", v),
        verdict_label=lambda v: label("verdict", v),
        stance_label=lambda v: label("stance", v),
        role_label=lambda v: label("role", v),
        delivery_label=lambda v: label("delivery", v),
        need_label=lambda v: label("need", v),
        reason_label=lambda v: label("reason", v),
        speaker_type_label=lambda v: label("speaker_type", v),
        language_name=language_name,
        version_counts=version_counts,
        js_strings=js_strings,
        say=say,
        input_kind_label=input_kind_label,
    )


# The vocabulary's words as the pages show them (the values stay English in the API, CSV and JSON).
# Built once: its words are lazy strings, translated when shown, in the request's language (a
# page of 100 claims asks for ~500 labels; building the dict on each cost a tenth of the page).
@functools.cache
def _vocabulary() -> dict[str, dict[str, str]]:
    from factcheck.models import DeliveryStatus, Role
    from factcheck.reports import words  # the reports' words are the pages' words

    return {
        "status": {key: _l(msgid) for key, msgid in words.STATUS_WORDS.items()},
        "verdict": {key: _l(msgid) for key, msgid in words.VERDICT_WORDS.items()},
        "stance": {key: _l(msgid) for key, msgid in words.STANCE_WORDS.items()},
        "delivery": {
            DeliveryStatus.PENDING: _l("pending"),
            DeliveryStatus.DELIVERED: _l("delivered"),
            DeliveryStatus.FAILED: _l("failed"),
        },
        "need": {  # why a claim needs the person now (services/desk.REASONS' keys)
            "returned": _l("returned to you"),
            "assigned": _l("assigned to you"),
            "conflict": _l("the reviews disagree"),
            "approval": _l("awaiting your approval"),
        },
        "role": {Role.REVIEWER: _l("reviewer"), Role.LEAD: _l("lead"), Role.ADMIN: _l("admin")},
        "reason": {  # why a claim is worth checking (text/splitting/worthiness.py's reasons)
            "number": _l("number"),
            "date": _l("date"),
            "named entity": _l("named entity"),
            "attribution": _l("attribution"),
            "hedge": _l("hedge"),
            "comparison": _l("comparison"),
            "causal": _l("causal"),
            "question": _l("question"),
            "opinion": _l("opinion"),
        },
        "speaker_type": {  # text/splitting/phrases.speaker_type's kinds
            "person": _l("person"),
            "organization": _l("organization"),
            "document": _l("document"),
            "unnamed": _l("unnamed"),
        },
    }


def label(kind: str, value) -> str:
    """The page's word for a status, verdict, stance or role (the value itself if unknown)."""
    if value is None:
        return ""
    key = getattr(value, "value", value)
    return str(_vocabulary()[kind].get(key, key))


# The texts the scripts show (static/js/*.js call t("…") with these English texts): base.html
# hands them over translated, in a JSON blob (static/js/i18n.js).
JS_TEXTS = (
    _l("Not done: %(why)s."),
    _l("Saving…"),
    _l("Nothing here needs you now"),
    _l("needs you"),
    _l("need you"),
    _l("Working…"),
    _l("the server refused"),
    _l("Could not ask the server what needs you next."),
    _l("Nothing else on this article needs you now."),
    _l("Next: %(reason)s (%(left)s need you)."),
    _l("Someone changed this claim meanwhile: reload it to see their change (your input is kept)."),
    _l("%(n)s selected"),
    _l("None selected"),
    _l("Select a claim first (j / k)."),
    _l("Only leads select claims for bulk decisions."),
    _l("Select at least one claim first."),
    _l("Nothing done: %(why)s."),
    _l("Claim %(seq)s"),
    _l("Select text in the article that no claim covers."),
    _l("The selection overlaps a claim: select plain (grey) text only."),
    _l("Characters %(start)s–%(end)s: “%(quote)s”"),
    _l("This claim takes no review now (approved or excluded)."),
    _l("Nothing to approve here: leads approve reviewed claims."),
    _l("Press Enter to approve “%(verdict)s”, or choose another verdict."),
    _l("Choose the final verdict (arrow keys), then Enter."),
    _l("Nothing of yours to undo here."),
    _l("Stance of link %(n)s: %(stance)s."),
    _l("Could not load claim %(id)s: %(why)s"),
    _l("Not saved: choose a verdict (1, 2 or 3)."),
    _l("Not saved: choose each link's stance (+ supports, - contradicts, = context)."),
    _l("Review saved."),
    _l("Review saved (revised)."),
    _l("Your input is kept; reload the claim to see the newer version."),
    _l("Not saved: %(why)s"),
    _l("This claim's speaker needs no confirming."),
    _l("That was the last claim here that needs you."),
    _l("the server answered HTTP %(status)s"),
    _l("the server could not be reached"),
    _l("choose a verdict"),
    _l("choose a stance: supports, contradicts or context"),
    _l("open"),
    _l("reviewed"),
    _l("approved"),
    _l("returned"),
    _l("excluded"),
    _l("Confirmed"),
    _l("Unconfirmed"),
    _l("Disputed"),
    _l("Claim %(num)s was approved by %(who)s."),
    _l("Claim %(num)s was returned by %(who)s."),
    _l("Claim %(num)s was reopened by %(who)s."),
    _l("Claim %(num)s was excluded by %(who)s."),
    _l("Claim %(num)s was brought back into review by %(who)s."),
    _l("Claim %(num)s was reviewed by %(who)s."),
    _l("Claim %(num)s was changed by %(who)s."),
    _l("someone"),
    _l("%(n)s claims were changed by others."),
    _l("The claim list changed."),
    _l("Refresh"),
    _l("Reload claim"),
    _l("This claim was changed meanwhile."),
    _l("Dismiss"),
    _l("This is the claim as it is now."),
    _l("What you typed, not saved: copy what you still need back into the form."),
    _l("Reload this claim"),
    _l("The article was changed by %(who)s."),
    _l("Reload the page"),
)


def js_strings() -> dict[str, str]:
    """{English: translated} for the scripts; empty in English (t() keeps its text)."""
    if str(get_locale()) == "en":
        return {}
    return {text._args[0]: str(text) for text in JS_TEXTS}


def version_counts(counts: dict[str, int]) -> str:
    """ "3 unchanged, 1 new": what a corrected version did to the claims, in the page's words."""
    words = {
        "unchanged": _l("%(num)s unchanged"),
        "moved": _l("%(num)s moved"),
        "edited": _l("%(num)s edited"),
        "orphaned": _l("%(num)s orphaned"),
        "new": _l("%(num)s new"),
    }
    return ", ".join(
        str(words[k]) % {"num": n} if k in words else f"{n} {k}" for k, n in counts.items() if n
    )


def language_name(code: str | None) -> str:
    """A language's name in the page's language (CLDR: "alemán" on a Spanish page)."""
    from babel import Locale, UnknownLocaleError

    if not code:
        return ""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def sentence(text) -> str:
    """A refusal shown on its own line (the error page) as a sentence: first letter
    capitalised, a full stop at the end. Refusals are written to sit inside another
    sentence ("Not assigned: only an admin may do this"), so only a page that shows one
    alone makes it a sentence; the rest of the text is left as it is (names, ids)."""
    text = str(text or "").strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def detail(exc) -> str:
    """A service's refusal as the page shows it, in the page's language (``say``)."""
    return say(exc.detail)


# A status inside a refusal ("article 5 is in review: …"): an article's own words, since
# the claims' are feminine in es/fr/pt (they qualify "la afirmación").
def _article_status(value) -> str:
    words = {
        "draft": pgettext("article", "a draft"),
        "in_review": pgettext("article", "in review"),
        "approved": pgettext("article", "approved"),
    }
    return words.get(str(value), str(value))


def say(text) -> str:
    """A service's text in the page's language. A Msg (errors.Msg: every refusal the
    services and the permission table raise) is its template translated, with its values
    translated in turn (a Msg, a status; ids, counts and names as they are); any other text
    is looked up as it is (a catalog text) and otherwise shown as the service wrote it."""
    from factcheck.errors import Msg
    from factcheck.models import ArticleStatus, ClaimStatus, Verdict

    if text is None or text == "":
        return ""
    if not isinstance(text, Msg):
        return _(str(text))
    from factcheck.text.language import LANGUAGES

    codes = {name: code for code, name in LANGUAGES.items()}
    values = {}
    for key, value in text.values.items():
        if isinstance(value, Msg):
            values[key] = say(value)
        elif isinstance(value, ArticleStatus):
            values[key] = _article_status(value)
        elif isinstance(value, ClaimStatus):
            values[key] = label("status", value)
        elif isinstance(value, Verdict):
            values[key] = label("verdict", value)
        elif key == "field" and isinstance(value, str):  # a field's key: its name on the page
            values[key] = field_name(value)
        elif key == "kind" and isinstance(value, str):  # an object's kind: claim, article …
            values[key] = kind_name(value)
        elif key == "language" and value in codes:  # "Spanish": the page's name for it
            values[key] = language_name(codes[value])
        else:
            values[key] = value
    return _(text.template, **values) if values else _(text.template)


def field_name(key: str) -> str:
    """A field's name on the page (web/timeline.FIELDS, the names the History uses)."""
    from factcheck.web.timeline import FIELDS

    return str(FIELDS.get(key, key))


# The kinds of object the desk names in its refusals and in the audit trail's "On" column.
KINDS = {
    "article": _l("article"),
    "claim": _l("claim"),
    "review": _l("review"),
    "comment": _l("comment"),
    "claimcomment": _l("comment"),
    "claim_comment": _l("comment"),
    "user": _l("account"),
    "token": _l("API token"),
    "api_token": _l("API token"),
    "apitoken": _l("API token"),
    "webhook": _l("webhook"),
    "webhookendpoint": _l("webhook"),
    "webhook_endpoint": _l("webhook"),
    "webhookdelivery": _l("webhook delivery"),
    "webhook_deliverie": _l("webhook delivery"),
    "notification": _l("notice"),
    "assignment": _l("assignment"),
    "report": _l("report"),
    "job": _l("background job"),
}


def kind_name(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def input_kind_label(kind: str | None) -> str:
    """How a version came in (pasted text, uploaded file, web page), in the page's words."""
    from factcheck.web.timeline import INPUT_KINDS

    return str(INPUT_KINDS.get(kind, kind or ""))


def apply_errors(form, exc) -> None:
    """Show a service's field errors next to the form's fields (the rest as form errors)."""
    placed = False
    for key, message in (exc.errors or {}).items():
        name = key.split(".")[0].split("[")[0]
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), say(message)]
            placed = True
    if not placed:
        form.form_errors.append(detail(exc))
