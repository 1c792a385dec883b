"""gunicorn settings for Factcheck (picked up automatically from the repository root).

    .venv/bin/gunicorn wsgi:app

Environment (all optional):
  FACTCHECK_BIND     host:port to listen on                   (default 127.0.0.1:8000)
  FACTCHECK_WORKERS  worker processes                         (default 2: see below)
  FACTCHECK_THREADS  threads per worker; > 1 uses gthread     (default 1: sync workers)
  FACTCHECK_TIMEOUT  seconds before a silent worker is killed (default 30)
  FACTCHECK_PRELOAD  0: each worker imports the app itself  (default 1: see below)

Workers: one sync worker per core (2 on the 2-core reference machine). A review save is
CPU-bound Python (Flask, SQLAlchemy, JSON, SHA-256 of the audit event) plus one short
write transaction; writes take turns anyway (SQLite: one writer, queued on a flock
beside the database; PostgreSQL: the audit chain's advisory lock). A third worker only
competes for the two cores with the worker holding the turn, which then holds it longer:
measured 174-177 saves/s with 3 workers against 205-209 with 2 (RESULTS.md, session 3).
Requests beyond the worker count wait in the kernel's accept queue, first come, first
served. gthread keeps connections alive but pins each to one worker: with 1 thread 216
saves/s at a p95 of 200 ms (sync: 118 ms), with 2 threads (FACTCHECK_THREADS=2) 174/s.
tests/benchmarks/bench_desk.py --workers N measures other counts (see RESULTS.md).

Preloading: the master imports the app once, loads the language models
(factcheck.text.language.warm) and freezes its heap (gc.freeze), then forks; the
workers share those pages instead of each holding its own copy. Measured with
tests/benchmarks/bench_desk.py (RESULTS.md, 2026-12-07): per worker after the load 88 ->
51 MiB PSS, the whole server 173 -> 148 MiB. post_fork below disposes of any engine
inherited from the master, so no database connection is shared across a fork (HOSTILE
FLT-12 runs --preload -w 4 with a master that used the database). A preloaded server
loads new code on a restart, not on SIGHUP: deploy with a restart.
"""

from __future__ import annotations

import os

bind = os.environ.get("FACTCHECK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FACTCHECK_WORKERS", "2"))
threads = int(os.environ.get("FACTCHECK_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("FACTCHECK_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # seconds (gthread only; sync workers close after each response)
backlog = 2048
preload_app = os.environ.get("FACTCHECK_PRELOAD", "1") != "0"
# Headers and request line limits stay at gunicorn's defaults; the app caps bodies itself
# (MAX_CONTENT_LENGTH, 413).
accesslog = os.environ.get("FACTCHECK_ACCESS_LOG") or None  # "-" for standard output
errorlog = "-"
loglevel = os.environ.get("FACTCHECK_LOG_LEVEL", "info")


def post_fork(server, worker):
    """Never share a pooled connection across fork (matters only with preload_app).

    Read the effective setting, not this file's default: `gunicorn --preload` (or
    GUNICORN_CMD_ARGS) switches preloading on without changing the `preload_app` above,
    and workers that kept the master's pooled connections shared one database socket
    (PostgreSQL: "can't change 'autocommit' now", 500s; HOSTILE FLT-12).
    """
    if not server.cfg.preload_app:
        return
    try:
        from factcheck.extensions import db

        app = getattr(server, "app", None)
        wsgi = app.wsgi() if app is not None else None
        # Only an app registered with the extension has an engine to drop (the benchmarks'
        # floor_app.py runs under these settings too, with its own driver connection).
        if "sqlalchemy" in getattr(wsgi, "extensions", {}):
            with wsgi.app_context():
                db.engine.dispose(close=False)
    except Exception:  # noqa: BLE001 - never keep a worker from starting over this
        server.log.exception("post_fork: could not dispose of the inherited engine")


def pre_fork(server, worker):
    """With preload_app: freeze the master's start-up heap before the first fork, so the
    workers' garbage collections never write to (and so copy) the pages they share."""
    import gc

    if server.cfg.preload_app and gc.get_freeze_count() == 0:  # once: the first fork
        from factcheck.text.language import warm

        warm()  # the language models: ~20 MiB read-only, one copy for every worker
        gc.collect()
        gc.freeze()


def post_worker_init(worker):
    """Take everything the worker loaded at start-up (modules, the app, SQLAlchemy's
    mappers and caches) out of the garbage collector's scans.

    Full collections walk every tracked object; with the start-up heap in them, building a
    1,000-claim report spent a third of its time in the collector (446 -> 170 ms with the
    start-up objects frozen; tests/benchmarks/bench_exports.py freezes the same way).
    """
    import gc

    gc.collect()
    gc.freeze()


_sealer = {}


def when_ready(server):
    """PostgreSQL: start the audit sealer beside the workers (docs/audit-design.md).

    Writers leave their audit events unsealed; `factcheck audit seal --loop` links them
    into the chain within about a second. Every app server starts one; they share a lease
    in the database, so exactly one seals and the others stand by. A deployment that runs
    `flask worker --loop` has one there too; FACTCHECK_GUNICORN_SEALER=0 leaves it out.
    SQLite seals in the writer: nothing to start.
    """
    import subprocess
    import sys

    url = os.environ.get("FACTCHECK_DATABASE_URL", "")
    if not url.startswith("postgres") or os.environ.get("FACTCHECK_GUNICORN_SEALER") == "0":
        return
    code = "from factcheck.cli import main; main()"
    _sealer["process"] = subprocess.Popen([sys.executable, "-c", code, "audit", "seal", "--loop"])
    server.log.info("audit sealer started (pid %s)", _sealer["process"].pid)


def on_exit(server):
    process = _sealer.pop("process", None)
    if process is not None:
        process.terminate()
        try:
            process.wait(5)
        except Exception:  # noqa: BLE001 - the sealer holds nothing a restart cannot redo
            process.kill()
