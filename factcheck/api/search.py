"""Search over claims across articles: words of their text, statement, speaker and the
review notes the caller may read (blind review), with filters, a page at a time."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import jsonify
from pydantic import BeforeValidator, Field, WithJsonSchema

from factcheck.api.contract import answer, route
from factcheck.api.fields import NO_NUL, Id
from factcheck.api.requests import Page, Paging, Time
from factcheck.api.responses import Out
from factcheck.api.responses import Page as PageOut
from factcheck.extensions import db
from factcheck.models import ClaimStatus, Verdict
from factcheck.services import search
from factcheck.text.language import LANGUAGES
from factcheck.web.auth import current_actor

STATUSES = tuple(s.value for s in ClaimStatus)
VERDICTS = tuple(v.value for v in Verdict)


def _blank_is_none(value):
    return None if value == "" else value


def _choice(values: tuple[str, ...], description: str = ""):
    """One of the values, or "" (or nothing) for any."""
    schema = {"type": "string", "enum": ["", *values], "description": description + '"": any'}
    return Annotated[
        Literal[values] | None, BeforeValidator(_blank_is_none), WithJsonSchema(schema)
    ]


class ClaimSearch(Paging):
    q: str = Field(
        "", max_length=search.MAX_QUERY_CHARS,
        description="words to find (every one, accents ignored) in a claim's text, statement "
        "or speaker, or in one review's note the caller may read; other characters are spaces",
    )  # fmt: skip
    status: _choice(STATUSES) = None
    verdict: _choice(VERDICTS) = Field(None, description="the final verdict")
    speaker: str | None = Field(
        None, max_length=search.MAX_SPEAKER_CHARS, pattern=NO_NUL,
        description="part of the speaker's name (any case)",
    )  # fmt: skip
    language: _choice(tuple(LANGUAGES), "the article's language, ISO 639-1; ") = None
    article_id: Id | None = None
    since: Time = Field(None, description="articles imported at or after")
    until: Time = Field(None, description="articles imported at or before")
    page: Page = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = 20


class Snippet(Out):
    field: Literal["statement", "text", "speaker", "note"]
    text: str = Field(description="plain text (never HTML), cut around the first match")
    highlights: list[list[int]] = Field(description="[start, end) of each matched word in text")


class ClaimHit(Out):
    claim_id: int
    number: int | None = Field(description="the claim's number in its article")
    article_id: int
    article_title: str
    language: str
    status: Literal[STATUSES]
    final_verdict: Literal[VERDICTS] | None
    speaker: str | None
    statement: str
    link: str = Field(description="the claim in its article: /articles/{id}?claim={cid}#panel")
    snippet: Snippet


class ClaimHits(PageOut):
    items: list[ClaimHit]
    total_exact: bool = Field(
        description="false when a word is found in more than "
        f"{search.CANDIDATES:,} claims or notes: then only the newest "
        f"{search.CANDIDATES:,} of each are ranked and paged, and total counts the claims "
        "among them (a lower bound: at least that many match)",
    )


@route("GET", "/search/claims", summary="Search claims across articles", query=ClaimSearch,
       ok=answer(ClaimHits))  # fmt: skip
def search_claims(query: ClaimSearch):
    found = search.find_claims(
        db.session, current_actor(), q=query.q, status=query.status, verdict=query.verdict,
        speaker=query.speaker, language=query.language, article_id=query.article_id,
        since=query.since, until=query.until, page=query.page, per_page=query.per_page,
    )  # fmt: skip
    return jsonify({"items": found.items, "page": query.page, "per_page": query.per_page,
                    "total": found.total, "total_exact": found.exact})  # fmt: skip
