"""A live gunicorn on a test's database, for the tests that need real worker processes.

Used by the hostile plan's live cases (``live_server`` in tests/hostile/conftest.py),
FLT-12's ``--preload`` server (tests/hostile/test_concurrency.py) and the two app servers
on one PostgreSQL (tests/test_two_app_servers.py). The server runs in its own process
group, so ``stop()`` ends the master and every worker.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
APP = "wsgi:app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_request(port: int, method: str, path: str, body=None, headers=None, timeout=30.0):
    """One request on a fresh connection: (status, headers dict, body bytes).

    A dict or list body is sent as JSON."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, dict(resp.getheaders()), data
    finally:
        conn.close()


def server_env(database_uri: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment of a server on ``database_uri`` (a SQLAlchemy URI or a plain URL),
    with cheap password hashing so that sign-ins do not dominate the tests."""
    instance.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "FACTCHECK_DATABASE_URL": database_uri.replace("postgresql+psycopg://", "postgresql://"),
        "FACTCHECK_INSTANCE_PATH": str(instance),
        "FACTCHECK_SECRET_KEY": "test-secret",
        "FACTCHECK_ARGON2_TIME_COST": "1",
        "FACTCHECK_ARGON2_MEMORY_COST": "64",
        **extra,
    }


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade` on the server's database, as an operator runs it."""
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "factcheck", "db", "upgrade"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


class Gunicorn:
    """``gunicorn -w <workers> <args> <app>`` on a free loopback port, logging to ``log``."""

    def __init__(self, env: dict, log: Path, *, workers: int = 1, args=(), app: str = APP):
        self.port, self.log, self.workers = free_port(), log, workers
        with open(log, "wb") as fh:
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                 *args, app],
                cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def wait_ready(self, timeout: float = 30) -> Gunicorn:
        """Wait for /healthz to answer 200 and every worker to be forked (a preloading
        master forks them one after another: the first answers before the last exists);
        raise with the log's tail if that never happens."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if (
                    http_request(self.port, "GET", "/healthz", timeout=2)[0] == 200
                    and len(self.worker_pids()) >= self.workers
                ):
                    return self
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("gunicorn did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.1)

    def request(self, method, path, body=None, headers=None, token=None, timeout=30.0):
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        return http_request(self.port, method, path, body, hdrs, timeout)

    def worker_pids(self) -> list[int]:
        """The master's live workers: its children that gunicorn logged booting as a
        worker. Not every child: PostgreSQL's when_ready starts the audit sealer beside
        them, and between its fork and its exec it even looks like one; counted, it let
        wait_ready return before the last worker had booted, which a test then took for a
        restart (IMP-07 on PostgreSQL)."""
        booted = {int(p) for p in re.findall(r"Booting worker with pid: (\d+)",
                                             self.log.read_text(errors="replace"))}  # fmt: skip
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)],
                             capture_output=True, text=True, check=False).stdout  # fmt: skip
        return [int(p) for p in out.split() if int(p) in booted]

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
