"""Who is acting: Flask-Login's user loader (registered on each app's login manager by
create_app's register_extensions step) and the API's bearer tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, g, render_template, session
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from factcheck.extensions import db
from factcheck.models import User, utcnow
from factcheck.web.i18n import detail


def load_user(user_id: str) -> User | None:
    """Session ids are "<id>:<generation>": bumping the generation ends old sessions."""
    try:
        uid, generation = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.scalar(select(User).where(User.id == uid))
    if user is None or user.session_generation != generation or not user.active:
        return None
    return user


def current_actor():
    """The account acting in this request: a bearer token's owner, else the session's user."""
    api_user = g.get("api_user")
    if api_user is not None:
        return api_user
    return current_user if current_user.is_authenticated else None


# -- recent authentication (services/recent_auth.py): when this session last gave the
# password (and code): at sign-in, and on the re-authentication page.
AUTH_AT = "auth_at"


def mark_authenticated() -> None:
    session[AUTH_AT] = utcnow().timestamp()


def authenticated_at() -> datetime | None:
    value = session.get(AUTH_AT)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return datetime.fromtimestamp(value, UTC)


def safe_next(target: str | None) -> str | None:
    """A same-site path to go to after sign-in, or None (HOSTILE.md §2.3)."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return None
    return target


def rate_limited_page(template: str, form, exc):
    """A sign-in or re-authentication form refused by its limit: the form again with the
    limit's words, 429, and Retry-After."""
    form.form_errors.append(detail(exc))
    return render_template(template, form=form), 429, {"Retry-After": str(exc.extra["retry_after"])}
