"""The /api/v1 blueprint: bearer-token (or cookie + CSRF) auth, JSON in and out.

Each route declares its contract with contract.route; openapi.py documents them."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from factcheck.errors import (
    CSRFFailed,
    NotAuthenticated,
    PermissionDenied,
    TooLarge,
    UnsupportedType,
)
from factcheck.extensions import db
from factcheck.services.users import note_token_use, token_use

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
        use = token_use(db.session, token.strip())
        if use is None:
            raise NotAuthenticated(
                "the token is invalid, revoked or expired, or its account is deactivated"
            )
        g.api_user = use.user  # the session cookie is ignored for bearer requests
        note_token_use(db.engine, use)
        if use.read_only and request.method in UNSAFE:
            raise PermissionDenied("this token is read-only: it cannot change anything")
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


from factcheck.api import (  # noqa: E402,F401
    articles,
    assignments,
    audit,
    claims,
    desk,
    discussion,
    notifications,
    openapi,
    search,
    tokens,
    users,
    versions,
)
