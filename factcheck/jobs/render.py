"""The background renderer: renders the files asked for over HTTP (render_requests).

``drain`` renders every request nobody else is rendering, one after another, each in a
short claim, a read-only render and a short write; `flask reports render` calls it, and
``kick`` starts that command (`--asked`) from the app process that took the request, so a
desk without `make worker` still gets its long PDFs. Several processes (gunicorn workers,
app servers, the worker) share the queue: a claim is taken by one of them only.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import partial

from flask import current_app

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.reports.render import Rendered
from factcheck.services import exports, render_requests
from factcheck.services.exports import RenderJob
from factcheck.settings import app_settings

log = logging.getLogger(__name__)


def export_or_request(
    actor, article_id: int, fmt: str, *, report_url: str, retry_failed: bool
) -> Rendered | render_requests.RequestState:
    """An export for the web page and the API: the file, or (a PDF too long to render within
    the request) the request for it, queued for the background renderer.

    A final report's export is audited when the file is served. A request whose render
    failed raises ``RenderFailed`` (after it is removed, so that the next ask starts
    afresh) unless ``retry_failed``, which queues it again.
    """
    export = partial(exports.render_export, db.session, actor=actor, article_id=article_id,
                     fmt=fmt, report_url=report_url)  # fmt: skip
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
            kick(current_app._get_current_object())
            return state
    if record is not None:  # a final report: its export is audited, in a short write
        with transaction() as s:
            exports.record_export(s, actor=actor, record=record)
    return rendered


def bulk_pending(
    actor, *, since, until, fmt: str, retry_failed: bool
) -> list[render_requests.RequestState]:
    """Before a bulk export streams its ZIP: ask for the files it would otherwise render
    while streaming, when together they are too long for one request (PDF_INLINE_MAX_KIB).
    [] when the ZIP can stream now. Failed renders as for ``export_or_request``."""
    limit = app_settings(current_app).PDF_INLINE_MAX_KIB * 1024
    ids = exports.approved_between(db.session, actor=actor, since=since, until=until, fmt=fmt)
    jobs = exports.bulk_renders_missing(
        db.session, actor=actor, article_ids=ids, fmt=fmt, inline_limit=limit
    )
    if not jobs:
        return []
    with transaction() as s:
        states = [render_requests.request_render(s, job, retry_failed=retry_failed) for job in jobs]
    states = [state for state in states if state is not None]  # None: kept meanwhile
    failed = next((state for state in states if state.error is not None), None)
    if failed is not None:
        raise failed.failure()
    if states:
        kick(current_app._get_current_object())
    return states


@dataclass
class Drained:
    kept: list[tuple[RenderJob, int]] = field(default_factory=list)  # (job, render ms)
    dropped: list[RenderJob] = field(default_factory=list)  # kept already, or the article changed
    failed: list[tuple[RenderJob, str]] = field(default_factory=list)


def drain(limit: int | None = None) -> Drained:
    """Render requested files until none is left (or ``limit``), in the app context."""
    out = Drained()
    while limit is None or len(out.kept) + len(out.dropped) + len(out.failed) < limit:
        with transaction() as s:
            job = render_requests.claim_next(s)
        if job is None:
            break
        try:
            kept = render_requests.render_job(db.session, job)
            db.session.rollback()  # end the read before the write
            with transaction() as s:
                render_requests.finish(s, job, kept)
        except Exception as exc:  # noqa: BLE001 - recorded for the requester, and logged
            log.exception("rendering %s of article %s failed", job.fmt, job.article_id)
            db.session.rollback()
            with transaction() as s:
                render_requests.fail(s, job, exc)
            out.failed.append((job, f"{type(exc).__name__}: {exc}"))
            continue
        if kept is None:
            out.dropped.append(job)
        else:
            out.kept.append((job, kept.render_ms))
    return out


_lock = threading.Lock()
_thread: threading.Thread | None = None


def kick(app) -> None:
    """Start a renderer for this process unless its last one is still running: a child
    process (`flask reports render --asked`) that renders every asked-for file nobody else
    renders and exits. Not a thread of the web worker: WeasyPrint holds about 1.3 GB for a
    1,000-claim PDF, which a long-lived worker would keep, and it would hold the GIL the
    worker's requests need. Off when RENDER_IN_BACKGROUND is false (tests drain
    explicitly; with `make worker` running, leave long renders to it)."""
    global _thread
    if not app_settings(app).RENDER_IN_BACKGROUND:
        return
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": app.instance_path,
           "FACTCHECK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}  # fmt: skip
    command = [sys.executable, "-m", "flask", "--app", "factcheck", "reports", "render", "--asked"]
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_run, args=(command, env), daemon=True,
                                   name="factcheck-render")  # fmt: skip
        _thread.start()


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run the renderer process and wait for it (so it is reaped), logging a failure."""
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError:
        log.exception("could not start the background renderer")
        return
    if result.returncode != 0:
        log.error("the background renderer exited with %s: %s", result.returncode,
                  (result.stdout + result.stderr)[-2000:])  # fmt: skip


def wait(timeout: float = 120.0) -> bool:
    """Wait for this process's renderer (tests); True when it is not running."""
    end = time.monotonic() + timeout
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join(max(end - time.monotonic(), 0))
        return not thread.is_alive()
    return True
