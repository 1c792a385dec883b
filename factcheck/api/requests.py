"""Request models of /api/v1: each body and query string, declared once.

contract.route validates requests with them and openapi builds the document from them.
JSON bodies are strict (a number is not text, true is not an id) and refuse unknown
fields; a field given as null is "not given" wherever the type says ``| None``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, model_validator

from factcheck.api.fields import (
    DATE_OR_TIME,
    EMPTY,
    NOT_BLANK,
    Binary,
    DateOrTime,
    Id,
    Integer,
    Text,
    Url,
    Version,
    doc,
    limit,
)
from factcheck.errors import InvalidInput
from factcheck.models import ArticleStatus, AuditAction
from factcheck.models import Role as RoleName
from factcheck.models import Stance as StanceName
from factcheck.models import Verdict as VerdictName
from factcheck.services.exports import FORMATS
from factcheck.settings import LOCALES
from factcheck.text.language import LANGUAGES

# The vocabulary is the models' enums; JSON carries their values.
Verdict = Literal[tuple(v.value for v in VerdictName)]
Stance = Literal[tuple(s.value for s in StanceName)]
Role = Literal[tuple(r.value for r in RoleName)]
Format = Literal[tuple(FORMATS)]
Language = Annotated[
    Literal[tuple(LANGUAGES)], doc(description="ISO 639-1: " + ", ".join(LANGUAGES))
]
Offset = Annotated[Integer, doc(minimum=0, description="an offset in the article body")]
SPECIAL_USE = r"^(?!.*\.(?:arpa|invalid|local|localhost|onion|test)\.?$)"  # email_validator's
Email = Annotated[str, doc(format="email", maxLength=254, pattern=SPECIAL_USE)]
Password = Annotated[str, doc(minLength=10, maxLength=1024, pattern=r"^[^\x00]*$")]


class Body(BaseModel):
    """A JSON request body."""

    model_config = ConfigDict(extra="forbid", strict=True, regex_engine="python-re")


class VersionedBody(Body):
    version: Version


class TokenRequest(Body):
    email: str
    password: str
    name: Text(maxLength=100, description='default "api"') = None
    code: str = Field(None, description="TOTP or recovery code, when two-step sign-in is on")
    expires_days: Integer = Field(
        None, ge=0, le=3650,
        description="days until the token ends; 0: never; default: the desk's setting",
    )  # fmt: skip
    read_only: bool = Field(False, description="a read-only token is refused (403) any write")


class NewUser(Body):
    email: Email
    display_name: Text(maxLength=200, description="default: the email's local part") = None
    role: Role = "reviewer"
    password: Password


class UserChange(Body):
    display_name: Text(blank=False, maxLength=200) = None
    role: Role = None
    active: bool = Field(None, description="false deactivates the account")


class _Source(Body):
    """Exactly one of text, html or url (null counts as not given)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [k], "properties": {k: {"type": "string"}}}
                                     for k in ("text", "html", "url")]}
    )  # fmt: skip

    text: Annotated[str, doc(pattern=NOT_BLANK), limit("MAX_ARTICLE_CHARS")] | None = None
    html: Annotated[str, doc(pattern=NOT_BLANK), limit("MAX_UPLOAD_BYTES")] | None = None
    url: Url(description="fetched by the server") | None = None

    @model_validator(mode="after")
    def _one_source(self):
        if sum(v is not None for v in (self.text, self.html, self.url)) != 1:
            raise InvalidInput(
                "send exactly one of text, html or url", errors={"text": "one of text, html, url"}
            )
        return self


class NewArticle(_Source):
    title: Text("MAX_TITLE_CHARS") | None = None
    source_url: Url() | None = None
    publisher: Text("MAX_TITLE_CHARS") | None = None
    published_at: DateOrTime | None = None
    language: Language | None = Field(None, description="default: detected in the text")


class NewVersion(_Source):
    version: Version


class ArticleApproval(VersionedBody):
    """Approve the article: every claim approved or excluded."""

    published_url: Url() | None = Field(
        None,
        description="the public address of the published fact-check (ClaimReview url); "
        "default: FACTCHECK_PUBLISHED_BASE_URL/<id>, if the desk set it",
    )


class ArticleLanguage(VersionedBody):
    """Correct the article's language: its claims are split again by that language's rules."""

    language: Language


class Upload(BaseModel):
    """A multipart form: the article as a .txt, .md or .html file."""

    model_config = ConfigDict(extra="ignore")
    file: Binary


class NewArticleUpload(Upload):
    title: str | None = None
    source_url: str | None = None
    publisher: str | None = None
    published_at: str | None = None
    language: str | None = Field(None, description="ISO 639-1; default: detected in the text")


class NewVersionUpload(Upload):
    version: str | None = Field(None, description="or send If-Match")


class _Span(Body):
    """start and end: the services report every problem of a span under "span"."""

    error_fields: ClassVar[dict[str, str]] = {"start": "span", "end": "span"}


class NewClaim(_Span):
    start: Offset
    end: Offset
    speaker: Text("MAX_TITLE_CHARS") | None = None


class ClaimChange(_Span):
    version: Version
    start: Offset | None = None
    end: Offset | None = None
    speaker: Text("MAX_TITLE_CHARS") | None = Field(None, description="null clears it")
    statement: Text("MAX_NOTE_CHARS") | None = Field(None, description="null clears it")


class Split(VersionedBody):
    at: Offset


class Merge(VersionedBody):
    with_: Id = Field(alias="with", description="the adjacent claim to merge with")


class Exclusion(VersionedBody):
    reason: Text("MAX_REASON_CHARS", blank=False)


class NewEvidenceLink(Body):
    url: Url()
    title: Text("MAX_TITLE_CHARS") | None = None
    stance: Stance = Field(description="required: how the link bears on the claim (no default)")
    excerpt: Text("MAX_EXCERPT_CHARS") | None = None
    archived_url: Url() | None = None


class ReviewSubmission(VersionedBody):
    verdict: Verdict
    note: Text("MAX_NOTE_CHARS") | None = ""
    links: Annotated[list[NewEvidenceLink], limit("MAX_LINKS_PER_REVIEW", "maxItems")] | None = None
    version: Version = Field(None, description="required when the review exists (428)")


class Approval(VersionedBody):
    verdict: Verdict
    note: Text("MAX_NOTE_CHARS") | None = None


class ReturnToReviewers(VersionedBody):
    comment: Text("MAX_NOTE_CHARS", blank=False)


class Reopening(VersionedBody):
    reason: Text("MAX_REASON_CHARS", blank=False)


class NewAssignment(Body):
    user_id: Id
    article_id: Id
    claim_ids: Annotated[list[Id], doc(minItems=1)] | None = None
    due_on: Annotated[str, doc(anyOf=[{"format": "date"}, EMPTY])] | None = None


# ---------------------------------------------------------------- query strings


class Query(BaseModel):
    """Query parameters: text, read leniently (unknown parameters are ignored)."""

    model_config = ConfigDict(extra="ignore")


def _blank_is_none(value):
    return None if value == "" else value


def _time(value):
    """An ISO 8601 date or time (UTC when it names no offset); "" means not given."""
    if value in (None, ""):
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("ISO 8601") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


Page = Annotated[int, Field(ge=1, le=1_000_000)]
PerPage = Annotated[int, Field(ge=1, le=500)]
Time = Annotated[
    datetime | None,
    BeforeValidator(_time),
    WithJsonSchema({"type": "string", "anyOf": DATE_OR_TIME}),
]
STATUSES = tuple(s.value for s in ArticleStatus)


class Paging(Query):
    page: Page = 1
    per_page: PerPage = 50


class QueuePaging(Query):
    page: Page = 1
    per_page: Annotated[int, Field(ge=1, le=500, description="rows per section")] = 100


class ArticleList(Paging):
    status: Annotated[
        Literal[STATUSES] | None,
        BeforeValidator(_blank_is_none),
        WithJsonSchema({"type": "string", "enum": ["", *STATUSES], "description": '"": any'}),
    ] = None
    q: str | None = Field(None, description="words of the title or body")


class AuditList(Paging):
    before_seq: Id | None = Field(None, description="older events than this seq")
    after_seq: Id | None = Field(None, description="newer events than this seq")
    article_id: Id | None = None
    actor_id: Id | None = None
    action: Literal[tuple(a.value for a in AuditAction)] | None = None
    since: Time = None
    until: Time = None


class Export(Query):
    format: Format = "json"
    lang: Literal[tuple(LOCALES)] | None = Field(
        None, description="the report's language (headings, labels, verdict names of html, pdf, "
        "md, ClaimReview and W3C); default: the desk's FACTCHECK_REPORT_LANGUAGE")  # fmt: skip
    bom: bool = Field(False, description="CSV: start with the UTF-8 byte order mark (for Excel)")


class BulkExport(Export):
    since: Annotated[str, doc(format="date")]
    until: Annotated[str, doc(format="date")]


class Verify(Query):
    head: str | None = Field(None, description="the hash the chain must end at")
