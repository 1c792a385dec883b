"""`flask run` on PostgreSQL seals the desk's audit events (the development server, `make
run` and the API walkthrough start no gunicorn master and often no worker): the sealer
runs in a thread of the serving process, and FACTCHECK_GUNICORN_SEALER=0 leaves it out."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from livegunicorn import ROOT, VENV_BIN, free_port, http_request, migrate, server_env

from factcheck.extensions import db
from factcheck.services import audit

pytestmark = pytest.mark.skipif(
    not os.environ.get("FACTCHECK_TEST_DATABASE_URL"),
    reason="PostgreSQL only: SQLite seals in the writer",
)
TEXT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"


def _serve(env: dict, log) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([str(VENV_BIN / "flask"), "--app", "factcheck", "run", "--port", str(port), "--no-reload"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http_request(port, "GET", "/healthz", timeout=2)[0] == 200:
                return proc, port
        except OSError:
            pass
        assert proc.poll() is None, "the development server stopped"
        time.sleep(0.2)
    raise AssertionError("the development server did not answer /healthz")


def _unsealed_after_import(env, log, token, wait: float) -> int:
    proc, port = _serve(env, log)
    try:
        status, _h, body = http_request(port, "POST", "/api/v1/articles", {"text": TEXT},
                                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert status == 201, body[:300]
        deadline = time.monotonic() + wait
        while True:
            db.session.rollback()
            left = audit.count_unsealed(db.session)
            if left == 0 or time.monotonic() > deadline:
                return left
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def test_flask_run_seals_and_the_switch_leaves_it_out(app, make_user, token_for, tmp_path):
    token = token_for(make_user("reviewer"))
    env = server_env(
        app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "inst", FACTCHECK_AUDIT_SEALER="sealer"
    )
    db.session.remove()
    migrate(env)
    with open(tmp_path / "off.log", "wb") as log:
        off = {**env, "FACTCHECK_GUNICORN_SEALER": "0"}
        assert _unsealed_after_import(off, log, token, wait=2.0) > 0  # nobody seals
    with open(tmp_path / "on.log", "wb") as log:
        assert (
            _unsealed_after_import(env, log, token, wait=30.0) == 0
        )  # all sealed, the old ones too
