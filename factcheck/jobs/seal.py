"""The sealer loop (PostgreSQL): one per deployment links new audit events into the chain.

Every app server may run one (`flask worker --loop` starts it in a thread, `flask audit
seal --loop` runs it alone, and gunicorn's master starts `flask audit seal --loop` as a
child, gunicorn.conf.py); they compete for a session-level advisory lock, the lease,
held on a connection of the sealer's own for its life. The holder seals every
AUDIT_SEAL_INTERVAL (services/sealing.py); the others try again every LEASE_RETRY. A
sealer that dies closes its connection, which frees the lease at once; a host that dies
frees it when PostgreSQL notices the dead socket. The lease is only for efficiency:
every pass also takes sealing.PASS_KEY, so two sealers never seal at once, and the
UNIQUE constraints on seq and prev_hash would refuse a fork anyway.

Writers never wait for the sealer, nor the sealer for writers (it reads committed rows
only and updates rows no writer touches): the one desk-wide lock of the old chain is gone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from factcheck.services import sealing
from factcheck.settings import Settings

log = logging.getLogger("factcheck.audit")
LEASE_RETRY = 0.25  # seconds between a standby sealer's attempts at the lease


def needed(engine: Engine) -> bool:
    """SQLite seals in the writer: no sealer there."""
    return engine.dialect.name == "postgresql"


def _take_lease(engine: Engine) -> Connection | None:
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": sealing.LEASE_KEY})
        if got.scalar_one():
            return conn
    except Exception:
        conn.close()
        raise
    conn.close()
    return None


def run(engine: Engine, settings: Settings, *, stop: threading.Event,
        echo: Callable[[str], None] | None = None) -> None:  # fmt: skip
    """Seal until ``stop`` is set: hold the lease, then a pass every AUDIT_SEAL_INTERVAL."""
    lease: Connection | None = None
    try:
        while not stop.is_set():
            try:
                if lease is None:
                    lease = _take_lease(engine)
                    if lease is None:
                        stop.wait(LEASE_RETRY)
                        continue
                    if echo:
                        echo("audit sealer: holding the lease")
                lease.execute(text("SELECT 1"))  # the lease's connection is alive
                count = sealing.seal_all(engine, head_file=settings.AUDIT_HEAD_FILE)
                if count and echo:
                    echo(f"audit sealer: sealed {count}")
            except Exception:  # a lost connection, a restart: drop the lease, try again
                log.exception("audit sealer: pass failed")
                if lease is not None:
                    lease.invalidate()
                    lease = None
                stop.wait(1.0)
                continue
            stop.wait(settings.AUDIT_SEAL_INTERVAL)
    finally:
        if lease is not None:
            lease.close()


def start_thread(engine: Engine, settings: Settings) -> tuple[threading.Thread, threading.Event]:
    """The sealer in a daemon thread of this process (`flask worker --loop`)."""
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(engine, settings), kwargs={"stop": stop},
                              name="audit-sealer", daemon=True)  # fmt: skip
    thread.start()
    return thread, stop


_dev_started = threading.Lock()


def attach_to_dev_server(app) -> None:
    """`flask run` (the development server, `make run`, the API walkthrough) on PostgreSQL:
    the sealer in a daemon thread of the serving process, as gunicorn's master and
    `flask worker --loop` start theirs, so that `audit verify` finds the desk's events
    sealed. It starts at the first request, in the process that serves (the reloader's
    watching parent never serves); the lease keeps it to one sealer per database, and
    FACTCHECK_GUNICORN_SEALER=0 leaves it out here too."""
    import os

    if os.environ.get("FACTCHECK_GUNICORN_SEALER") == "0":
        return

    def start_once() -> None:
        if not _dev_started.locked() and _dev_started.acquire(blocking=False):  # once per process
            from factcheck.extensions import db
            from factcheck.settings import settings_of

            if needed(db.engine):
                start_thread(db.engine, settings_of())
                log.info("audit sealer started beside the development server")

    app.before_request(start_once)
