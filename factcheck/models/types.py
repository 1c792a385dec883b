"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import DateTime
from sqlalchemy import Enum as SAEnum
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Timezone-aware now in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone; PostgreSQL's timestamptz does. Either way the application
    only ever sees aware UTC datetimes, so hashes and comparisons agree on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, microseconds kept when present."""
    if dt is None:
        return None
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def enum_column(enum_cls: type[Enum], name: str) -> SAEnum:
    """A column type for a Python enum: stored as its values (the strings the desk always
    stored) in VARCHAR(16), checked by a CHECK constraint named ck_<table>_<name> by the
    metadata's naming convention."""
    return SAEnum(enum_cls, name=name, native_enum=False, create_constraint=True, length=16,
                  values_callable=lambda members: [m.value for m in members])  # fmt: skip
