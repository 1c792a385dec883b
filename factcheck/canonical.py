"""The one serialisation of JSON the desk stores and hashes. No Flask, no database."""

from __future__ import annotations

import json


def canonical_json(value) -> str:
    """Sorted keys, no spaces, UTF-8 kept (not \\u-escaped).

    JSON columns are stored in this form, the audit chain hashes it and webhook bodies are
    signed over it: changing a byte of it breaks every stored hash, so it lives here once.
    """
    return _CANONICAL.encode(value)


# What json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds
# on every call, built once (the same encoder, so the same bytes).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
