"""Factcheck: a fact-checking desk. create_app() wires configuration, extensions,
blueprints and commands; nothing else lives here."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from factcheck.config import load_config
from factcheck.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application (FACTCHECK_* environment, then test_config overrides)."""
    instance_path = os.environ.get("FACTCHECK_INSTANCE_PATH") or str(ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from factcheck.web.converters import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is registered
    app.config.update(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    if app.config.get("ENV_NAME", os.environ.get("FACTCHECK_ENV")) == "production" and app.debug:
        raise RuntimeError("refusing to start: debug mode is on with FACTCHECK_ENV=production")

    from factcheck.limits import LIMITS
    from factcheck.services import passwords
    from factcheck.web import auth  # noqa: F401  (registers the user loader)

    LIMITS.update_from(app.config)
    passwords.configure(int(app.config["ARGON2_TIME_COST"]), int(app.config["ARGON2_MEMORY_COST"]))

    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        # A file on this machine cannot drop a connection: pinging it cost a query per request.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"], pool_pre_ping=False)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    csrf.init_app(app)

    if int(app.config.get("PROXY_FIX_X_FOR", 0) or 0):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_X_FOR"]), x_proto=1)

    from factcheck import cli, web
    from factcheck.api import bp as api_bp
    from factcheck.jobs import inline
    from factcheck.views import register_views

    web.init_app(app)
    register_views(app)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API checks CSRF itself for cookie-authenticated writes
    cli.init_app(app)
    inline.init_app(app)  # jobs the app process runs itself, when configured
    return app
