"""The database: engine tuning and the writers' turn (engine.py), the one unit-of-work
helper entry points use (transaction.py), and database errors by code (errors.py)."""

from __future__ import annotations

from factcheck.database.errors import translate_db_error
from factcheck.database.transaction import transaction

__all__ = ["transaction", "translate_db_error"]
