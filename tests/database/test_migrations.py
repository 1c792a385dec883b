"""The migrations build exactly the schema the models describe (no drift)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from flask_migrate import Migrate

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_models_and_migrations_agree(app):
    config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
    command.check(config)  # raises if autogenerate would emit any operation


def test_one_head(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
    assert isinstance(app.extensions["migrate"].migrate, Migrate)
