"""Importing articles (split into claims on the way in) and approving them."""

from __future__ import annotations

import codecs
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import splitting
from ..errors import InvalidInput, InvalidTransition, TooLarge, UnsupportedType
from ..limits import LIMITS
from ..models import Article, ArticleStatus, Claim, ClaimStatus, utcnow
from ..permissions import Permission, require
from . import audit
from .common import article_snapshot, check_http_url, check_version, clean_text, get_article

TEXT_EXTENSIONS = {".txt", ".md", ".markdown", ".text"}
# Leading bytes of common binary formats a file may be disguised as (HOSTILE IMP-03).
MAGIC = {
    b"\x89PNG": "PNG image", b"GIF8": "GIF image", b"\xff\xd8\xff": "JPEG image",
    b"%PDF": "PDF document", b"PK\x03\x04": "ZIP archive (or .docx)", b"\x7fELF": "program",
    b"\x1f\x8b": "gzip archive", b"MZ": "Windows program", b"Rar!": "RAR archive",
}  # fmt: skip


def decode_upload(data: bytes, filename: str | None) -> str:
    """Decode an uploaded text file: UTF-8 (BOM stripped) or UTF-16 with a BOM; else refuse."""
    name = (filename or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in TEXT_EXTENSIONS:
        raise UnsupportedType(
            f"unsupported file type {ext or '(no extension)'}: upload a .txt or .md file",
            errors={"file": "use a .txt or .md file"},
        )
    if len(data) > LIMITS.MAX_UPLOAD_BYTES:
        raise TooLarge(f"file is larger than {LIMITS.MAX_UPLOAD_BYTES} bytes")
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedType(f"unsupported file type: this looks like a {kind}, not text")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"file is not valid UTF-16 (byte {exc.start})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"file is not valid UTF-8 (byte {exc.start}); save it as UTF-8 and try again",
            errors={"file": f"not valid UTF-8 at byte {exc.start}"},
        ) from None


def normalise_body(text: str) -> str:
    """Line endings become \\n (documented); everything else is kept as evidence."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_article_text(text) -> str:
    if not isinstance(text, str):
        raise InvalidInput("text must be a string", errors={"text": "must be text"})
    if len(text) > LIMITS.MAX_ARTICLE_CHARS:
        raise TooLarge(f"article is longer than {LIMITS.MAX_ARTICLE_CHARS} characters")
    if "\x00" in text:
        raise InvalidInput("article contains NUL characters", errors={"text": "contains NUL characters"})
    if not text.strip():
        raise InvalidInput("article is empty", errors={"text": "article is empty"})
    return text


def _check_date(value) -> str | None:
    """An ISO 8601 date or date-time; kept as its date."""
    if value in (None, ""):
        return None
    try:
        text = str(value).strip().replace("Z", "+00:00")
        return (datetime.fromisoformat(text).date() if len(text) > 10 else date.fromisoformat(text)).isoformat()
    except ValueError:
        raise InvalidInput(
            "published_at must be an ISO 8601 date (YYYY-MM-DD)", errors={"published_at": "ISO date"}
        ) from None


def import_article(
    session: Session,
    *,
    actor,
    text: str,
    input_kind: str = "text",
    raw_input: str | None = None,
    filename: str | None = None,
    title=None,
    source_url=None,
    publisher=None,
    published_at=None,
) -> Article:
    """Store an article's input unchanged, its clean body, and its claims."""
    require(actor, Permission.IMPORT_ARTICLE)
    text = check_article_text(text)
    title = clean_text(title, "title", max_chars=LIMITS.MAX_TITLE_CHARS)
    publisher = clean_text(publisher, "publisher", max_chars=LIMITS.MAX_TITLE_CHARS) or None
    source_url = check_http_url(source_url, "source_url", max_chars=LIMITS.MAX_URL_CHARS, required=False)
    published_at = _check_date(published_at)
    filename = clean_text(filename, "filename", max_chars=255) or None if filename else None
    body = normalise_body(text)
    result = splitting.analyze(body)
    if not result.claims:
        raise InvalidInput("no sentence found in the article", errors={"text": "no sentence found"})
    meta = result.meta
    article = Article(
        title=(title or meta.title or _first_line(body))[: LIMITS.MAX_TITLE_CHARS],
        raw_input=raw_input if raw_input is not None else text,
        input_kind=input_kind,
        filename=filename,
        body=body,
        publisher=publisher or meta.publisher,
        original_publisher=meta.original_publisher,
        byline=meta.byline,
        published_at=published_at or meta.published_at,
        source_url=source_url,
        boilerplate=[[b.start, b.end, b.kind] for b in result.boilerplate],
        created_by_id=getattr(actor, "id", None),
    )
    session.add(article)
    session.flush()
    session.add_all(
        Claim(
            article_id=article.id, start=c.start, end=c.end, text=c.text, speaker=c.speaker,
            is_quote=c.is_quote, checkworthiness=round(c.checkworthiness, 3), reasons=list(c.reasons),
        )
        for c in result.claims
    )  # fmt: skip
    session.flush()
    audit.record(
        session, actor, "article.imported", "article", article.id, article_id=article.id,
        after={"title": article.title, "input_kind": input_kind, "filename": filename,
               "chars": len(body), "claims": len(result.claims)},
    )  # fmt: skip
    return article


def _first_line(body: str) -> str:
    for line in body.splitlines():
        if line.strip():
            return line.strip()[:120]
    return "Untitled article"


def approve_article(session: Session, *, actor, article_id, version) -> Article:
    """Approve an article whose every non-excluded claim is approved; its report is final."""
    article = get_article(session, article_id, for_update=True)
    require(actor, Permission.APPROVE_ARTICLE, article)
    check_version(article, version, what=f"article {article.id}")
    if article.status == ArticleStatus.APPROVED:
        raise InvalidTransition(f"article {article.id} is already approved")
    pending = session.scalar(
        select(func.count()).where(
            Claim.article_id == article.id,
            Claim.status.not_in([ClaimStatus.APPROVED, ClaimStatus.EXCLUDED]),
        )
    )
    if pending:
        raise InvalidTransition(
            f"{pending} claim(s) are not yet approved or excluded; approve them first"
        )
    before = article_snapshot(article)
    article.status = ArticleStatus.APPROVED.value
    article.approved_by_id = actor.id
    article.approved_at = utcnow()
    session.flush()
    audit.record(session, actor, "article.approved", "article", article.id, article_id=article.id,
                 before=before, after=article_snapshot(article))  # fmt: skip
    return article


def mark_in_review(session: Session, article: Article) -> None:
    """A draft becomes in_review with its first review (part of the review's unit of work)."""
    if article.status == ArticleStatus.DRAFT:
        article.status = ArticleStatus.IN_REVIEW.value


def list_articles(session: Session, *, status=None, q=None, page=1, per_page=50):
    """A page of articles, newest first, with the total."""
    stmt = select(Article)
    if status:
        stmt = stmt.where(Article.status == status)
    if q:
        stmt = stmt.where(Article.title.ilike(f"%{q}%"))
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = session.scalars(
        stmt.order_by(Article.created_at.desc(), Article.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return items, total


def progress_for(session: Session, article_ids: list[int]) -> dict[int, dict]:
    """{article_id: {total, reviewed, approved, excluded}} in one query."""
    out = {aid: {"total": 0, "reviewed": 0, "approved": 0, "excluded": 0} for aid in article_ids}
    if not article_ids:
        return out
    rows = session.execute(
        select(Claim.article_id, Claim.status, func.count())
        .where(Claim.article_id.in_(article_ids))
        .group_by(Claim.article_id, Claim.status)
    )
    for aid, status, n in rows:
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
