"""The /api/v1 blueprint: bearer-token (or cookie + CSRF) auth, JSON in and out."""

from __future__ import annotations

from flask import Blueprint, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..errors import CSRFFailed, InvalidInput, NotAuthenticated, UnsupportedType
from ..extensions import csrf, db
from ..services.users import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC = {"api.create_token", "api.openapi", "api.report_schema"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
BODY_TYPES = {"application/json", "multipart/form-data"}


@bp.before_request
def _authenticate():
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("use Authorization: Bearer <token>")
        user = user_for_token(db.session, token.strip())
        if user is None:
            raise NotAuthenticated("the token is invalid, revoked, or its account is deactivated")
        g.api_user = user  # the session cookie is ignored for bearer requests
    elif request.endpoint not in PUBLIC:
        if not current_user.is_authenticated:
            raise NotAuthenticated("sign in or send Authorization: Bearer <token>")
        if request.method in UNSAFE:
            try:
                csrf.protect()  # cookie-authenticated writes need X-CSRFToken (HOSTILE §2.4)
            except CSRFError as exc:
                raise CSRFFailed(f"CSRF token missing or invalid: {exc.description}") from None
    from ..web import require_second_factor

    refused = require_second_factor()  # bearer users are known only now
    if refused is not None:
        return refused
    has_body = request.content_length or request.headers.get("Transfer-Encoding")
    if request.method in UNSAFE and has_body and request.mimetype not in BODY_TYPES:
        raise UnsupportedType("send application/json (or multipart/form-data to upload a file)")


def json_body() -> dict:
    """The request's JSON object, or a 422 naming what is wrong."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput(
            "the request body must be a JSON object", errors={"body": "JSON object expected"}
        )
    return data


def only(data: dict, allowed: set[str]) -> dict:
    """Refuse unknown fields (no mass assignment)."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidInput(
            f"unknown field(s): {', '.join(unknown)}", errors={k: "unknown field" for k in unknown}
        )
    return data


def version_from(data: dict):
    """The client's version: body field, else If-Match."""
    if data.get("version") is not None:
        return data["version"]
    return request.headers.get("If-Match") or None


from . import articles, assignments, audit, claims, openapi, tokens, users  # noqa: E402,F401
