"""SQLite writers queue on a flock beside the database, not in SQLite's polling busy handler."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import SystemActor
from factcheck.services import audit

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.fixture
def lock_path(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers queue on the audit chain's advisory lock")
    return db.engine.url.database + "-writers"


def _holder(path: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, path, str(seconds)],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout.readline().strip() == "held"
    return proc


def _write() -> float:
    started = time.monotonic()
    with transaction() as s:
        audit.record(s, SystemActor("test"), "user.updated", "user", None)
    return time.monotonic() - started


def test_a_writer_waits_for_the_one_before_it_and_starts_when_it_ends(lock_path):
    _write()  # the lock file exists beside the database once anyone has written
    assert os.path.exists(lock_path)
    holder = _holder(lock_path, 0.6)
    waited = _write()
    holder.wait(5)
    holder.stdout.close()
    assert 0.4 < waited < 3  # waited for the holder, and not for a busy handler's long sleeps
    assert audit.verify_chain(db.session).ok


def test_a_killed_holder_frees_the_queue(lock_path):
    _write()
    holder = _holder(lock_path, 60)
    started = time.monotonic()
    os.kill(holder.pid, signal.SIGKILL)  # kill -9 in the middle of "its transaction"
    holder.wait(5)
    holder.stdout.close()
    assert _write() < 2 and time.monotonic() - started < 5


def test_the_turn_is_taken_at_the_first_write_and_left_at_the_commit(lock_path):
    from factcheck.database import engine as database

    with transaction() as s:
        assert database._queue_held.get() is None  # input checks run before the turn
        audit.record(s, SystemActor("test"), "user.updated", "user", None)
        assert database._queue_held.get() is not None
        # a second write connection in the same unit does not wait for its own turn (that
        # would hang the thread); SQLite's lock answers it instead
        previous = signal.signal(signal.SIGALRM, _timeout)
        signal.setitimer(signal.ITIMER_REAL, 2)
        try:
            database.join_queue(db.engine.url.database)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    assert database._queue_held.get() is None
    assert _write() < 2  # the turn was given back


def _timeout(*_):
    raise TimeoutError("waited for its own turn")
