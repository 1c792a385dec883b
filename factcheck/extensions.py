"""The database extension and its models' base, shared by every app of the process.

The per-app extensions (Flask-Login, Flask-WTF's CSRF protection, Flask-Migrate) are made
for each app by create_app's register_extensions step, so nothing about one app (its user
loader, its CSRF exemptions) is kept where another app would find it.
"""

from flask import current_app, has_app_context
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from factcheck.settings import SESSION_KEY

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Session(FlaskSession):
    """A session of the app whose context made it, carrying that app's settings
    (``session.info["settings"]``, read by services with ``settings_of(session)``)."""

    def __init__(self, db, **kwargs) -> None:
        super().__init__(db, **kwargs)
        settings = current_app.extensions.get("factcheck") if has_app_context() else None
        if settings is not None:
            self.info[SESSION_KEY] = settings


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
