"""The background renderer: renders the files asked for over HTTP (render_requests).

``drain`` renders every request nobody else is rendering, one after another, each in a
short claim, a read-only render and a short write; `flask reports render` calls it, and
``kick`` runs it in one daemon thread of the app process that took the request, so a
desk without `make worker` still gets its long PDFs. Several processes (gunicorn workers,
app servers, the worker) share the queue: a claim is taken by one of them only.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from flask import current_app

from .database import transaction
from .extensions import db
from .reports.render import Rendered
from .services import exports, render_requests
from .services.exports import RenderJob

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
    limit = int(current_app.config["PDF_INLINE_MAX_KIB"]) * 1024
    try:
        rendered, record = exports.render_export(
            db.session, actor=actor, article_id=article_id, fmt=fmt, report_url=report_url,
            inline_limit=limit,
        )  # fmt: skip
    except exports.RenderPending as pending:
        with transaction() as s:
            state = render_requests.request_render(s, pending.job, retry_failed=retry_failed)
        if state.error is not None:
            raise state.failure() from None
        kick(current_app._get_current_object())
        return state
    if record is not None:  # a final report: its export is audited, in a short write
        with transaction() as s:
            exports.record_export(s, actor=actor, record=record)
    return rendered


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
    """Start this process's renderer thread unless it is running (it takes new requests
    before it stops). Off when RENDER_IN_BACKGROUND is false (the tests drain explicitly)."""
    global _thread
    value = app.config.get("RENDER_IN_BACKGROUND", not app.testing)
    if isinstance(value, str):
        value = value.strip().lower() in {"1", "true", "yes", "on"}
    if not value:
        return
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_run, args=(app,), daemon=True, name="factcheck-render")
        _thread.start()


def _run(app) -> None:
    try:
        with app.app_context():
            try:
                drain()
            finally:
                db.session.remove()
    except Exception:  # a background thread has nobody to raise to: log it
        log.exception("the background renderer stopped")


def wait(timeout: float = 120.0) -> bool:
    """Wait for this process's renderer thread (tests); True when it is not running."""
    end = time.monotonic() + timeout
    with _lock:
        thread = _thread
    if thread is not None:
        thread.join(max(end - time.monotonic(), 0))
        return not thread.is_alive()
    return True
