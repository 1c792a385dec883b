"""Changing an app's settings in the middle of a test.

Settings are frozen and read once by create_app; a test that needs other values after the
app exists (a port known only once a fake server listens, a switch turned on for one
case) swaps the app's Settings for a changed copy: new app contexts and the sessions they
make read it, and so does the app context and session the test is in.
"""

from __future__ import annotations

from dataclasses import fields

from flask import current_app, has_app_context

from factcheck.extensions import db
from factcheck.settings import SESSION_KEY, Settings, app_settings, bind


def override_settings(app, **changes) -> Settings:
    """Give ``app`` a copy of its settings with ``changes`` (parsed as from FACTCHECK_*)."""
    app = getattr(app, "_get_current_object", lambda: app)()  # current_app is a proxy
    new = app_settings(app).changed(**changes)
    app.extensions["factcheck"] = new
    if has_app_context() and current_app._get_current_object() is app:
        bind(new)
        db.session.info[SESSION_KEY] = new
    return new


class SettingsProxy:
    """An app's settings as attributes; assigning one overrides it for that app
    (``proxy.FETCH_ALLOWED_PORTS = "80,8080"``, or through ``monkeypatch.setattr``, which
    puts the old value back at the end: each field is a property)."""

    def __init__(self, app) -> None:
        self._app = app


def _field(name: str) -> property:
    return property(
        lambda proxy: getattr(app_settings(proxy._app), name),
        lambda proxy, value: override_settings(proxy._app, **{name: value}),
    )


for _f in fields(Settings):
    setattr(SettingsProxy, _f.name, _field(_f.name))
