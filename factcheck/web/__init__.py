"""Request-wide behaviour: request ids and audit context, security headers, and the one
place domain errors become HTTP (HTML pages, or problem+json under /api/)."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from factcheck.errors import FactcheckError, ReauthRequired, problem_type
from factcheck.services import audit

log = logging.getLogger("factcheck")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def is_api() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str, *, slug: str | None = None, **extra):
    """An RFC 9457 problem+json response: a registered type (errors.PROBLEM_TYPES) with the
    desk's title, or about:blank with the status's own phrase (HTTP errors)."""
    kind = problem_type(slug) if slug else "about:blank"
    body = {"type": kind, "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    if g.get("request_id"):
        body["request_id"] = g.request_id
    resp = jsonify(body)
    resp.status_code = status
    resp.content_type = "application/problem+json"
    return resp


def _before_request() -> None:
    g.pop("api_user", None)  # who a bearer token belongs to is decided anew for every request
    rid = request.headers.get("X-Request-ID", "")
    g.request_id = rid if _REQUEST_ID.match(rid) else uuid.uuid4().hex
    ua = request.headers.get("User-Agent", "")[:500]
    g.audit_token = audit.set_context(
        request_id=g.request_id, client_addr=request.remote_addr, user_agent=ua or None
    )


TOTP_SETUP_ENDPOINTS = {
    "account.index",
    "account.totp_start",
    "account.totp_setup",
    "account.reauth",
    "auth.logout",
    "static",
}


def require_second_factor():
    """Where the desk requires it for a role, nothing but the set-up works until it is on."""
    from factcheck.permissions import Permission, can, why_not

    if is_api() and request.headers.get("Authorization") and g.get("api_user") is None:
        return None  # a bearer request: the API checks its token's owner once it is known
    user = g.get("api_user") or (current_user if current_user.is_authenticated else None)
    if user is None or can(user, Permission.USE_DESK) or request.endpoint in TOTP_SETUP_ENDPOINTS:
        return None
    if is_api():
        return problem(
            403,
            "Two-step sign-in required",
            why_not(user, Permission.USE_DESK),
            slug="two-step-required",
        )
    return redirect(url_for("account.index") + "#two-step")


def _teardown(_exc) -> None:
    token = g.pop("audit_token", None)
    if token is not None:
        audit.reset_context(token)


_SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def _security_headers(resp):
    """Each header unless the view set its own (one pass over the response's headers,
    not one per header: this runs on every request)."""
    h = resp.headers
    present = {key.lower() for key, _value in h.items()}
    wanted = list(_SECURITY_HEADERS)
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    if not request.path.startswith("/static/"):
        wanted.append(("Cache-Control", "no-store"))
    rid = g.get("request_id")
    if rid:
        wanted.append(("X-Request-ID", rid))
    for key, value in wanted:
        if key.lower() not in present:
            h.add(key, value)
    if resp.status_code == 401 and "www-authenticate" not in present:  # RFC 9110 §15.5.2
        h.add("WWW-Authenticate", 'Bearer realm="factcheck"')
    return resp


def _where_you_were() -> str:
    """The page to come back to after re-authenticating: this one for a GET, the form's
    page (the same-site Referer) for a POST."""
    from urllib.parse import urlsplit

    from factcheck.web.auth import safe_next

    if request.method == "GET":
        return safe_next(request.full_path.rstrip("?")) or url_for("account.index")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return url_for("account.index")
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path) or url_for("account.index")


def _secure_cookies(resp):
    """With secure cookies configured, every Set-Cookie is Secure: Flask-Login's deletion of
    the remember cookie is not, and a browser ignores an insecure __Host- cookie, so that
    sign-out would leave the old cookie in place (HOSTILE §4.6)."""
    if not current_app.config.get("SESSION_COOKIE_SECURE"):
        return resp
    cookies = resp.headers.getlist("Set-Cookie")
    if cookies and any("; Secure" not in c for c in cookies):
        resp.headers.remove("Set-Cookie")
        for cookie in cookies:
            resp.headers.add("Set-Cookie", cookie if "; Secure" in cookie else cookie + "; Secure")
    return resp


def _domain_error(exc: FactcheckError):
    if isinstance(exc, ReauthRequired) and not is_api():
        return redirect(url_for("account.reauth", next=_where_you_were()))
    if exc.status == 403:  # a security-relevant refusal: one log line each (ASVS 16.3.2)
        who = getattr(g.get("api_user") or current_user, "email", "anonymous")
        log.warning("permission denied: %s %s by %s (%s) request %s", request.method,
                    request.path, who, exc.detail, g.get("request_id"))  # fmt: skip
    extra = dict(exc.extra)
    headers = {}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    if "current_version" in extra:
        headers["ETag"] = f'"{extra["current_version"]}"'
    if is_api():
        resp = problem(exc.status, exc.title, exc.detail, slug=exc.slug, errors=exc.errors, **extra)
        resp.headers.update(headers)
        return resp
    return (
        render_template("errors/error.html", status=exc.status, title=exc.title, detail=exc.detail),
        exc.status,
        headers,
    )


def _id_out_of_range(exc: HTTPException) -> bool:
    """A 405 that is really a 404: an id outside the `int` converter's range (1 … 2**31-1).

    Werkzeug compares a rule's methods before it runs the rule's converters, so PATCH
    /claims/99999999999 (whose GET rule also exists) would say 405 "Allow: GET" although
    PATCH is allowed for every claim that exists. When the same path with small ids
    matches a route for this method, the method is fine and only the id is not.
    """
    if not isinstance(exc, MethodNotAllowed) or request.url_rule is not None:
        return False
    adapter = current_app.create_url_adapter(request)
    try:
        adapter.match(re.sub(r"\d+", "1", request.path), method=request.method)
    except HTTPException:
        return False
    return True


def _http_error(exc: HTTPException):
    if _id_out_of_range(exc):
        exc = NotFound()
    if is_api():
        resp = problem(exc.code or 500, exc.name, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            resp.headers["Allow"] = ", ".join(exc.valid_methods)
        return resp
    title, detail = HTTP_TEXTS.get(exc.code, (exc.name, None))
    if detail is None or exc.description != type(exc).description:  # abort(code, "why")
        detail = exc.description
    return render_template(
        "errors/error.html", status=exc.code, title=title, detail=detail
    ), exc.code


# The error pages' words for Werkzeug's own answers (its titles and texts are English).
HTTP_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Not signed in"), _l("Sign in to see this page.")),
    403: (_l("Forbidden"), _l("You may not see this page.")),
    404: (_l("Not found"), _l("There is no such page here: the address may be mistyped, or "
                              "what it showed was removed.")),
    405: (_l("Method not allowed"), _l("This page does not take that kind of request.")),
    413: (_l("Payload too large"), _l("What you sent is too large.")),
    429: (_l("Too many requests"), _l("Too many requests: wait a moment and try again.")),
}  # fmt: skip


def _csrf_error(exc: CSRFError):
    if is_api():
        return problem(400, "CSRF token missing or invalid", exc.description, slug="csrf-failed")
    return render_template("errors/error.html", status=400, title=_("Form expired"),
                           detail=_("The form was stale or incomplete (CSRF check failed). Go back, reload the page and try again.")), 400  # fmt: skip


def _database_error(exc: DBAPIError):
    """A database error outside a unit of work (e.g. a read), by its code: a lost
    connection, a busy or full database are 503s; anything unknown is a 500."""
    from factcheck.database.errors import classify
    from factcheck.extensions import db

    db.session.rollback()
    mapped = classify(exc)
    return _domain_error(mapped) if mapped is not None else _server_error(exc)


def _server_error(exc: Exception):
    log.exception("unhandled error (request %s)", g.get("request_id"))
    detail = "Something went wrong on our side; nothing was saved. Quote this request id: "
    detail += g.get("request_id", "-")
    if is_api():
        return problem(500, "Internal server error", detail, slug="server-error")
    return render_template(
        "errors/error.html", status=500, title=_("Server error"),
        detail=_("Something went wrong on our side; nothing was saved. Quote this request id: %(id)s",
                 id=g.get("request_id", "-")),
    ), 500  # fmt: skip


def init_app(app: Flask) -> None:
    app.before_request(_before_request)
    app.before_request(require_second_factor)
    app.teardown_request(_teardown)
    app.after_request(_security_headers)
    app.after_request(_secure_cookies)
    app.register_error_handler(FactcheckError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(Exception, _server_error)

    @app.context_processor
    def _globals():
        from factcheck.models import ArticleStatus, ClaimStatus, Verdict
        from factcheck.models.vocabulary import stance_contradicts
        from factcheck.permissions import Permission, can, why_not
        from factcheck.text.splitting.model import SPEAKER_UNCLEAR

        def user_can(permission: str, obj=None) -> bool:
            return current_user.is_authenticated and can(current_user, Permission[permission], obj)

        def user_why_not(permission: str, obj=None) -> str | None:
            if not current_user.is_authenticated:
                return None
            return why_not(current_user, Permission[permission], obj)

        def queue_count() -> str:
            """The badge: what needs me, "99+" past the cap (the queue page counts it all)."""
            if not current_user.is_authenticated:
                return ""
            from factcheck.extensions import db
            from factcheck.services.assignments import BADGE_CAP, queue_counts

            n = queue_counts(db.session, current_user, cap=BADGE_CAP)["total"]
            return "" if not n else f"{BADGE_CAP - 1}+" if n >= BADGE_CAP else str(n)

        def inbox_count() -> int:
            if not current_user.is_authenticated:
                return 0
            from factcheck.extensions import db
            from factcheck.services.notifications import unread_count

            return unread_count(db.session, current_user)

        return {"can": user_can, "why_not": user_why_not, "queue_count": queue_count,
                "inbox_count": inbox_count,
                "ClaimStatus": ClaimStatus, "ArticleStatus": ArticleStatus, "Verdict": Verdict,
                "stance_contradicts": stance_contradicts,
                "SPEAKER_UNCLEAR": SPEAKER_UNCLEAR}  # fmt: skip
