"""Long reports rendered in the background instead of within the request.

WeasyPrint takes about a minute for a 1,000-claim PDF, longer than a web worker may spend
on a request (gunicorn's timeout kills it). A PDF that is not kept and prints more than the
app's ``PDF_INLINE_MAX_KIB`` is asked for instead (``request_renders``: one request per
report content, with its job of kind ``render``); a worker renders the report as the viewer
who asked sees it (``render_job``, read-only and outside any write lock) and keeps the file
(``finish``). Whether a request is queued, rendering or failed, and why, is its job's. The
web page polls a status page, the API answers 202 until the file is kept; then the
ordinary export serves it. The worker also asks for the desk's final report of every
approved article that has none kept (``request_final_renders``), so that its first export
is served at once.

Limits: at most ``MAX_OPEN_PER_VIEWER`` files waiting for one person (more is refused,
429, until some are kept; one bulk export may queue all of its files at once), and one
request per report content (two people asking for the same file share one render); how
many render at once is the render kind's (jobs/render.py).

Requests and kept files are derived data, not desk state: no audit event (the export of a
final report is audited when it is downloaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from factcheck.errors import N_, Msg, RateLimited, RenderFailed, TooLarge
from factcheck.jobs import queue
from factcheck.models import Job, JobStatus, RenderRequest, ReportRender, User, utcnow
from factcheck.permissions import Permission, require
from factcheck.reports import build_report
from factcheck.reports.render import fingerprint
from factcheck.services.common import get_article
from factcheck.services.exports import (
    KeptRender,
    RenderJob,
    keep_render,
    pending_renders,
    render_to_keep,
)
from factcheck.settings import settings_of

KIND = "render"  # the job kind that renders a request (jobs/render.py)
# Runs of one request: one, and another if its worker died during the first (a render
# that fails is not retried by itself; asking again from the web page does).
MAX_ATTEMPTS = 2
MAX_OPEN_PER_VIEWER = 20
OPEN = (JobStatus.QUEUED, JobStatus.RUNNING)


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
            N_("The %(format)s could not be rendered (%(error)s). Ask for it again to retry.",
               format=self.fmt.upper(), error=Msg(self.error))  # a stored text
        )  # fmt: skip


def _state(row: RenderRequest) -> RequestState:
    job = row.job
    return RequestState(
        row.id, row.article_id, row.fmt, row.claims, job.created_at,
        job.started_at if job.status == JobStatus.RUNNING else None,
        (job.last_error or N_("the render failed")) if job.status == JobStatus.FAILED else None,
    )  # fmt: skip


def _requests():
    return select(RenderRequest).options(joinedload(RenderRequest.job))


def _new_job(session: Session, job: RenderJob) -> Job:
    payload = {"article_id": job.article_id, "fmt": job.fmt, "fingerprint": job.fingerprint,
               "language": job.language}  # fmt: skip
    return queue.enqueue(session, KIND, payload, max_attempts=MAX_ATTEMPTS)


def request_renders(
    session: Session, jobs: list[RenderJob], *, retry_failed: bool
) -> list[RequestState | None]:
    """The request for each report content, made if there is none (in the caller's write);
    None for a file kept meanwhile (a renderer finished after the caller looked).

    A request whose render failed is queued again when ``retry_failed`` (someone asked
    again from the web page); otherwise it is removed, so that the next ask starts
    afresh, and its state says why it failed (raise ``state.failure()`` after the commit).
    Refused (RateLimited) when this asks for new files while the viewer already waits for
    ``MAX_OPEN_PER_VIEWER``.
    """
    _check_size(session, [job for job in jobs if job.viewer_id is not None])
    kept = [session.scalar(select(ReportRender.id).where(*_same(job, ReportRender))) is not None
            for job in jobs]  # fmt: skip
    rows = [None if k else session.scalars(_requests().where(*_same(job))).first()
            for job, k in zip(jobs, kept, strict=True)]  # fmt: skip
    anew = {job.viewer_id for job, k, row in zip(jobs, kept, rows, strict=True)
            if not k and (row is None or (row.job.status == JobStatus.FAILED and retry_failed))}  # fmt: skip
    if anew - {None}:
        _check_open(session, anew - {None})
    states: list[RequestState | None] = []
    for job, k, row in zip(jobs, kept, rows, strict=True):
        if k:
            states.append(None)
            continue
        if row is None:
            row = RenderRequest(article_id=job.article_id, fmt=job.fmt, fingerprint=job.fingerprint,
                                viewer_id=job.viewer_id, complete=job.complete, claims=job.claims,
                                job=_new_job(session, job))  # fmt: skip
            session.add(row)
        elif row.job.status == JobStatus.FAILED and retry_failed:
            row.job = _new_job(session, job)  # the failed job stays, as the record of it
        elif row.job.status == JobStatus.FAILED:
            states.append(_state(row))
            session.delete(row)
            continue
        session.flush()
        states.append(_state(row))
    session.flush()
    return states


def _over_cap(session: Session, job: RenderJob) -> bool:
    return job.fmt == "pdf" and job.claims > settings_of(session).PDF_MAX_CLAIMS


def _check_size(session: Session, jobs: list[RenderJob]) -> None:
    """The size cap of a background PDF (WeasyPrint holds about 1.3 GB per 1,000 claims)."""
    big = next((job for job in jobs if _over_cap(session, job)), None)
    if big is not None:
        cap = settings_of(session).PDF_MAX_CLAIMS
        raise TooLarge(
            N_(
                "a PDF of %(claims)s claims is over the desk's cap of %(cap)s claims; export it as HTML, Markdown or JSON instead",
                claims=big.claims,
                cap=cap,
            )
        )


def _check_open(session: Session, viewers: set[int]) -> None:
    waiting = session.scalar(
        select(func.count()).select_from(RenderRequest).join(Job, Job.id == RenderRequest.job_id)
        .where(RenderRequest.viewer_id.in_(viewers), Job.status.in_(OPEN))
    )  # fmt: skip
    if waiting >= MAX_OPEN_PER_VIEWER:
        raise RateLimited(
            N_(
                "%(waiting)s files you asked for are still waiting to be rendered; ask again when some of them are ready",
                waiting=waiting,
            )
        )


def request_render(session: Session, job: RenderJob, *, retry_failed: bool) -> RequestState | None:
    """``request_renders`` for one file."""
    return request_renders(session, [job], retry_failed=retry_failed)[0]


def get_request(
    session: Session, *, actor, article_id: int, request_id: int
) -> RequestState | None:
    """A request of this article, for its status page; None once the file is kept."""
    article = get_article(session, article_id)
    require(actor, Permission.EXPORT, article)
    row = session.scalars(
        _requests().where(RenderRequest.id == request_id, RenderRequest.article_id == article.id)
    ).first()
    return None if row is None else _state(row)


def requests_for(session: Session, *, article_ids: list[int], fmt: str) -> list[RequestState]:
    """The open requests for these articles' files in ``fmt`` (a bulk export's status)."""
    if not article_ids:
        return []
    rows = session.scalars(
        _requests()
        .where(RenderRequest.article_id.in_(article_ids), RenderRequest.fmt == fmt)
        .order_by(RenderRequest.id)
    )
    return [_state(row) for row in rows]


def request_for_job(session: Session, payload: dict) -> RenderRequest | None:
    """The request a render job renders (by its report content); None once it is gone."""
    return session.scalar(
        select(RenderRequest).where(
            RenderRequest.article_id == payload["article_id"],
            RenderRequest.fmt == payload["fmt"],
            RenderRequest.fingerprint == payload["fingerprint"],
        )
    )


def render_job(session: Session, request: RenderRequest, *, language=None) -> KeptRender | None:
    """Render the requested file, reading only (no write lock while WeasyPrint works).

    None when there is nothing to keep: the file is kept already, or the article changed
    since it was asked for (the requester's next poll asks for the new content).
    ``language``: the report's words, as its job's payload names them."""
    viewer = None if request.viewer_id is None else session.get(User, request.viewer_id)
    article = get_article(session, request.article_id)
    report = build_report(session, article, viewer=viewer, language=language)
    if (request.viewer_id is not None and viewer is None) or fingerprint(
        report, request.fmt
    ) != request.fingerprint:
        return None
    return render_to_keep(session, report, request.fmt, complete=request.complete)


def finish(session: Session, payload: dict, kept: KeptRender | None) -> None:
    """Keep the rendered file and close the request (in the caller's write)."""
    if kept is not None:
        keep_render(session, kept)
    session.execute(
        delete(RenderRequest).where(
            RenderRequest.article_id == payload["article_id"],
            RenderRequest.fmt == payload["fmt"],
            RenderRequest.fingerprint == payload["fingerprint"],
        )
    )


def request_final_renders(session: Session, *, fmt: str = "pdf", limit: int = 5) -> int:
    """Ask for the desk's final report of approved articles that have none kept of their
    current state and no request of the desk's yet (in the caller's write); how many.

    A desk request that failed stays (the failure is the job's) until someone asks for
    the file: the worker does not render it again by itself."""
    asked = select(RenderRequest.article_id).where(
        RenderRequest.viewer_id.is_(None), RenderRequest.fmt == fmt
    )
    count = 0
    for article_id in pending_renders(session, fmt=fmt, limit=limit, without=asked):
        report = build_report(session, get_article(session, article_id), viewer=None)
        job = RenderJob(article_id, fmt, fingerprint(report, fmt), None, True, len(report.claims),
                        report.report_language)  # fmt: skip
        if _over_cap(session, job):  # recorded as failed, so the next pass looks further on
            row = RenderRequest(article_id=job.article_id, fmt=job.fmt, fingerprint=job.fingerprint,
                                viewer_id=None, complete=True, claims=job.claims, job=_new_job(session, job))  # fmt: skip
            row.job.status, row.job.finished_at = JobStatus.FAILED, utcnow()
            row.job.last_error = f"over the PDF cap of {settings_of(session).PDF_MAX_CLAIMS} claims"
            session.add(row)
            session.flush()
            continue
        if request_render(session, job, retry_failed=False) is not None:
            count += 1
    return count


def _same(job: RenderJob, model=RenderRequest):
    return (
        model.article_id == job.article_id,
        model.fmt == job.fmt,
        model.fingerprint == job.fingerprint,
    )
