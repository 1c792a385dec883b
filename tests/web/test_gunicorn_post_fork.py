"""gunicorn.conf.py's post_fork: drops the engine a preloaded master left behind, and keeps
quiet for an app that is not Factcheck (the benchmarks' floor_app.py runs under the same
settings; it logged a traceback per worker before)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def _conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_test", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Log:
    def __init__(self):
        self.errors: list[str] = []

    def exception(self, message, *args):
        self.errors.append(message % args if args else message)


def _server(wsgi):
    return SimpleNamespace(
        cfg=SimpleNamespace(preload_app=True), app=SimpleNamespace(wsgi=lambda: wsgi), log=_Log()
    )


def test_post_fork_leaves_an_app_without_the_extension_alone():
    server = _server(Flask("floor"))
    _conf().post_fork(server, None)
    assert server.log.errors == []


def test_post_fork_disposes_of_the_factcheck_engine(app, monkeypatch):
    from factcheck.extensions import db

    with app.app_context():
        engine = db.engine
    calls = []
    monkeypatch.setattr(type(engine), "dispose", lambda self, close=True: calls.append(close))
    server = _server(app)
    _conf().post_fork(server, None)
    assert server.log.errors == []
    assert calls == [False]
