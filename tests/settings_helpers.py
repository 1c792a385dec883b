"""Changing an app's settings in the middle of a test.

Settings are frozen and read once by create_app; a test that needs other values after the
app exists (a port known only once a fake server listens, a switch turned on for one
case) swaps the app's Settings for a changed copy: new app contexts and the sessions they
make read it, and so does the app context and session the test is in.
"""

from __future__ import annotations

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
    (``proxy.FETCH_ALLOWED_PORTS = "80,8080"``, or through ``monkeypatch.setattr``)."""

    def __init__(self, app) -> None:
        object.__setattr__(self, "_app", app)

    def __getattr__(self, name: str):
        return getattr(app_settings(self._app), name)

    def __setattr__(self, name: str, value) -> None:
        override_settings(self._app, **{name: value})
