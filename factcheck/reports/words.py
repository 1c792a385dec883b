"""The words of a report in the language it is exported in (issue #20: the report's language
is chosen at export; the desk's default is FACTCHECK_REPORT_LANGUAGE).

Pure: no Flask. The texts are the interface's gettext catalogs (factcheck/translations,
``make messages`` extracts this package and its template too), read with Babel's own
loader, so a verdict is the same word on the desk's pages and in its reports. English is
the source language: its ``Words`` translate nothing and keep the desk's ISO times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from babel.dates import format_skeleton, format_time
from babel.support import NullTranslations, Translations

from factcheck.models.review import Stance
from factcheck.models.transitions import ClaimStatus
from factcheck.models.vocabulary import Verdict
from factcheck.reports.formats.common import to_utc

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ("en", "es", "fr", "de", "pt")


def N_(text: str) -> str:  # noqa: N802 - gettext's own name for "mark, translate later"
    return text


# The vocabulary's words, one map for the reports and the pages (factcheck/web/i18n.py).
VERDICT_WORDS = {Verdict.CONFIRMED: N_("Confirmed"), Verdict.UNCONFIRMED: N_("Unconfirmed"),
                 Verdict.DISPUTED: N_("Disputed")}  # fmt: skip
STATUS_WORDS = {ClaimStatus.OPEN: N_("open"), ClaimStatus.REVIEWED: N_("reviewed"),
                ClaimStatus.APPROVED: N_("approved"), ClaimStatus.RETURNED: N_("returned"),
                ClaimStatus.EXCLUDED: N_("excluded"), "draft": N_("draft"),
                "in_review": N_("in review")}  # fmt: skip
STANCE_WORDS = {Stance.SUPPORTS: N_("Supports"), Stance.CONTRADICTS: N_("Contradicts"),
                Stance.CONTEXT: N_("Context")}  # fmt: skip
SOURCE_WORDS = {"user": N_("entered by the desk"), "page": N_("from the page's metadata"),
                "text": N_("found in the article's text")}  # fmt: skip


@cache
def catalog(language: str) -> NullTranslations:
    """The gettext catalog of ``language`` (one of LANGUAGES; English translates nothing)."""
    if language not in LANGUAGES:
        raise ValueError(
            f"unknown report language {language!r}; expected one of {', '.join(LANGUAGES)}"
        )
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language])


@dataclass(frozen=True)
class Words:
    """A report's words in one language."""

    language: str

    @property
    def catalog(self) -> NullTranslations:
        return catalog(self.language)

    def __call__(self, text: str, **values) -> str:
        out = self.catalog.gettext(text)
        return out % values if values else out

    def plural(self, singular: str, plural: str, n: int, **values) -> str:
        return self.catalog.ngettext(singular, plural, n) % {"num": n, **values}

    def verdict(self, verdict: str | None) -> str | None:
        """A verdict's label (``None`` stays ``None``)."""
        if verdict is None:
            return None
        word = VERDICT_WORDS.get(verdict)
        return self(word) if word else verdict

    def status(self, status: str) -> str:
        """A claim's or an article's status, capitalised as a label."""
        word = STATUS_WORDS.get(status)
        text = self(word) if word else str(status).replace("_", " ")
        return text[:1].upper() + text[1:]

    def state(self, status: str) -> str:
        """A status as a word inside a sentence ("in review", German "in Prüfung")."""
        word = STATUS_WORDS.get(status)
        return self(word) if word else str(status).replace("_", " ")

    def stance(self, stance: str) -> str:
        """An evidence link's stance as a word inside a sentence ("supports")."""
        word = STANCE_WORDS.get(stance)
        text = self(word) if word else str(stance)
        return text[:1].lower() + text[1:]

    def outcome(self, claim) -> str:
        """The verdict of an approved claim, else its status."""
        return self.verdict(claim.final_verdict) or self.status(claim.status)

    def source(self, kind: str | None) -> str | None:
        word = SOURCE_WORDS.get(kind)
        return self(word) if word else None

    def time(self, value: datetime | None) -> str:
        """A UTC time for readers: the desk's ISO style in English (2026-12-02 19:52 UTC),
        the language's own date with the month's name and a 24-hour time otherwise (CLDR,
        a four-digit year: a report is kept), always marked UTC."""
        if value is None:
            return ""
        utc = to_utc(value)
        if self.language == "en":
            return utc.strftime("%Y-%m-%d %H:%M UTC")
        day = format_skeleton("yMMMd", utc, locale=self.language)  # 3 dic 2026, 3. Dez. 2026
        when = f"{day} {format_time(utc, 'short', tzinfo=None, locale=self.language)}"
        return self("%(when)s UTC", when=when)


@cache
def words(language: str) -> Words:
    catalog(language)  # an unknown language is refused here, once
    return Words(language)
