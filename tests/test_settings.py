"""One frozen Settings per app: read once from FACTCHECK_*, bound to the app's contexts
and sessions, never shared between two apps of one process."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from factcheck import create_app
from factcheck.canonical import canonical_json
from factcheck.extensions import db
from factcheck.services import passwords, reviews, sources
from factcheck.settings import Settings, app_settings, settings_of, using

README = Path(__file__).resolve().parent.parent / "README.md"
LINK = {"url": "https://example.org/a", "title": "A", "stance": "supports"}


# --------------------------------------------------------------------------- reading


def test_the_environment_is_parsed_once_into_typed_fields():
    settings = Settings.from_env({
        "FACTCHECK_MAX_NOTE_CHARS": " 123 ",
        "FACTCHECK_SESSION_COOKIE_SECURE": "on",
        "FACTCHECK_WEBHOOKS_ASYNC": "0",
        "FACTCHECK_FETCH_ALLOWED_PORTS": "80, 8080,",
        "FACTCHECK_FETCH_ALLOWED_ADDRESSES": "10.0.0.0/8,127.0.0.1",
        "FACTCHECK_REQUIRE_TOTP_FOR": "lead, admin",
        "FACTCHECK_DATABASE_URL": "postgres://u@db/desk",
        "FACTCHECK_WORKERS": "4",  # gunicorn's, not the app's: ignored
        "OTHER": "x",
    })  # fmt: skip
    assert settings.MAX_NOTE_CHARS == 123
    assert settings.SESSION_COOKIE_SECURE is True and settings.WEBHOOKS_ASYNC is False
    assert settings.FETCH_ALLOWED_PORTS == (80, 8080)
    assert settings.FETCH_ALLOWED_ADDRESSES == ("10.0.0.0/8", "127.0.0.1")
    assert frozenset({"lead", "admin"}) == settings.REQUIRE_TOTP_FOR
    assert settings.DATABASE_URL == "postgresql+psycopg://u@db/desk"
    assert settings.RENDER_IN_BACKGROUND is False  # off unless asked for: the worker renders


def test_defaults_live_in_settings():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.MAX_LINKS_PER_REVIEW == 50 and settings.FETCH_ALLOWED_PORTS[:2] == (80, 443)
    assert f"sqlite:///{Path(settings.INSTANCE_PATH) / 'factcheck.db'}" == settings.DATABASE_URL


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("MAX_NOTE_CHARS", "lots", "number"),
        ("SESSION_COOKIE_SECURE", "maybe", "switch"),
        ("FETCH_ALLOWED_PORTS", "80,http", "list of numbers"),
        ("FETCH_ALLOWED_ADDRESSES", "10.0.0.0/8,intranet", "not an IP address"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(name, value, says):
    with pytest.raises(ValueError, match=f"FACTCHECK_{name}.*{says}"):
        Settings.from_env({f"FACTCHECK_{name}": value})


def test_settings_are_frozen_and_keep_secrets_out_of_their_repr():
    settings = Settings(SECRET_KEY="s3cret", DATABASE_URL="postgresql://u:pw@db/desk")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.MAX_NOTE_CHARS = 1
    assert "s3cret" not in repr(settings) and "pw@" not in repr(settings)


def test_create_app_splits_settings_from_flask_config(app):
    settings = app_settings(app)
    assert settings.ARGON2_TIME_COST == 1 and settings.ARGON2_MEMORY_COST == 64  # conftest's
    assert app.config["SQLALCHEMY_DATABASE_URI"] == settings.DATABASE_URL
    assert settings.WEBHOOKS_ASYNC is False and settings.RENDER_IN_BACKGROUND is False  # TESTING
    assert "ARGON2_TIME_COST" not in app.config and "MAX_NOTE_CHARS" not in app.config
    assert app.config["MAX_CONTENT_LENGTH"] == settings.MAX_CONTENT_LENGTH
    assert app.config["WTF_CSRF_ENABLED"] is False  # plain Flask configuration passes through


def test_canonical_json_keeps_the_byte_format_stored_hashes_cover():
    value = {"b": [1, {"z": None, "y": True}], "a": "é \u2028", "c": 1.5}
    assert canonical_json(value) == '{"a":"é \u2028","b":[1,{"y":true,"z":null}],"c":1.5}'
    from factcheck.jobs.webhooks import encode
    from factcheck.services.audit import canonical

    assert canonical(value) == encode(value) == canonical_json(value).encode()


# --------------------------------------------------------------------------- two apps


@pytest.fixture
def other_app(app):
    """A second app in this process, on the same database, configured differently."""
    other = create_app({"TESTING": True, "SECRET_KEY": "other", "WTF_CSRF_ENABLED": False,
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 128,
                        "MAX_LINKS_PER_REVIEW": 1, "ORGANISATION": "Other desk",
                        "REQUIRE_TOTP_FOR": "reviewer", "FETCH_ALLOWED_PORTS": "443"})  # fmt: skip
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_apps_in_one_process_do_not_share_settings(app, other_app):
    mine, theirs = app_settings(app), app_settings(other_app)
    assert mine.MAX_LINKS_PER_REVIEW == 50 and theirs.MAX_LINKS_PER_REVIEW == 1
    assert mine.ARGON2_TIME_COST == 1  # making the second app changed nothing of the first
    # the test runs in app's context: its services read app's settings ...
    assert settings_of() is mine and settings_of(db.session) is mine
    assert len(reviews.parse_links([LINK, LINK])) == 2
    assert "$m=64,t=1," in passwords.hash_password("correct-horse-battery")
    assert sources.fetch_policy().allowed_ports == (80, 443, 8080, 8443)
    # ... and inside the other app's context, the other app's
    with other_app.app_context():
        assert settings_of() is theirs and settings_of(db.session) is theirs
        with pytest.raises(Exception, match="at most 1 evidence links"):
            reviews.parse_links([LINK, LINK])
        assert "$m=128,t=2," in passwords.hash_password("correct-horse-battery")
        assert sources.fetch_policy().allowed_ports == (443,)
    assert settings_of() is mine and settings_of(db.session) is mine  # back to the first


def test_two_apps_on_two_threads_each_see_their_own(app, other_app):
    seen: dict[str, object] = {}
    go = threading.Barrier(2)

    def work(name, an_app):
        with an_app.app_context():
            go.wait(5)  # both contexts are pushed at once
            seen[name] = (settings_of().ORGANISATION, settings_of(db.session).ORGANISATION)
            db.session.remove()

    threads = [threading.Thread(target=work, args=("mine", app)),
               threading.Thread(target=work, args=("theirs", other_app))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"mine": ("Factcheck desk",) * 2, "theirs": ("Other desk",) * 2}


def test_two_apps_answer_requests_by_their_own_settings(app, other_app, make_user, token_for):
    """REQUIRE_TOTP_FOR=reviewer on the other app only: the same token, two answers."""
    auth = {"Authorization": f"Bearer {token_for(make_user('reviewer'))}"}
    assert app.test_client().get("/api/v1/me", headers=auth).status_code == 200
    with other_app.app_context():
        resp = other_app.test_client().get("/api/v1/me", headers=auth)
    assert resp.status_code == 403 and "two-step" in resp.get_json()["detail"]
    assert app.test_client().get("/api/v1/me", headers=auth).status_code == 200


def test_each_app_has_its_own_login_manager_and_csrf(app, other_app):
    from factcheck.web.auth import load_user

    assert app.login_manager is not other_app.login_manager
    assert app.login_manager._user_callback is load_user is other_app.login_manager._user_callback
    assert app.extensions["csrf"] is not other_app.extensions["csrf"]
    assert app.extensions["migrate"] is not other_app.extensions["migrate"]


def test_outside_any_app_settings_must_be_given():
    with using(Settings(MAX_UPLOAD_BYTES=3)), pytest.raises(Exception, match="larger than 3"):
        sources.decode_bytes(b"four")
    code = "from factcheck.services import sources; sources.decode_bytes(b'x')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "no settings here" in done.stderr


def test_importing_factcheck_registers_nothing_global():
    code = """
from flask import appcontext_popped, appcontext_pushed
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import factcheck, factcheck.cli, factcheck.database, factcheck.web.auth, factcheck.views
from factcheck.database import engine

for name, fn in (("connect", engine._on_connect), ("begin", engine._on_begin)):
    assert not event.contains(Engine, name, fn), name
assert not event.contains(Session, "after_commit", engine._on_end)
assert not appcontext_pushed.receivers and not appcontext_popped.receivers
app = factcheck.create_app({"TESTING": True, "SECRET_KEY": "x",
                            "SQLALCHEMY_DATABASE_URI": "sqlite://"})
foreign = create_engine("sqlite://")  # an engine that is not the app's is left alone
with foreign.connect() as conn:
    assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
with app.app_context():
    with factcheck.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


# --------------------------------------------------------------------------- README


def _configuration_rows() -> list[tuple[list[str], str]]:
    text = README.read_text("utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`FACTCHECK_"):
            rows.append((re.findall(r"`FACTCHECK_([A-Z0-9_]+)`", cells[0]), cells[1]))
    return rows


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | frozenset):
        return ",".join(map(str, value))
    return str(value)


def test_the_readme_configuration_tables_are_true():
    rows = _configuration_rows()
    documented = [name for names, _ in rows for name in names]
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert sorted(documented) == sorted(fields), "README lists each setting once"
    derived = {"DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH"}  # defaults made at start-up
    for names, default in rows:
        for name in set(names) - derived:
            value = fields[name].default
            if default == "—":
                assert value in ("", (), frozenset()), name
            elif default == "off":
                assert value is False, name
            else:
                assert default == f"`{_shown(value)}`", name
