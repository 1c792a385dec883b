"""Small response helpers for the API."""

from __future__ import annotations

from flask import jsonify


def with_etag(payload: dict, version: int, status: int = 200):
    resp = jsonify(payload)
    resp.status_code = status
    resp.headers["ETag"] = f'"{version}"'
    return resp


def paginated(items: list, page: int, per_page: int, total: int):
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})
