"""The /api/v1 blueprint: bearer-token (or cookie + CSRF) auth, JSON in and out."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from factcheck.errors import CSRFFailed, InvalidInput, NotAuthenticated, TooLarge, UnsupportedType
from factcheck.extensions import db
from factcheck.services.users import user_for_token

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
                csrf = current_app.extensions["csrf"]  # this app's CSRFProtect
                csrf.protect()  # cookie-authenticated writes need X-CSRFToken (HOSTILE §2.4)
            except CSRFError as exc:
                raise CSRFFailed(f"CSRF token missing or invalid: {exc.description}") from None
    from factcheck.web import require_second_factor

    refused = require_second_factor()  # bearer users are known only now
    if refused is not None:
        return refused
    _refuse_oversized_chunked_body()
    has_body = request.content_length or request.headers.get("Transfer-Encoding")
    if request.method in UNSAFE and has_body and request.mimetype not in BODY_TYPES:
        raise UnsupportedType("send application/json (or multipart/form-data to upload a file)")


def _refuse_oversized_chunked_body() -> None:
    """A chunked body has no Content-Length to refuse early; the stream stops at the limit
    (MAX_CONTENT_LENGTH), so a body that fills the limit is refused whole with 413."""
    if (
        request.content_length is None
        and "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    ):
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        if limit and len(request.get_data(cache=True)) >= limit:
            raise TooLarge(f"the request body is larger than {limit} bytes")


def json_body() -> dict:
    """The request's JSON object, or a 422 naming what is wrong (413 when too large)."""
    try:
        data = request.get_json(silent=False)
    except RequestEntityTooLarge:
        raise  # 413, also for chunked bodies without a Content-Length
    except BadRequest:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput(
            "the request body must be a JSON object", errors={"body": "JSON object expected"}
        )
    bad = _not_unicode(data)
    if bad is not None:
        raise InvalidInput(f"{bad} is not valid Unicode text", errors={bad: "invalid Unicode"})
    return data


def _not_unicode(value, path: str = "body") -> str | None:
    """The first field holding a string UTF-8 cannot encode (JSON allows a lone surrogate)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _not_unicode(item, str(key) if path == "body" else f"{path}.{key}")
        if found:
            return found
    return None


def only(data: dict, allowed: set[str]) -> dict:
    """Refuse unknown fields (no mass assignment)."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidInput(
            f"unknown field(s): {', '.join(unknown)}", errors={k: "unknown field" for k in unknown}
        )
    return data


_TYPE_NAMES = {str: "a string", bool: "true or false"}


def typed(data: dict, types: dict[str, type]) -> dict:
    """Refuse fields present with another JSON type than the document's (null included):
    services read None as "not given", so `"active": null` would otherwise pass as a no-op."""
    wrong = {
        k: f"must be {_TYPE_NAMES[t]}"
        for k, t in types.items()
        if k in data and not isinstance(data[k], t)
    }
    if wrong:
        raise InvalidInput(f"wrong type: {', '.join(sorted(wrong))}", errors=wrong)
    return data


def version_from(data: dict):
    """The client's version: body field, else If-Match."""
    if data.get("version") is not None:
        return data["version"]
    return request.headers.get("If-Match") or None


from factcheck.api import articles, assignments, audit, claims, openapi, tokens, users  # noqa: E402,F401
