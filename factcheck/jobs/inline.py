"""Jobs run by the app process that queued them, when configured (a desk without a worker).

Off by default: `flask worker` (``make worker``) runs every job. A kind's setting
(``Handler.in_app_setting``) turns it on for that kind, for a desk that runs no worker,
and for tests that check the sends and renders as they happen:

- ``WEBHOOKS_ASYNC``: when a commit queues webhook jobs, a thread of this process runs
  those jobs at once (at most ``SLOTS`` such threads at a time), so the request never
  waits for a receiver; retries still need the worker.
- ``RENDER_IN_BACKGROUND``: when a commit queues render jobs, this process starts one
  renderer process (`flask worker --kind render --queued-only`) unless its previous one
  still runs; it renders every queued render job and exits, giving WeasyPrint's memory
  back (about 1.3 GB for a 1,000-claim PDF).

Either way the job is claimed like any other (jobs.queue): whichever of a kick and a
worker claims it first runs it, once.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections import defaultdict

from sqlalchemy import event
from sqlalchemy.orm import Session

from factcheck.jobs import worker
from factcheck.models import Job
from factcheck.settings import app_settings

log = logging.getLogger("factcheck.jobs")

_NEW = "factcheck_new_jobs"
SLOTS = 4  # kick threads sending at once per process


def _after_flush(session: Session, _context) -> None:
    new = [(o.kind, o.id) for o in session.new if isinstance(o, Job)]
    if new:
        session.info.setdefault(_NEW, []).extend(new)


def _after_rollback(session: Session) -> None:
    session.info.pop(_NEW, None)  # a rolled-back change runs nothing


def _after_commit(session: Session) -> None:
    new = session.info.pop(_NEW, None)
    if not new or worker.in_worker.get():  # a worker runs what it queues itself
        return
    from flask import current_app, has_app_context

    if not has_app_context():
        return
    app = current_app._get_current_object()
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, job_id in new:
        by_kind[kind].append(job_id)
    for kind, ids in by_kind.items():
        handler = worker.handlers().get(kind)
        if handler is None or not handler.in_app_setting:
            continue
        if not getattr(app_settings(app), handler.in_app_setting):
            continue
        if handler.in_app == "thread":
            _threads.start(app, kind, sorted(ids))
        else:
            _process.start(app, kind)


class _Threads:
    """The kick threads of this process: each runs the jobs one commit queued."""

    def __init__(self):
        self.running: set[threading.Thread] = set()
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(SLOTS)

    def start(self, app, kind: str, ids: list[int]) -> None:
        thread = threading.Thread(target=self._run, args=(app, kind, ids), daemon=True,
                                  name=f"factcheck-{kind}-kick")  # fmt: skip
        with self.lock:
            self.running.add(thread)
        thread.start()

    def _run(self, app, kind: str, ids: list[int]) -> None:
        try:
            with self.slots:
                worker.run(app, kinds=[kind], ids=ids)
        except Exception:  # a background thread has nobody to raise to: log it
            log.exception("running %s jobs %s in the app process failed", kind, ids)
        finally:
            with self.lock:
                self.running.discard(threading.current_thread())

    def wait(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while True:
            with self.lock:
                running = list(self.running)
            if not running:
                return True
            for thread in running:
                thread.join(max(end - time.monotonic(), 0))
            if time.monotonic() >= end:
                with self.lock:
                    return not self.running


class _Process:
    """This process's renderer child: one at a time, started again if jobs were queued
    while it ran (it may have looked for them already)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.again = False

    def start(self, app, kind: str) -> None:
        env = {**os.environ, "FACTCHECK_INSTANCE_PATH": app.instance_path,
               "FACTCHECK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}  # fmt: skip
        command = [sys.executable, "-m", "flask", "--app", "factcheck", "worker",
                   "--kind", kind, "--queued-only"]  # fmt: skip
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                self.again = True
                return
            self.again = False
            self.thread = threading.Thread(target=self._run, args=(command, env), daemon=True,
                                           name=f"factcheck-{kind}-process")  # fmt: skip
            self.thread.start()

    def _run(self, command: list[str], env: dict[str, str]) -> None:
        """Run the child and wait for it (so it is reaped), logging a failure; again if
        asked meanwhile."""
        while True:
            try:
                result = subprocess.run(command, env=env, capture_output=True, text=True,
                                        check=False)  # fmt: skip
            except OSError:
                log.exception("could not start %s", " ".join(command))
                return
            if result.returncode != 0:
                log.error("%s exited with %s: %s", " ".join(command), result.returncode,
                          (result.stdout + result.stderr)[-2000:])  # fmt: skip
            with self.lock:
                if not self.again:
                    return
                self.again = False

    def wait(self, timeout: float) -> bool:
        with self.lock:
            thread = self.thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True


_threads = _Threads()
_process = _Process()


def wait(timeout: float = 30.0) -> bool:
    """Wait for this process's kicks and renderer (tests, shutdown); True when none is left."""
    end = time.monotonic() + timeout
    return _threads.wait(timeout) and _process.wait(max(end - time.monotonic(), 0))


def init_app(app) -> None:
    """Watch commits for new jobs (once per process; each app decides by its settings)."""
    for name, fn in (("after_flush", _after_flush), ("after_commit", _after_commit),
                     ("after_rollback", _after_rollback)):  # fmt: skip
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
