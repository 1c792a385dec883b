"""Long reports rendered in the background instead of within the request.

WeasyPrint takes about a minute for a 1,000-claim PDF, longer than a web worker may spend
on a request (gunicorn's timeout kills it). A PDF that is not kept and prints more than the
app's ``PDF_INLINE_MAX_KIB`` is asked for instead (``request_render``, one row per report
content); a renderer claims the oldest request (``claim_next``), renders the report as the
viewer who asked sees it (``render_job``, read-only and outside any write lock) and keeps
the file (``finish``), or records why it could not (``fail``). The web page polls a status
page, the API answers 202 until the file is kept; then the ordinary export serves it.

Requests and kept files are derived data, not desk state: no audit event (the export of a
final report is audited when it is downloaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from factcheck.errors import RenderFailed
from factcheck.models import RenderRequest, ReportRender, User, utcnow
from factcheck.permissions import Permission, require
from factcheck.reports import build_report
from factcheck.reports.render import fingerprint
from factcheck.services.common import get_article
from factcheck.services.exports import KeptRender, RenderJob, keep_render, render_to_keep

# A claim older than this is taken to belong to a renderer that died (its process was
# killed or restarted): another renderer may take the request over. Far above any render.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class RequestState:
    """What the "being prepared" page and the API's 202 say of a request."""

    id: int
    article_id: int
    fmt: str
    claims: int
    requested_at: datetime
    started_at: datetime | None
    error: str | None

    @property
    def state(self) -> str:
        return "failed" if self.error else "rendering" if self.started_at else "queued"

    def failure(self) -> RenderFailed | None:
        """The error to raise for a request that failed (after the caller's commit)."""
        if self.error is None:
            return None
        return RenderFailed(
            f"The {self.fmt.upper()} could not be rendered ({self.error}). Ask for it again to retry."
        )


def _state(row: RenderRequest) -> RequestState:
    return RequestState(row.id, row.article_id, row.fmt, row.claims, row.requested_at,
                        row.started_at, row.error)  # fmt: skip


def request_render(session: Session, job: RenderJob, *, retry_failed: bool) -> RequestState | None:
    """The request for this report content, made if there is none (in the caller's write);
    None if the file was kept meanwhile (a renderer finished after the caller looked).

    A request whose render failed is queued again when ``retry_failed`` (someone asked
    again from the web page); otherwise it is removed, so that the next ask starts
    afresh, and its state says why it failed (raise ``state.failure()`` after the commit).
    """
    if session.scalar(select(ReportRender.id).where(*_same(job, ReportRender))):
        return None
    row = session.scalar(select(RenderRequest).where(*_same(job)))
    if row is None:
        row = RenderRequest(
            article_id=job.article_id, fmt=job.fmt, fingerprint=job.fingerprint,
            viewer_id=job.viewer_id, complete=job.complete, claims=job.claims,
        )  # fmt: skip
        session.add(row)
        session.flush()
    elif row.error is not None and retry_failed:
        row.error, row.started_at, row.requested_at = None, None, utcnow()
        session.flush()
    elif row.error is not None:
        state = _state(row)
        session.delete(row)
        session.flush()
        return state
    return _state(row)


def get_request(
    session: Session, *, actor, article_id: int, request_id: int
) -> RequestState | None:
    """A request of this article, for its status page; None once the file is kept."""
    article = get_article(session, article_id)
    require(actor, Permission.EXPORT, article)
    row = session.scalar(
        select(RenderRequest).where(
            RenderRequest.id == request_id, RenderRequest.article_id == article.id
        )
    )
    return None if row is None else _state(row)


def requests_for(session: Session, *, article_ids: list[int], fmt: str) -> list[RequestState]:
    """The open requests for these articles' files in ``fmt`` (a bulk export's status)."""
    if not article_ids:
        return []
    rows = session.scalars(
        select(RenderRequest)
        .where(RenderRequest.article_id.in_(article_ids), RenderRequest.fmt == fmt)
        .order_by(RenderRequest.requested_at, RenderRequest.id)
    )
    return [_state(row) for row in rows]


def claim_next(session: Session) -> RenderJob | None:
    """Take the oldest request nobody renders (or whose renderer died), in the caller's
    write; None when there is none. Two renderers never take the same request: the claim
    is a conditional UPDATE, and writers take turns."""
    now = utcnow()
    free = or_(RenderRequest.started_at.is_(None), RenderRequest.started_at < now - STALE_AFTER)
    candidates = session.execute(
        select(RenderRequest.id, RenderRequest.article_id, RenderRequest.fmt,
               RenderRequest.fingerprint, RenderRequest.viewer_id, RenderRequest.complete,
               RenderRequest.claims)
        .where(free, RenderRequest.error.is_(None))
        .order_by(RenderRequest.requested_at, RenderRequest.id)
        .limit(5)
    ).all()  # fmt: skip
    for row in candidates:  # PostgreSQL: another renderer may have taken one meanwhile
        claimed = session.execute(
            update(RenderRequest).where(RenderRequest.id == row.id, free).values(started_at=now)
        ).rowcount
        if claimed == 1:
            return RenderJob(row.article_id, row.fmt, row.fingerprint, row.viewer_id,
                             row.complete, row.claims)  # fmt: skip
    return None


def render_job(session: Session, job: RenderJob) -> KeptRender | None:
    """Render the requested file, reading only (no write lock while WeasyPrint works).

    None when there is nothing to keep: the file is kept already, or the article changed
    since it was asked for (the requester's next poll asks for the new content)."""
    viewer = session.get(User, job.viewer_id)
    article = get_article(session, job.article_id)
    report = build_report(session, article, viewer=viewer)
    if viewer is None or fingerprint(report, job.fmt) != job.fingerprint:
        return None
    return render_to_keep(session, report, job.fmt, complete=job.complete)


def finish(session: Session, job: RenderJob, kept: KeptRender | None) -> None:
    """Keep the rendered file and close the request (in the caller's write)."""
    if kept is not None:
        keep_render(session, kept)
    session.execute(delete(RenderRequest).where(*_same(job)))


def fail(session: Session, job: RenderJob, error: BaseException) -> None:
    """Record why the render failed, for the requester's next poll (in the caller's write)."""
    message = f"{type(error).__name__}: {error}"[:500]
    session.execute(update(RenderRequest).where(*_same(job)).values(error=message))


def _same(job: RenderJob, model=RenderRequest):
    return (
        model.article_id == job.article_id,
        model.fmt == job.fmt,
        model.fingerprint == job.fingerprint,
    )
