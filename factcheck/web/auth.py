"""Who is acting: Flask-Login's user loader (registered on each app's login manager by
create_app's register_extensions step) and the API's bearer tokens."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import User


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
