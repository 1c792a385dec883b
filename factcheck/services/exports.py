"""Exports: building a report and auditing the export of a final one."""

from __future__ import annotations

import io
import json
import time as clock
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, undefer

from factcheck.errors import N_, InvalidInput, NotPublished
from factcheck.models import Article, ArticleStatus, AuditAction, ReportRender, WebhookEvent, iso
from factcheck.permissions import Permission, can, require
from factcheck.reports import build_report
from factcheck.reports.model import Report
from factcheck.reports.render import (
    FORMATS,
    KEPT_FORMATS,
    Rendered,
    filename,
    fingerprint,
    media_type,
    printed_size,
    render,
)
from factcheck.services import audit, webhooks
from factcheck.services.common import get_article
from factcheck.settings import LOCALES, settings_of


def check_format(fmt) -> str:
    """One of the report formats, or 422 listing them."""
    if fmt not in FORMATS:
        raise InvalidInput(
            N_(
                "unknown format %(fmt)s; use one of: %(known)s",
                fmt=repr(fmt),
                known=", ".join(FORMATS),
            ),  # fmt: skip
            errors={"format": N_("one of %(value)s", value=", ".join(FORMATS))},
        )
    return fmt


def check_language(language) -> str | None:
    """A report language (one of LOCALES), or None for the desk's default; else 422."""
    if language is None or language == "":
        return None
    if language not in LOCALES:
        raise InvalidInput(
            N_(
                "unknown report language %(code)s; use one of: %(known)s",
                code=repr(language),
                known=", ".join(LOCALES),
            ),  # fmt: skip
            errors={"lang": N_("one of %(value)s", value=", ".join(LOCALES))},
        )
    return language


KEEP_RENDERS = 3  # kept files per article and format (a lead's and a reviewer's view may differ)


@dataclass(frozen=True)
class KeptRender:
    """A freshly rendered file to keep (``keep_render``), with what it prints of the moment."""

    article_id: int
    fmt: str
    fingerprint: str
    last_event_hash: str | None
    content: bytes
    generated_at: datetime
    chain_head_seq: int | None
    chain_head_hash: str | None
    render_ms: int


@dataclass(frozen=True)
class RenderJob:
    """A file to render in the background: the report content (fingerprint) as the viewer
    who asked for it sees it."""

    article_id: int
    fmt: str
    fingerprint: str
    viewer_id: int
    complete: bool
    claims: int
    language: str | None = None  # the report's words (None: the desk's default)


class RenderPending(Exception):
    """The file is not kept and too long to render within a request (``inline_limit``):
    ask for it (``render_requests.request_render``) and answer "being prepared"."""

    def __init__(self, job: RenderJob):
        super().__init__(f"{job.fmt} of article {job.article_id} is rendered in the background")
        self.job = job


@dataclass(frozen=True)
class ExportRecord:
    """What must be written after a render: the audit of a final report's export, and/or a
    freshly rendered file to keep. ``render_export`` returns None when there is neither."""

    article_id: int
    fmt: str
    last_event_hash: str | None
    chain_head_hash: str | None
    final: bool = True
    kept: KeptRender | None = None
    language: str = "en"


def _check_publishable(article: Article, fmt: str) -> None:
    """ClaimReview is made for search engines to show: only of an approved article with a
    public address (NotPublished, 409, for a draft or an article without one)."""
    if fmt != "claimreview":
        return
    if article.status != ArticleStatus.APPROVED:
        raise NotPublished(
            N_(
                "article %(id)s is not approved (%(value)s): ClaimReview is made only for an approved article, so nothing unapproved can be published. The other formats export a draft marked DRAFT.",
                id=article.id,
                value=article.status.replace("_", " "),
            )
        )
    if settings_of().public_address(article) is None:
        raise NotPublished(
            N_(
                "article %(id)s has no public address: ClaimReview's url is where the fact-check is published. Set FACTCHECK_PUBLISHED_BASE_URL, or give the article's published address.",
                id=article.id,
            )
        )


def render_export(
    session: Session, *, actor, article_id, fmt: str, inline_limit=None, language=None
) -> tuple[Rendered, ExportRecord | None]:
    """Build and render a report, reading only: no write lock is held while rendering.

    Returns the file and, when something must be written, the record for ``record_export``
    (in a short write transaction of its own): the audit of a final report's export, and a
    freshly rendered PDF to keep. A PDF already rendered from the same report content is
    served as it was made: it prints when that was and the chain head then, and the export
    is audited with that head (an earlier head verifies the same events).

    ``inline_limit`` (bytes of printed HTML; the web page and the API pass it, the command
    line does not): a PDF that is not kept and prints more than this raises
    ``RenderPending`` instead of rendering for longer than a request may take.

    ``language``: the report's words (one of LOCALES; None: the desk's default).
    """
    check_format(fmt)
    language = check_language(language)
    article = get_article(session, article_id)
    require(actor, Permission.EXPORT, article)
    _check_publishable(article, fmt)
    report = build_report(session, article, viewer=actor, language=language)
    kept = None
    if fmt in KEPT_FORMATS:
        complete = can(actor, Permission.SEE_ALL_REVIEWS)
        defer = None if inline_limit is None else (actor.id, inline_limit)
        rendered, report, kept = _render_or_reuse(session, report, fmt, complete=complete,
                                                  defer=defer)  # fmt: skip
    else:
        rendered = render(report, fmt)
    if not report.is_final and kept is None:
        return rendered, None
    return rendered, ExportRecord(
        report.article_id, fmt, report.last_event_hash, report.chain_head_hash,
        final=report.is_final, kept=kept, language=report.report_language,
    )  # fmt: skip


def _render_or_reuse(
    session: Session, report: Report, fmt: str, *, complete: bool, defer=None
) -> tuple[Rendered, Report, KeptRender | None]:
    """The kept file for this exact report content, or a new render to keep.

    ``complete``: the viewer sees every review, so the file is the desk's own report of
    this article state and counts for ``pending_renders``. ``defer``: (viewer id, limit):
    raise ``RenderPending`` rather than render a report that prints more than the limit.
    """
    digest = fingerprint(report, fmt)
    row = session.scalars(
        _kept(report.article_id, fmt, digest).options(undefer(ReportRender.content))
    ).first()
    if row is not None:
        report = replace(report, generated_at=row.generated_at, chain_head_seq=row.chain_head_seq,
                         chain_head_hash=row.chain_head_hash)  # fmt: skip
        return Rendered(row.content, media_type(fmt), filename(report, fmt)), report, None
    if defer is not None and printed_size(report, fmt) > defer[1]:
        raise RenderPending(RenderJob(report.article_id, fmt, digest, defer[0], complete,
                                      len(report.claims), report.report_language))  # fmt: skip
    started = clock.perf_counter()
    rendered = render(report, fmt)
    kept = KeptRender(
        report.article_id, fmt, digest, report.last_event_hash if complete else None,
        rendered.content,
        report.generated_at, report.chain_head_seq, report.chain_head_hash,
        round((clock.perf_counter() - started) * 1000),
    )  # fmt: skip
    return rendered, report, kept


def _kept(article_id: int, fmt: str, digest: str):
    return select(ReportRender).where(
        ReportRender.article_id == article_id, ReportRender.fmt == fmt,
        ReportRender.fingerprint == digest,
    )  # fmt: skip


def record_export(session: Session, *, actor, record: ExportRecord) -> None:
    """Keep a fresh render, and audit the export of a final report (and notify webhooks)."""
    if record.kept is not None:
        keep_render(session, record.kept)
    if record.final:
        _record_export(
            session,
            actor,
            record.article_id,
            record.fmt,
            record.last_event_hash,
            record.chain_head_hash,
            language=record.language,
        )


def export_article(session: Session, *, actor, article_id, fmt: str, language=None) -> Rendered:
    """Render a report and write what its export needs, in the caller's transaction."""
    rendered, record = render_export(session, actor=actor, article_id=article_id, fmt=fmt,
                                     language=language)  # fmt: skip
    if record is not None:
        record_export(session, actor=actor, record=record)
    return rendered


def keep_render(session: Session, kept: KeptRender) -> bool:
    """Store a rendered file unless the same content is kept already; keep the newest few.

    Derived data, not desk state (see models.report_render): no audit event. Writers are
    serialised (BEGIN IMMEDIATE / the chain lock), so check-then-insert does not race.
    """
    if session.scalar(
        select(ReportRender.id).where(ReportRender.article_id == kept.article_id,
                                      ReportRender.fmt == kept.fmt,
                                      ReportRender.fingerprint == kept.fingerprint)
    ):  # fmt: skip
        return False
    session.add(ReportRender(
        article_id=kept.article_id, fmt=kept.fmt, fingerprint=kept.fingerprint,
        last_event_hash=kept.last_event_hash, content=kept.content, size=len(kept.content),
        generated_at=kept.generated_at, chain_head_seq=kept.chain_head_seq,
        chain_head_hash=kept.chain_head_hash, render_ms=kept.render_ms,
    ))  # fmt: skip
    session.flush()
    stale = session.scalars(
        select(ReportRender.id)
        .where(ReportRender.article_id == kept.article_id, ReportRender.fmt == kept.fmt)
        .order_by(ReportRender.rendered_at.desc(), ReportRender.id.desc())
        .offset(KEEP_RENDERS)
    ).all()
    if stale:
        session.execute(delete(ReportRender).where(ReportRender.id.in_(stale)))
    return True


def pending_renders(
    session: Session, *, fmt: str = "pdf", limit: int = 20, without=None
) -> list[int]:
    """Approved articles with no kept file of their current state (newest approvals first);
    ``without``: a select of article ids to leave out."""
    last = audit.last_article_event(Article.id).scalar_subquery()
    kept = select(ReportRender.id).where(
        ReportRender.article_id == Article.id,
        ReportRender.fmt == fmt,
        ReportRender.last_event_hash == last,
    )
    stmt = select(Article.id).where(Article.status == ArticleStatus.APPROVED, ~exists(kept))
    if without is not None:
        stmt = stmt.where(Article.id.not_in(without))
    return list(session.scalars(
        stmt.order_by(Article.approved_at.desc(), Article.id.desc()).limit(limit)
    ))  # fmt: skip


def prepare_render(session: Session, *, article_id, fmt: str = "pdf") -> KeptRender | None:
    """Render an approved article's final report as the desk reads it (every review), for
    ``keep_render``; None if that exact file is kept already. Read-only."""
    article = get_article(session, article_id)
    return render_to_keep(session, build_report(session, article, viewer=None), fmt, complete=True)


def render_to_keep(
    session: Session, report: Report, fmt: str, *, complete: bool
) -> KeptRender | None:
    """Render ``report`` for ``keep_render``; None if that exact file is kept already."""
    return _render_or_reuse(session, report, fmt, complete=complete)[2]


def _record_export(
    session, actor, article_id, fmt, last_hash, head_hash, bulk: bool = False, language="en"
) -> None:
    audit.record(session, actor, AuditAction.REPORT_EXPORTED, "article", article_id, article_id=article_id,
                 after={"format": fmt, "language": language, **({"bulk": True} if bulk else {})})  # fmt: skip
    webhooks.enqueue(session, WebhookEvent.REPORT_EXPORTED, {
        "article_id": article_id, "format": fmt, "exported_by": getattr(actor, "display_name", None),
        "last_event_hash": last_hash, "chain_head_hash": head_hash,
    })  # fmt: skip


def _day(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise InvalidInput(
            N_("%(field)s must be a date (YYYY-MM-DD)", field=field),
            errors={field: N_("YYYY-MM-DD")},
        ) from None


def approved_between(session: Session, *, actor, since, until, fmt: str) -> list[int]:
    """The articles approved in [since, until] (whole days, UTC), oldest approval first."""
    check_format(fmt)
    require(actor, Permission.EXPORT)
    start, end = _day(since, "since"), _day(until, "until")
    if start > end:
        raise InvalidInput(
            N_("the start of the range is after its end"), errors={"since": N_("after until")}
        )
    lo = datetime.combine(start, time.min, tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    return list(session.scalars(
        select(Article.id).where(Article.status == ArticleStatus.APPROVED, Article.approved_at >= lo,
                                 Article.approved_at < hi).order_by(Article.approved_at, Article.id)
    ))  # fmt: skip


def bulk_renders_missing(
    session: Session,
    *,
    actor,
    article_ids: list[int],
    fmt: str,
    inline_limit: int,
    language=None,
) -> list[RenderJob]:
    """The files a bulk export would have to render while it streams, if together they
    print more than ``inline_limit`` (else none): ask for them (``request_render``) and
    stream the ZIP once they are kept. Read-only."""
    if fmt not in KEPT_FORMATS:
        return []
    complete = can(actor, Permission.SEE_ALL_REVIEWS)
    missing, size = [], 0
    for article_id in article_ids:
        report = build_report(session, session.get(Article, article_id), viewer=actor,
                              language=check_language(language))  # fmt: skip
        digest = fingerprint(report, fmt)
        if session.scalar(_kept(article_id, fmt, digest).with_only_columns(ReportRender.id)):
            continue
        size += printed_size(report, fmt)
        missing.append(RenderJob(article_id, fmt, digest, actor.id, complete, len(report.claims),
                                 report.report_language))  # fmt: skip
    return missing if size > inline_limit else []


def plan_bulk_export(
    session: Session, *, actor, since, until, fmt: str, language=None
) -> list[int]:
    """Choose the articles approved in [since, until] (whole days, UTC) and audit their export.

    The audit events and webhooks are written here, in the caller's transaction; the ZIP
    is rendered afterwards, article by article (``stream_bulk_export``), read-only.
    """
    ids = approved_between(session, actor=actor, since=since, until=until, fmt=fmt)
    language = check_language(language) or settings_of(session).report_language
    for article_id in ids:  # refused before anything is audited or streamed
        _check_publishable(session.get(Article, article_id), fmt)
    head = audit.chain_head(session)
    for article_id in ids:
        last = session.scalar(audit.last_article_event(article_id))
        _record_export(session, actor, article_id, fmt, last, head[1] if head else None, bulk=True,
                       language=language)  # fmt: skip
    return ids


def stream_bulk_export(
    session: Session, *, actor, article_ids: list[int], fmt: str, language=None
) -> Iterator[bytes]:
    """A ZIP of the reports (one file each, plus manifest.json), yielded file by file.

    Nothing is built whole in memory: each report is rendered, written, and its bytes
    sent before the next one is read.
    """
    sink = _Sink()
    manifest = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for article_id in article_ids:
            article = session.get(Article, article_id)
            report = build_report(session, article, viewer=actor, language=language)
            if fmt in KEPT_FORMATS:  # read-only here: a kept file is used, a new one not kept
                rendered, report, _new = _render_or_reuse(session, report, fmt, complete=False)
            else:
                rendered = render(report, fmt)
            zf.writestr(rendered.filename, rendered.content)
            manifest.append({"article_id": article_id, "title": article.title, "file": rendered.filename,
                             "approved_at": iso(article.approved_at), "last_event_hash": report.last_event_hash,
                             "chain_head": {"seq": report.chain_head_seq, "hash": report.chain_head_hash}})  # fmt: skip
            session.expunge_all()  # keep memory flat across many articles
            yield sink.take()
        zf.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": fmt,
                    "language": language or settings_of(session).report_language,
                    "reports": manifest,
                },
                indent=2,
                ensure_ascii=False,
            ),
        )
    yield sink.take()


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream zipfile writes into; take() hands over the bytes so far."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out
