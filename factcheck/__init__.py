"""Factcheck: a fact-checking desk. create_app() builds one app in named steps; importing
this package registers nothing anywhere (each step works on the app it is given)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from flask import Flask, appcontext_popped, appcontext_pushed, current_app, has_app_context

from factcheck.extensions import db
from factcheck.settings import Settings, app_settings, bind, instance_secret_key

ROOT = Path(__file__).resolve().parent.parent


def N_(message: str) -> str:
    """Marks a text for the catalogs (pybabel extract) without translating it here."""
    return message


def create_app(
    test_config: Mapping[str, object] | None = None, *, migrations: bool = True
) -> Flask:
    """Build the application: FACTCHECK_* environment, then ``test_config`` (settings by
    their field names, anything else is Flask configuration). ``migrations=False`` (the
    WSGI entry point: gunicorn's workers) leaves Flask-Migrate out: importing it and
    Alembic costs each worker 11 MiB it never uses (`flask db` runs in its own process)."""
    overrides, flask_config = Settings.partition(test_config or {})
    settings = Settings.from_env(os.environ, overrides)
    app = Flask(
        __name__,
        instance_path=settings.INSTANCE_PATH,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    register_config(app, settings, flask_config)
    register_extensions(app, migrations=migrations)
    register_i18n(app)
    register_database(app)
    register_middleware(app)
    register_request_handling(app)
    register_blueprints(app)
    register_commands(app)
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true":  # `flask run`: the development server
        from factcheck.jobs import seal

        seal.attach_to_dev_server(app)
    return app


def register_config(app: Flask, settings: Settings, flask_config: Mapping[str, object]) -> None:
    """The settings (with the instance secret key if none is set), stored on it and bound to its contexts; the
    Flask configuration derived from them (then ``flask_config`` on top)."""
    if not settings.SECRET_KEY:
        settings = replace(settings, SECRET_KEY=instance_secret_key(app.instance_path))
    app.config.update(settings.flask_config())
    app.config.update(flask_config)
    if settings.ENV == "production" and app.debug:
        raise RuntimeError("refusing to start: debug mode is on with FACTCHECK_ENV=production")
    app.extensions["factcheck"] = settings
    appcontext_pushed.connect(_bind_settings, app)
    appcontext_popped.connect(_bind_outer_settings, app)


def _bind_settings(app: Flask, **_kw) -> None:
    bind(app_settings(app))  # settings_of() in this context answers with this app's


def _bind_outer_settings(_app: Flask, **_kw) -> None:
    outer = current_app.extensions.get("factcheck") if has_app_context() else None
    bind(outer)  # the context popped back to (another app's, or none)


def register_extensions(app: Flask, *, migrations: bool = True) -> None:
    """Flask-SQLAlchemy, and this app's own Flask-Migrate, Flask-Login and CSRF protection."""
    from flask_login import LoginManager
    from flask_wtf import CSRFProtect

    from factcheck.web.auth import load_user

    db.init_app(app)
    if migrations:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(ROOT / "migrations"))
    login = LoginManager(app)
    login.user_loader(load_user)
    login.login_view = "auth.login"
    login.login_message = N_("Please sign in to continue.")  # translated when flashed
    login.login_message_category = "info"
    from flask_babel import gettext

    login.localize_callback = gettext
    CSRFProtect(app)


def register_i18n(app: Flask) -> None:
    """The pages' language (Flask-Babel): the person's, the browser's, the desk's."""
    from factcheck.web import i18n

    i18n.init_app(app)


def register_database(app: Flask) -> None:
    """Tune the app's engines (SQLite pragmas, BEGIN IMMEDIATE for writers) and let its
    sessions leave the SQLite writers' turn right after they commit."""
    from factcheck.database import engine

    with app.app_context():
        for each in db.engines.values():
            engine.install(each)
    engine.watch(db.session)


def register_middleware(app: Flask) -> None:
    """Client addresses from the trusted reverse proxies in front, if any."""
    proxies = app_settings(app).PROXY_FIX_X_FOR
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=1)


def register_request_handling(app: Flask) -> None:
    """Request ids, audit context, security headers, errors as HTML or problem+json; the
    cookie sessions that skip their work for requests without a cookie (bearer tokens)."""
    from factcheck import web
    from factcheck.web.sessions import CookieSessions

    app.session_interface = CookieSessions()
    web.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The HTML pages and the /api/v1 blueprint (which checks CSRF itself)."""
    from factcheck.api import bp as api_bp
    from factcheck.views import register_views
    from factcheck.web.converters import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is registered
    register_views(app)
    app.register_blueprint(api_bp)
    app.extensions["csrf"].exempt(api_bp)  # cookie-authenticated API writes: api/__init__.py


def register_commands(app: Flask) -> None:
    from factcheck import cli

    cli.init_app(app)
    from factcheck.jobs import inline

    inline.init_app(app)  # jobs the app process runs itself, when configured
