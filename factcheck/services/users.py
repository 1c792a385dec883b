"""Accounts, sign-in and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from factcheck.errors import Conflict, InvalidInput, NotFound, RateLimited
from factcheck.models import ApiToken, AuditEvent, Role, User, iso, utcnow
from factcheck.permissions import Permission, can, require
from factcheck.services import audit, second_factor
from factcheck.services.common import clean_text, get_user
from factcheck.services.passwords import hash_password, verify_password
from factcheck.settings import settings_of

MIN_PASSWORD = 10
TOKEN_PREFIX = "fct_"


def _user_view(u: User) -> dict:
    return {"email": u.email, "display_name": u.display_name, "role": Role(u.role).value,
            "active": u.active}  # fmt: skip


def normalise_email(email) -> str:
    """Lower-cased, validated e-mail address (no deliverability lookups)."""
    email = clean_text(email, "email", max_chars=254, required=True)
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"email: {exc}", errors={"email": str(exc)}) from None


def check_password(password) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"password must have at least {MIN_PASSWORD} characters",
            errors={"password": f"at least {MIN_PASSWORD} characters"},
        )
    if len(password) > 1024 or "\x00" in password:
        raise InvalidInput("password is not acceptable", errors={"password": "not acceptable"})
    return password


def check_role(role) -> str:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(
            "role must be reviewer, lead or admin", errors={"role": "reviewer, lead or admin"}
        ) from None


def create_user(session: Session, *, actor, email, display_name, role, password) -> User:
    """Create an account (admins)."""
    require(actor, Permission.MANAGE_USERS)
    email = normalise_email(email)
    role = check_role(role)
    display_name = clean_text(display_name, "display_name", max_chars=200) or email.split("@")[0]
    password = check_password(password)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"an account for {email} already exists", errors={"email": "already exists"})
    user = User(
        email=email, display_name=display_name, role=role, password_hash=hash_password(password)
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", "user", user.id, after=_user_view(user))
    return user


def update_user(
    session: Session, *, actor, user_id, role=None, active=None, display_name=None
) -> User:
    """Change an account's role, name or active flag (admins); the last admin stays."""
    require(actor, Permission.MANAGE_USERS)
    user = get_user(session, user_id)
    before = _user_view(user)
    if role is not None:
        user.role = check_role(role)
    if active is not None:
        if not isinstance(active, bool):
            raise InvalidInput("active must be true or false", errors={"active": "boolean"})
        user.active = active
    if display_name is not None:
        user.display_name = clean_text(display_name, "display_name", max_chars=200, required=True)
    after = _user_view(user)
    if after == before:
        return user
    admin = Role.ADMIN
    if before["role"] == admin and before["active"] and (user.role != admin or not user.active):
        others = session.scalar(
            select(func.count()).where(
                User.role == admin, User.active.is_(True), User.id != user.id
            )
        )
        if not others:
            raise Conflict("at least one active admin must remain")
    if user.role != before["role"] or user.active != before["active"]:
        user.session_generation += 1  # end every session of the account
    action = "user.deactivated" if before["active"] and not user.active else "user.updated"
    audit.record(session, actor, action, "user", user.id, before=before, after=after)
    return user


def reset_password(session: Session, *, actor, user_id, password) -> User:
    """Set a new password (admins, or the account itself); ends the account's sessions."""
    user = get_user(session, user_id)
    require(actor, Permission.MANAGE_ACCOUNT, user)
    user.password_hash = hash_password(check_password(password))
    user.session_generation += 1
    audit.record(
        session, actor, "user.password_reset", "user", user.id, after={"password": "changed"}
    )
    return user


def _recent_failures(session: Session, user_id: int) -> int:
    since = utcnow() - timedelta(seconds=settings_of(session).LOGIN_FAILURE_WINDOW_SECONDS)
    return (
        session.scalar(
            select(func.count()).where(
                AuditEvent.action == "auth.sign_in_failed",
                AuditEvent.target_type == "user",
                AuditEvent.target_id == user_id,
                AuditEvent.created_at >= since,
            )
        )
        or 0
    )


def sign_in(session: Session, *, email, password, code=None) -> User | None:
    """Check credentials; audit success and failure alike. None means refused.

    Too many recent failures on one account raise RateLimited; the counter lives in the
    database (the audit trail), so it holds across workers and servers.
    """
    limits = settings_of(session)
    email = (email or "").strip().lower()[:254] if isinstance(email, str) else ""
    user = session.scalar(select(User).where(User.email == email)) if email else None
    # The same queries and the same Argon2 work whether or not the account exists, so the
    # time taken does not tell an attacker which addresses have accounts (HOSTILE AUTH-04).
    failures = _recent_failures(session, user.id if user is not None else 0)
    if user is not None and failures >= limits.LOGIN_MAX_FAILURES:
        raise RateLimited(
            "too many failed sign-ins for this account; try again later",
            retry_after=limits.LOGIN_FAILURE_WINDOW_SECONDS,
        )
    ok = verify_password(user.password_hash if user else None, password or "")
    recovery_before = len(user.recovery_codes or []) if user else 0
    second_ok = ok and user.active and second_factor.check_code(user, code)
    if second_ok:
        user.last_login_at = utcnow()
        used = len(user.recovery_codes or []) < recovery_before
        audit.record(session, user, "auth.signed_in", "user", user.id,
                     after={"second_factor": "recovery code" if used else "totp"} if user.has_totp else None)  # fmt: skip
        return user
    reason = "bad credentials" if not ok else ("inactive" if not user.active else "second factor")
    audit.record(
        session, None, "auth.sign_in_failed", "user", user.id if user else None,
        after={"email": email, "reason": reason},
    )  # fmt: skip
    return None


def sign_out(session: Session, *, actor, everywhere: bool = False) -> None:
    """Audit a sign-out and end the account's sessions.

    Sessions are signed cookies, so a copy of this one would still work after sign-out
    unless the account's session generation moves on (HOSTILE AUTH-06); that signs the
    account out on its other devices too.
    """
    actor.session_generation += 1
    audit.record(
        session, actor, "auth.signed_out", "user", actor.id, after={"everywhere": everywhere}
    )


def _hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_token(session: Session, *, actor, user_id=None, name) -> tuple[ApiToken, str]:
    """A new personal API token; the plaintext is returned once and only its hash is kept."""
    user = actor if user_id is None else get_user(session, user_id)
    require(actor, Permission.MANAGE_ACCOUNT, user)
    if not user.active:
        raise Conflict("the account is deactivated")
    name = clean_text(name, "name", max_chars=100, required=True)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, token_hash=_hash_token(plaintext), prefix=plaintext[:8]
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor,
        "token.created",
        "api_token",
        token.id,
        after={"name": name, "user_id": user.id},
    )
    return token, plaintext


def revoke_token(session: Session, *, actor, token_id) -> ApiToken:
    """Revoke a token (its owner, or an admin)."""
    token = session.get(ApiToken, int(token_id)) if str(token_id).isdigit() else None
    if token is None or not can(actor, Permission.MANAGE_ACCOUNT, token):
        raise NotFound("no such token")  # someone else's token: not even its existence
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor,
            "token.revoked",
            "api_token",
            token.id,
            before={"revoked_at": None},
            after={"revoked_at": iso(token.revoked_at)},
        )
    return token


def user_for_token(session: Session, plaintext: str) -> User | None:
    """The active account a live token belongs to, or None.

    Every API request runs this, so it is one prepared Core statement whose row becomes
    the session's User without the ORM's query machinery (a third of the cost of a
    select(User); the object is the same persistent User a query would give).
    """
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    row = session.connection().execute(_TOKEN_OWNER, {"token_hash": _hash_token(plaintext)})
    row = row.first()
    if row is None:
        return None
    known = session.identity_map.get(identity_key(User, row.id))
    if known is not None:
        return known
    user = User(**row._asdict())
    make_transient_to_detached(user)  # as loaded from this row: clean, nothing to flush
    session.add(user)
    return user


_USER_COLUMNS = [(attr.key, attr.columns[0]) for attr in sa_inspect(User).column_attrs]
_TOKEN_OWNER = (
    select(*(column.label(key) for key, column in _USER_COLUMNS))
    .join(ApiToken.__table__, ApiToken.__table__.c.user_id == User.__table__.c.id)
    .where(
        ApiToken.__table__.c.token_hash == bindparam("token_hash"),
        ApiToken.__table__.c.revoked_at.is_(None),
        User.__table__.c.active.is_(True),
    )
)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
