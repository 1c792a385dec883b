"""URL converters: ids in routes stay within the database's integer range (a larger one
is a 404, never an overflow error from the database)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter


class IdConverter(IntegerConverter):
    """`<int:id>` limited to 1 … 2**31-1."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
