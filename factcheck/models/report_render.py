"""Rendered report files kept per report state, for formats too slow to render per request.

A PDF of a large article takes WeasyPrint tens of seconds; the desk exports the same final
report many times. A row holds the file rendered from one exact report content (the
fingerprint covers everything the file prints except the moment it was generated and the
chain head then), with that moment and head, which the file prints and the export's audit
event and webhook repeat. Rows are derived data, not desk state: storing or pruning one
changes no review, so it writes no audit event (the export itself is audited).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.job import Job
from factcheck.models.types import UTCDateTime, utcnow


class _OneReportContent:
    """One article's report in one format, as one exact content: the fingerprint is the
    sha256 of everything the file prints (reports.render.fingerprint)."""

    @declared_attr.directive
    def __table_args__(cls):  # a constraint object of each table's own
        return (UniqueConstraint("article_id", "fmt", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    fmt: Mapped[str] = mapped_column(String(16))
    fingerprint: Mapped[str] = mapped_column(String(64))


class ReportRender(_OneReportContent, db.Model):
    __tablename__ = "report_renders"

    last_event_hash: Mapped[str | None] = mapped_column(String(64))  # the article's, at render
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # as printed in the file
    chain_head_seq: Mapped[int | None]
    chain_head_hash: Mapped[str | None] = mapped_column(String(64))
    render_ms: Mapped[int] = mapped_column(Integer)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RenderRequest(_OneReportContent, db.Model):
    """A file to render in the background: asked for over HTTP and too long to render
    within the request, or the desk's final report of an approved article (the worker
    keeps those ahead of the first export).

    The request answers at once (202, "being prepared"); its ``job`` (kind ``render``)
    is claimed by a worker, which renders the report as ``viewer`` sees it (the desk's
    complete report when there is none), keeps the file (a ``ReportRender`` of the same
    fingerprint) and deletes the request. Whether it is queued, rendering or failed (and
    why) is its job's. One request per report content: two people asking for the same
    file share one render. Derived data like the kept files: no audit event.
    """

    __tablename__ = "render_requests"

    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    complete: Mapped[bool]  # the viewer sees every review: the desk's own report
    claims: Mapped[int] = mapped_column(Integer)  # for the "being prepared" page
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)

    job: Mapped[Job] = relationship()
