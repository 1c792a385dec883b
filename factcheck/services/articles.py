"""Importing articles (split into claims on the way in) and approving them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, with_parent

from factcheck.errors import N_, InvalidInput
from factcheck.models import (
    Article,
    ArticleAction,
    ArticleVersion,
    Claim,
    ClaimStatus,
    Review,
    WebhookEvent,
    iso,
    utcnow,
)
from factcheck.permissions import Permission, require, require_actor
from factcheck.services import audit, blind, webhooks
from factcheck.services.common import (
    article_snapshot,
    check_http_url,
    check_version,
    claim_from_span,
    clean_text,
    get_article,
)
from factcheck.services.languages import parse_language
from factcheck.services.sources import Source, split_of
from factcheck.settings import settings_of


def _check_date(value, *, lenient: bool = False) -> str | None:
    """An ISO 8601 date or date-time; kept as its date (found dates may be dropped)."""
    if value in (None, ""):
        return None
    try:
        text = str(value).strip().replace("Z", "+00:00")
        return (
            datetime.fromisoformat(text).date() if len(text) > 10 else date.fromisoformat(text)
        ).isoformat()
    except ValueError:
        if lenient:
            return None
        raise InvalidInput(
            N_("published_at must be an ISO 8601 date (YYYY-MM-DD)"),
            errors={"published_at": N_("ISO date")},
        ) from None


def check_import_fields(session: Session, *, title=None, publisher=None, published_at=None) -> None:
    """The person's metadata of an import, checked as ``import_article`` checks it (a URL
    import asked for in the background is refused at once, not when its page arrives)."""
    limits = settings_of(session)
    clean_text(title, "title", max_chars=limits.MAX_TITLE_CHARS)
    clean_text(publisher, "publisher", max_chars=limits.MAX_TITLE_CHARS)
    _check_date(published_at)


def import_article(
    session: Session,
    *,
    actor,
    source: Source | None = None,
    text: str | None = None,
    title=None,
    source_url=None,
    publisher=None,
    published_at=None,
    language=None,
) -> Article:
    """Store an article's input unchanged, its clean body, and its claims.

    Metadata given by the person wins over what was found in the input; so does the
    language (else it is detected in the body, and the claims split by its rules).
    """
    limits = settings_of(session)
    require(actor, Permission.IMPORT_ARTICLE)
    source = source or Source(text=text, raw=text, kind="text")
    title = _cap(clean_text(title, "title", max_chars=limits.MAX_TITLE_CHARS))
    publisher = _cap(clean_text(publisher, "publisher", max_chars=limits.MAX_TITLE_CHARS))
    source_url = check_http_url(
        source_url, "source_url", max_chars=limits.MAX_URL_CHARS, required=False
    )
    published_at = _check_date(published_at)
    filename = _safe_filename(source.filename)
    language = parse_language(language) if language not in (None, "") else None
    # split by the entry point, before this transaction, in the language given there
    body, language, result = split_of(source, language)
    if not result.claims:
        raise InvalidInput(
            N_("no sentence found in the article"), errors={"text": N_("no sentence found")}
        )
    meta = result.meta
    # "page": the HTML page's own metadata (head, JSON-LD, <time>); a URL import's address
    # is the user's. Nothing is guessed: a field no source gives stays empty.
    found, page = _Provenance(), "page"
    article = Article(
        title=found.pick(
            "title",
            ("user", title),
            (page, source.title),
            ("text", meta.title),
            ("text", _first_line(body)),
        )[: limits.MAX_TITLE_CHARS],
        raw_input=source.raw,
        input_kind=source.kind,
        filename=filename,
        body=body,
        publisher=_cap(
            found.pick(
                "publisher", ("user", publisher), (page, source.site_name), ("text", meta.publisher)
            )
        ),
        original_publisher=_cap(
            found.pick("original_publisher", ("text", meta.original_publisher))
        ),
        byline=_cap(found.pick("byline", (page, source.author), ("text", meta.byline))),
        published_at=found.pick(
            "published_at",
            ("user", published_at),
            (page, _check_date(source.published_at, lenient=True)),
            ("text", meta.published_at),
        ),
        source_url=found.pick(
            "source_url",
            ("user", source_url),
            ("user" if source.kind == "url" else page, _source_url(source.url)),
        ),
        language=language,
        boilerplate=[[b.start, b.end, b.kind] for b in result.boilerplate],
        created_by_id=getattr(actor, "id", None),
    )
    article.meta_sources = {k: v for k, v in found.sources.items() if getattr(article, k)}
    session.add(article)
    session.flush()
    session.add(ArticleVersion(article_id=article.id, number=1, raw_input=article.raw_input,
                               input_kind=article.input_kind, filename=filename, body=body,
                               boilerplate=article.boilerplate, created_by_id=article.created_by_id))  # fmt: skip
    session.add_all(claim_from_span(c, article_id=article.id) for c in result.claims)
    session.flush()
    audit.record(
        session, actor, "article.imported", "article", article.id, article_id=article.id,
        after={"title": article.title, "input_kind": source.kind, "filename": filename,
               "chars": len(body), "claims": len(result.claims), "language": language},
    )  # fmt: skip
    return article


class _Provenance:
    """The first value given for each metadata field, and where it came from."""

    def __init__(self):
        self.sources: dict[str, str] = {}

    def pick(self, name: str, *candidates: tuple[str, str | None]):
        for origin, value in candidates:
            if value:
                self.sources[name] = origin
                return value
        return None


def _cap(value: str | None) -> str | None:
    """A one-line metadata field: whitespace runs (CR/LF included) become one space."""
    return " ".join(value.split())[: settings_of().MAX_TITLE_CHARS] or None if value else None


def _safe_filename(name: str | None) -> str | None:
    """Kept as metadata only (never a path): base name, no control characters."""
    if not name:
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in name if ch.isprintable() and ch not in "\u202e\u202d\u2066\u2067\u2068"
    )
    return name[:255] or None


def _source_url(url: str | None) -> str | None:
    limits = settings_of()
    try:
        return check_http_url(url, "source_url", max_chars=limits.MAX_URL_CHARS, required=False)
    except InvalidInput:
        return None  # a found canonical URL that is not http(s) is dropped, not fatal


def _first_line(body: str) -> str:
    for line in body.splitlines():
        if line.strip():
            return line.strip()[:120]
    return "Untitled article"


def approve_article(session: Session, *, actor, article_id, version, published_url=None) -> Article:
    """Approve an article whose every non-excluded claim is approved; its report is final.

    ``published_url``: the public address of the published fact-check (ClaimReview url);
    without it, FACTCHECK_PUBLISHED_BASE_URL's address for the article, if that is set."""
    limits = settings_of(session)
    published_url = check_http_url(
        published_url, "published_url", max_chars=limits.MAX_URL_CHARS, required=False
    )
    article = get_article(session, article_id, for_update=True)
    require_actor(actor, Permission.APPROVE_ARTICLE)
    check_version(article, version, what=N_("article %(id)s", id=article.id))
    require(actor, Permission.APPROVE_ARTICLE, article)  # and every claim approved or excluded
    before = article_snapshot(article)
    article.transition(ArticleAction.APPROVE)
    article.approved_by_id = actor.id
    article.approved_at = utcnow()
    article.published_url = published_url or limits.default_published_url(article.id)
    session.flush()
    audit.record(session, actor, "article.approved", "article", article.id, article_id=article.id,
                 before=before, after={**article_snapshot(article),
                                       "published_url": article.published_url})  # fmt: skip
    webhooks.enqueue(session, WebhookEvent.ARTICLE_APPROVED, {
        "article_id": article.id, "title": article.title, "approved_by": actor.display_name,
        "approved_at": iso(article.approved_at), "published_url": article.published_url,
    })  # fmt: skip
    return article


def list_articles(session: Session, *, status=None, q=None, page=1, per_page=50):
    """A page of articles, newest first, with the total."""
    stmt = select(Article)
    if status:
        stmt = stmt.where(Article.status == status)
    if q:
        stmt = stmt.where(Article.title.ilike(f"%{q}%"))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = session.scalars(
        stmt.order_by(Article.created_at.desc(), Article.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return items, total


def progress_for(session: Session, article_ids: list[int], viewer) -> dict[int, dict]:
    """{article_id: {total, reviewed, approved, excluded}} in one query, counted on the
    statuses the viewer sees (blind review: another's review does not make a claim count
    as reviewed for a reviewer who has not submitted theirs)."""
    out = {aid: {"total": 0, "reviewed": 0, "approved": 0, "excluded": 0} for aid in article_ids}
    if not article_ids:
        return out
    status = blind.status_column(viewer).label("status")
    rows = session.execute(
        select(Claim.article_id, status, func.count())
        .where(Claim.article_id.in_(article_ids), Claim.current())
        .group_by(Claim.article_id, status)
    )
    for aid, status, n in rows:
        status = ClaimStatus(status)
        p = out[aid]
        p["total"] += n
        if status in (ClaimStatus.REVIEWED, ClaimStatus.RETURNED):
            p["reviewed"] += n
        elif status == ClaimStatus.APPROVED:
            p["approved"] += n
            p["reviewed"] += n
        elif status == ClaimStatus.EXCLUDED:
            p["excluded"] += n
    return out


def claims_as_seen(session: Session, viewer, article: Article, *, reviewers: bool = False) -> list:
    """The article's current claims in reading order, each as the viewer may see it
    (services.blind: the claim itself, or a SeenClaim for a blind reviewer), with their
    reviews loaded in one more query (and, with ``reviewers``, the reviewers in another)."""
    reviews = selectinload(Claim.reviews)
    claims = session.scalars(
        select(Claim)
        .where(with_parent(article, Article.claims))
        .options(reviews.selectinload(Review.reviewer) if reviewers else reviews)
        .order_by(Claim.start)
    ).all()
    return blind.as_seen_all(viewer, claims)
