"""HTML blueprints, one per area: parse input, call one service, render or redirect."""

from __future__ import annotations

from flask import Flask


def register_views(app: Flask) -> None:
    from factcheck.views import (
        account,
        admin,
        articles,
        audit,
        auth,
        claims,
        desk,
        discussion,
        exports,
        health,
        notifications,
        queues,
        search,
        webhooks,
    )

    for module in (
        auth,
        account,
        admin,
        articles,
        claims,
        discussion,
        desk,
        audit,
        queues,
        notifications,
        health,
        webhooks,
        exports,
        search,
    ):
        app.register_blueprint(module.bp)
