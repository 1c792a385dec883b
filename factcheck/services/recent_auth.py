"""Recent authentication: sensitive changes need the password (and code) given lately.

Enrolling or turning off two-step sign-in, creating API tokens, changing the password and
resetting someone's second factor take ``authenticated_at``, the time the actor last gave
their password (and code, when enrolled): sign-in or the re-authentication page
(``sign_in.reauthenticate``). Older than REAUTH_SECONDS, or missing, is ReauthRequired.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from factcheck.errors import N_, ReauthRequired
from factcheck.models import User, utcnow
from factcheck.settings import settings_of


def is_recent(session: Session, authenticated_at: datetime | None) -> bool:
    window = timedelta(seconds=settings_of(session).REAUTH_SECONDS)
    return authenticated_at is not None and authenticated_at >= utcnow() - window


def require_recent(session: Session, actor, authenticated_at: datetime | None) -> None:
    """Raise ReauthRequired unless ``actor`` authenticated recently.

    The command line is the server's operator (SystemActor) and is not asked.
    """
    if isinstance(actor, User) and not is_recent(session, authenticated_at):
        raise ReauthRequired(
            N_("confirm your password (and code) first: this change needs a recent sign-in")
        )
