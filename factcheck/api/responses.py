"""Response models of /api/v1: the shapes serializers.py and the handlers build.

They are the document's response schemas (every field listed is always present; clients
must tolerate fields added later). tests/openapi_check.py validates every response the
API tests receive against them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from factcheck import models
from factcheck.api.fields import doc
from factcheck.api.requests import Format, Role, Stance, Verdict

Time = Annotated[str, doc(format="date-time")] | None
ClaimStatus = Literal[tuple(s.value for s in models.ClaimStatus)]
ArticleStatus = Literal[tuple(s.value for s in models.ArticleStatus)]


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class Problem(Out):
    """RFC 9457 problem details (application/problem+json)."""

    type: str = Field(
        description="a URI of the desk's registry (x-problem-types, top level of this "
        'document), or "about:blank" when the title is the HTTP status\'s own phrase'
    )
    title: str
    status: int
    detail: str = Field(description="what went wrong, in plain words")
    errors: dict[str, str] = Field(None, description="invalid input: each bad field, and why")
    current_version: int = Field(None, description="409 and 428: the object's version now")
    retry_after: int = Field(None, description="429: seconds to wait (also Retry-After)")
    request_id: str = Field(None, description="quote it when reporting a problem")


class Token(Out):
    id: int
    name: str
    token: str = Field(description="shown once; send it as Authorization: Bearer <token>")
    expires_at: Time = Field(description="when it stops working; null: never")
    read_only: bool


class User(Out):
    id: int
    email: str
    display_name: str
    role: Role
    active: bool


class Progress(Out):
    total: int
    reviewed: int
    approved: int
    excluded: int


class EvidenceLink(Out):
    url: str
    title: str
    stance: Stance
    excerpt: str | None
    archived_url: str | None


class Review(Out):
    id: int
    claim_id: int
    reviewer_id: int
    reviewer: str
    verdict: Verdict
    note: str
    note_html: str
    links: list[EvidenceLink]
    created_at: Time
    updated_at: Time
    version: int
    first_verdict: Verdict = Field(
        description="the verdict as first submitted: agreement counts it"
    )
    revised_after_seen: bool = Field(
        description="revised while other reviews of the claim were readable to its author"
    )


class Claim(Out):
    id: int
    article_id: int
    seq: int | None = Field(description="position in the article (null in queues)")
    number: int | None = Field(
        description="the claim's number in its article, kept for its life: splits, merges, "
        "undo and corrected versions never renumber the others (what the desk's pages show)"
    )
    start: int
    end: int
    text: str = Field(description="always body[start:end]")
    statement: str
    speaker: str | None
    speaker_type: Literal["person", "organization", "document", "unnamed"] | None = Field(
        description="what the speaker is; null with no speaker"
    )
    speaker_confidence: float | None = Field(
        description="0..1, how sure the splitter was of the speaker (1 once a person set or "
        "confirmed it); below 0.7 the workspace shows 'speaker unclear'; null with no speaker"
    )
    is_quote: bool
    checkworthiness: float
    reasons: list[str]
    status: ClaimStatus
    final_verdict: Verdict | None
    approved_by: int | None
    approved_at: Time
    approval_note: str | None
    return_comment: str | None
    excluded_reason: str | None
    version: int = Field(
        description="as the caller may see it: under blind review, the others' review saves "
        'do not step it and "reviewed" reads as the status before them'
    )


class ClaimDetail(Claim):
    reviews: list[Review] = Field(description="the reviews the caller may see (blind review)")
    review_count: int = Field(description="the reviews the caller may see (len of reviews)")
    reviews_hidden: bool = Field(
        description="blind review: the others' reviews stay hidden (whether there are any, "
        "too) until the caller submits their own"
    )
    history: str = Field(description="the claim's history (a path of this API)")


class Claims(Out):
    claims: list[Claim]


class ArticleSummary(Out):
    id: int
    title: str
    status: ArticleStatus
    language: str = Field(description="ISO 639-1 code: en, es, fr, de or pt")
    created_at: Time
    version: int
    progress: Progress


class Boilerplate(Out):
    start: int
    end: int
    kind: str


class Article(ArticleSummary):
    publisher: str | None
    original_publisher: str | None
    byline: str | None
    published_at: str | None
    source_url: str | None
    input_kind: str
    filename: str | None
    body: str
    approved_at: Time
    approved_by: int | None
    published_url: str | None = Field(
        description="the public address of the fact-check (ClaimReview url)"
    )
    meta_sources: dict[str, Literal["user", "page", "text"]] | None = Field(
        description="where each metadata field came from; a field with no entry is empty "
        "(nothing is guessed); null: not recorded (imported before this was kept)"
    )
    boilerplate: list[Boilerplate]
    claims: list[Claim]


class Reanchored(Article):
    reanchored: dict[str, int] = Field(description="claims per outcome: unchanged, moved, …")


class Page(Out):
    page: int
    per_page: int
    total: int


class ArticlePage(Page):
    items: list[ArticleSummary]


class UserPage(Page):
    items: list[User]


class AuditEvent(Out):
    id: int  # the writers' order
    seq: int | None  # the chain position; null for a moment, until the sealer links it
    created_at: Time
    actor_id: int | None
    actor: str | None
    action: str
    target_type: str | None
    target_id: int | None
    article_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    client_addr: str | None
    hash: str | None  # null until sealed (PostgreSQL: within about a second)
    prev_hash: str | None


class AuditPage(Page):
    items: list[AuditEvent]
    newer_after_seq: int | None = Field(description="ask ?after_seq= this for newer events")
    older_before_seq: int | None = Field(description="ask ?before_seq= this for older events")


class History(Out):
    items: list[AuditEvent]
    total: int


class SimilarClaim(Out):
    claim_id: int
    article_id: int
    article_title: str
    statement: str
    text: str
    final_verdict: Verdict | None
    approved_at: Time
    score: float  # percent: calibrated probability that it is the same check (text.similarity)
    url: str


class Similar(Out):
    items: list[SimilarClaim]
    total: int


class Agreement(Out):
    claims_with_reviews: int
    claims_compared: int
    agreeing: int
    share_agreeing: float | None
    alpha: float | None
    conflicts: list[int] = Field(
        description="claim ids whose first verdicts disagree, resolved ones included (empty for reviewers)"
    )
    resolved_conflicts: list[int] = Field(
        description="the conflicts since resolved: the current verdicts agree, or a lead approved it"
    )
    revised_after_seen: list[int] = Field(
        description="claims with a review revised after its author could read the others"
    )
    current_agreeing: int = Field(description="claims whose current verdicts agree")
    current_share_agreeing: float | None
    pairs: list[dict[str, Any]] = Field(None, description="leads only")
    reviewers: list[dict[str, Any]] = Field(None, description="leads only")


class Assignment(Out):
    id: int
    user_id: int
    article_id: int
    claim_id: int | None
    due_on: Annotated[str, doc(format="date")] | None
    created_at: Time


class Assignments(Out):
    items: list[Assignment]
    created: int


class Overdue(Out):
    assignment_id: int
    user_id: int
    due_on: str
    claim: Claim


class Queue(Out):
    assigned: list[Claim]
    returned: list[Claim]
    awaiting_approval: list[Claim] = Field(None, description="leads only")
    conflicts: list[Claim] = Field(None, description="leads only")
    returned_to_reviewers: list[Claim] = Field(None, description="leads only")
    overdue: list[Overdue] = Field(None, description="leads only")
    page: int
    per_page: int
    more: dict[str, bool] = Field(
        description="per section: whether the next page has more of it (?page=)"
    )
    totals: dict[str, int] = Field(
        description="claims per section (all pages); the overdue pairs are not counted"
    )


class ChainHead(Out):
    seq: int | None
    hash: str | None


class Verification(Out):
    ok: bool
    events: int
    first_bad_id: int | None
    reason: str | None
    head: ChainHead


class Rendering(Out):
    """202: a file too long to render within the request is being rendered."""

    status: Literal["queued", "rendering"]
    format: Format
    claims: int
    requested_at: Time
    started_at: Time
    retry_after: int
    detail: str


class ArticleLink(Out):
    id: int
    url: str = Field(description="the article in the API")


class UrlImport(Out):
    """A URL import asked for with Prefer: respond-async, fetched by the worker."""

    id: int = Field(description="the import's job")
    url: str
    status: Literal["queued", "running", "done", "failed"]
    error: str | None = Field(
        description="failed: why (the publisher's answer, a limit, the "
        "address policy); nothing was imported"
    )
    requested_at: Time
    started_at: Time
    finished_at: Time
    article: ArticleLink | None = Field(description="done: the imported article")
    new_version_of: int | None = Field(
        description="a corrected version of this article (POST /articles/{id}/versions)"
    )
    reanchored: dict[str, int] | None = Field(
        description="a corrected version, done: claims per outcome (unchanged, moved, …)"
    )


class BulkRendering(Out):
    """202: files of a bulk export are being rendered."""

    status: Literal["queued", "rendering"]
    format: Format
    pending: list[int] = Field(description="the articles whose files are not ready")
    retry_after: int
    detail: str


class ClaimLive(Out):
    """A claim as the caller may see it now (blind review: another reviewer's save the
    caller may not read yet changes nothing here)."""

    id: int
    number: int | None
    status: ClaimStatus = Field(
        description='"reviewed" reads as before it while the reviews are blind to you'
    )
    verdict: Verdict | None = Field(description="the final verdict, once approved")
    version: int = Field(
        description="steps with each change you may see (not the claim's own version)"
    )
    changed_by: str | None = Field(description="who made the last change you may see")
    changed_by_id: int | None
    change: str | None = Field(
        description='that change\'s action: "claim.approved", "review.saved", …'
    )
    changed_at: Time


class ArticleLive(Out):
    """What the workspace polls: send the ETag back in If-None-Match, 304 while nothing changed."""

    article_id: int
    status: ArticleStatus
    version: int
    changed_by: str | None = Field(description="who made the article's last change (as an article)")
    changed_by_id: int | None
    viewer_id: int | None = Field(description="the caller (changes of their own need no notice)")
    claims: list[ClaimLive]
