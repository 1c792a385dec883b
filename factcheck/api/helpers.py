"""Small response helpers for the API."""

from __future__ import annotations

from flask import jsonify, request

from factcheck.errors import InvalidInput


def with_etag(payload: dict, version: int, status: int = 200):
    resp = jsonify(payload)
    resp.status_code = status
    resp.headers["ETag"] = f'"{version}"'
    return resp


def pagination() -> tuple[int, int]:
    """?page=&per_page= (per_page at most 500), or 422."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise InvalidInput(
            "page and per_page must be integers", errors={"page": "integer"}
        ) from None
    if not 1 <= page <= 1_000_000 or not 1 <= per_page <= 500:
        raise InvalidInput(
            "1 ≤ page ≤ 1,000,000 and 1 ≤ per_page ≤ 500", errors={"per_page": "1..500"}
        )
    return page, per_page


def paginated(items: list, page: int, per_page: int, total: int):
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})
