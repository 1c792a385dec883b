"""The review save's fixed statements, run on the connection's driver cursor.

A review save is the desk's most frequent write and runs the same five statements every
time (the token's owner, the claim's state, the review, the claim, the audit event).
SQLAlchemy's execution of a Core statement (the compiled cache look-up, an execution
context, a cursor result with its metadata, the events) costs ~0.12 ms of CPU per
statement on top of the driver's ~0.05 ms, about a fifth of a save's server CPU
(tests/benchmarks/RESULTS.md, issue #21). ``Direct`` compiles one statement once per
dialect with SQLAlchemy's own compiler and runs it with the same bind and result
processors (UTC timestamps, enums, JSON in canonical form, SQLite's booleans), so what
is written and read back is what ``Connection.execute`` writes and reads; on the same
connection and so in the same transaction. Errors go through the connection's own
handler (DBAPIError, disconnects invalidate the connection, as any statement's), and
``before_cursor_execute`` / ``after_cursor_execute`` listeners still see each statement
(the statement-count tests read them).
"""

from __future__ import annotations

import weakref
from collections import namedtuple
from typing import Any

from sqlalchemy.engine import Connection


class Direct:
    """One Core statement, compiled once per dialect, executed on the driver's cursor."""

    __slots__ = ("statement", "column_keys", "_by_dialect")

    def __init__(self, statement, column_keys: list[str] | None = None):
        self.statement = statement
        self.column_keys = column_keys  # an INSERT's columns (one parameter each)
        self._by_dialect: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compiled(self, dialect):
        entry = self._by_dialect.get(dialect)
        if entry is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
            processors = [
                (name, fn) for name, fn in compiled._bind_processors.items() if fn is not None
            ]
            order = tuple(compiled.positiontup) if compiled.positional else None
            columns = [(col[0], col[3]._cached_result_processor(dialect, None))
                       for col in compiled._result_columns]  # fmt: skip
            row = namedtuple("Row", [k for k, _ in columns], rename=True) if columns else None
            results = [fn for _k, fn in columns] if any(fn for _k, fn in columns) else None
            entry = (compiled, compiled.string, processors, order, row, results)
            self._by_dialect[dialect] = entry
        return entry

    def execute(self, conn: Connection, params: dict[str, Any]) -> DirectResult:
        compiled, sql, processors, order, row, results = self._compiled(conn.dialect)
        values = compiled.construct_params(params)
        for name, fn in processors:
            if name in values:
                values[name] = fn(values[name])
        args = tuple(values[name] for name in order) if order is not None else values
        cursor = conn.connection.dbapi_connection.cursor()
        events = conn._has_events or conn.engine._has_events
        try:
            if events:
                for fn in conn.dispatch.before_cursor_execute:
                    fn(conn, cursor, sql, args, None, False)
            cursor.execute(sql, args)
            rows = cursor.fetchall() if cursor.description is not None else []
            rowcount = cursor.rowcount
            if events:
                for fn in conn.dispatch.after_cursor_execute:
                    fn(conn, cursor, sql, args, None, False)
        except BaseException as exc:
            conn._handle_dbapi_exception(exc, sql, args, cursor, None)
        finally:
            cursor.close()
        if row is not None:
            if results is None:
                rows = [row._make(r) for r in rows]
            else:
                rows = [row._make([fn(v) if fn else v for fn, v in zip(results, r, strict=True)])
                        for r in rows]  # fmt: skip
        return DirectResult(rows, rowcount)


class DirectResult:
    """The rows (named tuples: row.column, row._asdict()) and the rowcount."""

    __slots__ = ("rows", "rowcount")

    def __init__(self, rows: list, rowcount: int):
        self.rows, self.rowcount = rows, rowcount

    def all(self) -> list:
        return self.rows

    def first(self):
        return self.rows[0] if self.rows else None

    def scalar(self):
        return self.rows[0][0] if self.rows else None
