"""Sign-in limits and re-authentication: who may try a password or a code, how often.

Every failed check is a row of ``sign_in_failures`` (and an audit event, written by the
caller). The limits are counted in the database, so they hold across workers and servers:

- per client (its address): ``LOGIN_CLIENT_MAX_FAILURES`` failures over any addresses
  in the window, then 429 **before** the account is looked up or Argon2 runs, so
  password spraying from one client stops there;
- per client and address: ``LOGIN_MAX_FAILURES`` wrong passwords for one address, then
  that client (not the account) is refused for it: a stranger can't keep someone else
  out, and an address with no account is counted and refused exactly alike (no
  enumeration by lock-out, HOSTILE §4.7);
- per account: ``LOGIN_CODE_MAX_FAILURES`` wrong second-factor codes (which need the
  right password), then codes are refused for the window, from every client.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from factcheck.errors import N_, RateLimited
from factcheck.models import FailureKind, SignInFailure, User, utcnow
from factcheck.services import audit, second_factor
from factcheck.services.passwords import verify_password
from factcheck.settings import settings_of

REFUSED = N_("too many failed sign-ins; try again later")


def email_key(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def _since(session: Session):
    return utcnow() - timedelta(seconds=settings_of(session).LOGIN_FAILURE_WINDOW_SECONDS)


def _count(session: Session, *conditions) -> int:
    since = _since(session)
    query = select(func.count()).where(SignInFailure.created_at >= since, *conditions)
    return session.scalar(query) or 0


def _refuse(session: Session):
    return RateLimited(REFUSED, retry_after=settings_of(session).LOGIN_FAILURE_WINDOW_SECONDS)


def check_client(session: Session, key: str, client: str) -> None:
    """Raise RateLimited when this client may not try a password for this address now."""
    limits = settings_of(session)
    if _count(session, SignInFailure.client == client) >= limits.LOGIN_CLIENT_MAX_FAILURES:
        raise _refuse(session)
    tried = _count(session, SignInFailure.client == client, SignInFailure.email_key == key,
                   SignInFailure.kind == FailureKind.PASSWORD)  # fmt: skip
    if tried >= limits.LOGIN_MAX_FAILURES:
        raise _refuse(session)


def check_codes(session: Session, key: str) -> None:
    """Raise RateLimited when the account has had too many wrong codes lately."""
    wrong = _count(session, SignInFailure.email_key == key, SignInFailure.kind == FailureKind.CODE)
    if wrong >= settings_of(session).LOGIN_CODE_MAX_FAILURES:
        raise _refuse(session)


def record_failure(session: Session, key: str, client: str, kind: FailureKind) -> None:
    """Count a failed check; rows older than the window go (nothing counts them)."""
    session.execute(delete(SignInFailure).where(SignInFailure.created_at < _since(session)))
    session.add(SignInFailure(email_key=key, client=client, kind=kind))
    session.flush()


@dataclass(frozen=True)
class Checked:
    """The slow half of a sign-in, done before the write turn: Argon2 on the password (and
    on a recovery code). The write unit then only counts, claims and records."""

    password_ok: bool
    recovery_id: str | None = None  # the recovery code that verified (used up in the write)


def precheck(session: Session, user: User | None, *, key: str, password, code) -> Checked:
    """Read-only: the client's limits, then Argon2 (once, whether or not the account exists).

    Call it outside ``transaction()``: on SQLite the write unit holds the desk's single
    writers' turn, and 50 ms of Argon2 there is 50 ms of nobody saving anything."""
    check_client(session, key, audit.context_client())
    ok = verify_password(user.password_hash if user else None, password or "")
    recovery = None
    if ok and user.active and user.has_totp:
        check_codes(session, key)
        recovery = second_factor.verified_recovery_id(user, code)
    return Checked(ok, recovery)


def check_credentials(session: Session, user: User | None, *, key: str, password, code,
                      checked: Checked | None = None):  # fmt: skip
    """(password right, second factor right or not needed, reason) with limits and counts.

    ``checked``: the precheck made before the write unit (else it runs here). Runs the
    same queries and one Argon2 verification whether or not the account exists.
    """
    client = audit.context_client()
    check_client(session, key, client)  # again: counted failures may have arrived meanwhile
    if checked is None:
        checked = precheck(session, user, key=key, password=password, code=code)
    ok = checked.password_ok
    if not ok or not user.active:
        record_failure(session, key, client, FailureKind.PASSWORD)
        return False, "bad credentials" if not ok else "inactive"
    if user.has_totp:
        check_codes(session, key)
        if not second_factor.check_code(session, user, code, recovery_id=checked.recovery_id):
            record_failure(session, key, client, FailureKind.CODE)
            return False, "second factor"
    return True, None


def prepare_reauth(session: Session, *, actor: User, password, code) -> Checked:
    """Read-only, before the write unit: limits and Argon2 for a re-authentication."""
    return precheck(session, actor, key=email_key(actor.email), password=password, code=code)


def reauthenticate(
    session: Session, *, actor: User, password, code, checked: Checked | None = None
) -> bool:
    """Confirm the signed-in person with the password (and code) again; audited either way.

    False when they are wrong (the failure is counted: commit it), RateLimited under the
    limits above. The entry point keeps the time of a success as the session's
    "authenticated at", which ``require_recent`` checks.
    """
    if checked is not None and actor in session:
        session.refresh(actor)  # as it is now: a recovery code used meanwhile is gone
    ok, reason = check_credentials(
        session, actor, key=email_key(actor.email), password=password, code=code, checked=checked
    )
    if not ok:
        audit.record(session, actor, "auth.reauth_failed", "user", actor.id,
                     after={"reason": reason})  # fmt: skip
        return False
    audit.record(session, actor, "auth.reauthenticated", "user", actor.id)
    return True
