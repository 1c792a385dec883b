"""PDF renders in the background (the ``render`` job kind), and asking for them.

``export_or_request`` and ``bulk_pending`` serve the web page and the API: the file, or
(a PDF too long to render within the request) a render request with its job, written in
a short transaction of its own (services.render_requests). The worker renders it as the
viewer who asked sees it, in three steps (jobs.worker): the claim, the render (read-only:
no write lock while WeasyPrint works) and one write that keeps the file and closes the
request. At most ``MAX_RUNNING`` renders run at once over every worker (WeasyPrint holds
about 1.3 GB for a 1,000-claim PDF); the worker also keeps the desk's final report of
each approved article (``schedule``), so that its first export is served at once.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flask import current_app
from sqlalchemy.orm import Session

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs.queue import ClaimedJob
from factcheck.jobs.worker import Handler
from factcheck.reports.render import Rendered
from factcheck.services import exports, render_requests
from factcheck.services.exports import KeptRender
from factcheck.settings import app_settings

MAX_RUNNING = 2  # renders at once, over every worker and app process


def export_or_request(
    actor, article_id: int, fmt: str, *, retry_failed: bool, language=None
) -> Rendered | render_requests.RequestState:
    """An export for the web page and the API: the file, or (a PDF too long to render within
    the request) the request for it, queued for the background renderer.

    A final report's export is audited when the file is served. A request whose render
    failed raises ``RenderFailed`` (after it is removed, so that the next ask starts
    afresh) unless ``retry_failed``, which queues it again.
    """
    export = partial(exports.render_export, db.session, actor=actor, article_id=article_id,
                     fmt=fmt, language=language)  # fmt: skip
    try:
        rendered, record = export(inline_limit=app_settings(current_app).PDF_INLINE_MAX_KIB * 1024)
    except exports.RenderPending as pending:
        with transaction() as s:
            state = render_requests.request_render(s, pending.job, retry_failed=retry_failed)
        if state is None:  # kept while this request read: serve the kept file
            rendered, record = export()
        elif state.error is not None:
            raise state.failure() from None
        else:
            return state
    if record is not None:  # a final report: its export is audited, in a short write
        with transaction() as s:
            exports.record_export(s, actor=actor, record=record)
    return rendered


def bulk_pending(
    actor, *, since, until, fmt: str, retry_failed: bool, language=None
) -> list[render_requests.RequestState]:
    """Before a bulk export streams its ZIP: ask for the files it would otherwise render
    while streaming, when together they are too long for one request (PDF_INLINE_MAX_KIB).
    [] when the ZIP can stream now. Failed renders as for ``export_or_request``."""
    limit = app_settings(current_app).PDF_INLINE_MAX_KIB * 1024
    ids = exports.approved_between(db.session, actor=actor, since=since, until=until, fmt=fmt)
    jobs = exports.bulk_renders_missing(
        db.session, actor=actor, article_ids=ids, fmt=fmt, inline_limit=limit, language=language
    )
    if not jobs:
        return []
    with transaction() as s:
        states = render_requests.request_renders(s, jobs, retry_failed=retry_failed)
    states = [state for state in states if state is not None]  # None: kept meanwhile
    failed = next((state for state in states if state.error is not None), None)
    if failed is not None:
        raise failed.failure()
    return states


class RenderHandler(Handler):
    kind = render_requests.KIND
    max_running = MAX_RUNNING
    # The app process starts a renderer process (`flask worker --kind render`): not a
    # thread of the web worker, which would keep WeasyPrint's memory and hold the GIL.
    in_app_setting, in_app = "RENDER_IN_BACKGROUND", "process"

    def run(self, session: Session, job: ClaimedJob) -> KeptRender | None:
        request = render_requests.request_for_job(session, job.payload)
        if request is None:
            return None
        return render_requests.render_job(session, request, language=job.payload.get("language"))

    def done(self, session: Session, job: ClaimedJob, kept: KeptRender | None, *,
             now: datetime) -> str:  # fmt: skip
        render_requests.finish(session, job.payload, kept)
        what = f"article {job.payload['article_id']}: {job.payload['fmt']}"
        if kept is None:
            return f"{what}: nothing to keep (kept already, or the article changed)"
        return f"{what} rendered in {kept.render_ms} ms ({len(kept.content):,} bytes)"

    def schedule(self, session: Session, *, now: datetime) -> int:
        return render_requests.request_final_renders(session)


HANDLER = RenderHandler()
