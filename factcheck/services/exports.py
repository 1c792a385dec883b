"""Exports: building a report and auditing the export of a final one."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import Article, ArticleStatus, AuditEvent, WebhookEvent, iso
from ..permissions import Permission, require
from ..reports import build_report
from ..reports.render import FORMATS, Rendered, render
from . import audit, webhooks
from .common import get_article


def check_format(fmt) -> str:
    """One of the report formats, or 422 listing them."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}",
            errors={"format": f"one of {', '.join(FORMATS)}"},
        )
    return fmt


@dataclass(frozen=True)
class ExportRecord:
    """What auditing the export of a final report needs (None for drafts)."""

    article_id: int
    fmt: str
    last_event_hash: str | None
    chain_head_hash: str | None


def render_export(
    session: Session, *, actor, article_id, fmt: str, report_url=None
) -> tuple[Rendered, ExportRecord | None]:
    """Build and render a report, reading only: no write lock is held while rendering.

    Returns the file and, for a final report, the record its export must be audited with
    (``record_export``, in a short write transaction of its own).
    """
    check_format(fmt)
    article = get_article(session, article_id)
    require(actor, Permission.EXPORT, article)
    report = build_report(session, article, viewer=actor, report_url=report_url)
    rendered = render(report, fmt)
    if not report.is_final:
        return rendered, None
    return rendered, ExportRecord(article.id, fmt, report.last_event_hash, report.chain_head_hash)


def record_export(session: Session, *, actor, record: ExportRecord) -> None:
    """Audit the export of a final report (and notify webhooks)."""
    _record_export(
        session,
        actor,
        record.article_id,
        record.fmt,
        record.last_event_hash,
        record.chain_head_hash,
    )


def export_article(session: Session, *, actor, article_id, fmt: str, report_url=None) -> Rendered:
    """Render a report and, when final, audit its export in the caller's transaction."""
    rendered, record = render_export(
        session, actor=actor, article_id=article_id, fmt=fmt, report_url=report_url
    )
    if record is not None:
        record_export(session, actor=actor, record=record)
    return rendered


def _record_export(
    session, actor, article_id, fmt, last_hash, head_hash, bulk: bool = False
) -> None:
    audit.record(session, actor, "report.exported", "article", article_id,
                 article_id=article_id, after={"format": fmt, **({"bulk": True} if bulk else {})})  # fmt: skip
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
            f"{field} must be a date (YYYY-MM-DD)", errors={field: "YYYY-MM-DD"}
        ) from None


def plan_bulk_export(session: Session, *, actor, since, until, fmt: str) -> list[int]:
    """Choose the articles approved in [since, until] (whole days, UTC) and audit their export.

    The audit events and webhooks are written here, in the caller's transaction; the ZIP
    is rendered afterwards, article by article (``stream_bulk_export``), read-only.
    """
    check_format(fmt)
    require(actor, Permission.EXPORT)
    start, end = _day(since, "since"), _day(until, "until")
    if start > end:
        raise InvalidInput(
            "the start of the range is after its end", errors={"since": "after until"}
        )
    lo = datetime.combine(start, time.min, tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    ids = list(session.scalars(
        select(Article.id).where(Article.status == ArticleStatus.APPROVED, Article.approved_at >= lo,
                                 Article.approved_at < hi).order_by(Article.approved_at, Article.id)
    ))  # fmt: skip
    head = audit.chain_head(session)
    for article_id in ids:
        last = session.scalar(select(AuditEvent.hash).where(AuditEvent.article_id == article_id)
                              .order_by(AuditEvent.seq.desc()).limit(1))  # fmt: skip
        _record_export(session, actor, article_id, fmt, last, head[1] if head else None, bulk=True)
    return ids


def stream_bulk_export(
    session: Session, *, actor, article_ids: list[int], fmt: str, report_url=None
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
            url = report_url(article_id) if report_url else None
            report = build_report(session, article, viewer=actor, report_url=url)
            rendered = render(report, fmt)
            zf.writestr(rendered.filename, rendered.content)
            manifest.append({"article_id": article_id, "title": article.title, "file": rendered.filename,
                             "approved_at": iso(article.approved_at), "last_event_hash": report.last_event_hash,
                             "chain_head": {"seq": report.chain_head_seq, "hash": report.chain_head_hash}})  # fmt: skip
            session.expunge_all()  # keep memory flat across many articles
            yield sink.take()
        zf.writestr(
            "manifest.json",
            json.dumps({"format": fmt, "reports": manifest}, indent=2, ensure_ascii=False),
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
