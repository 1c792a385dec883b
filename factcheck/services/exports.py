"""Exports: building a report and auditing the export of a final one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..models import WebhookEvent
from ..permissions import Permission, require
from ..reports import build_report
from ..reports.render import FORMATS, Rendered, render
from . import audit, webhooks
from .common import get_article


def export_article(session: Session, *, actor, article_id, fmt: str, report_url=None) -> Rendered:
    """Render an article's report; exporting a final report is audited."""
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}",
            errors={"format": f"one of {', '.join(FORMATS)}"},
        )
    article = get_article(session, article_id)
    require(actor, Permission.EXPORT, article)
    report = build_report(session, article, viewer=actor, report_url=report_url)
    rendered = render(report, fmt)
    if report.is_final:
        audit.record(session, actor, "report.exported", "article", article.id,
                     article_id=article.id, after={"format": fmt})  # fmt: skip
        webhooks.enqueue(session, WebhookEvent.REPORT_EXPORTED, {
            "article_id": article.id, "format": fmt, "exported_by": getattr(actor, "display_name", None),
            "last_event_hash": report.last_event_hash, "chain_head_hash": report.chain_head_hash,
        })  # fmt: skip
    return rendered
