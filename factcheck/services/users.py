"""Accounts, sign-in and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from factcheck.errors import N_, Conflict, InvalidInput, NotFound
from factcheck.models import ApiToken, Role, User, iso, utcnow
from factcheck.permissions import Permission, can, require
from factcheck.services import audit, second_factor
from factcheck.services import sign_in as sign_in_limits
from factcheck.services.common import clean_text, get_user
from factcheck.services.direct import Direct
from factcheck.services.passwords import hash_password
from factcheck.services.recent_auth import require_recent
from factcheck.settings import LOCALES, settings_of

MIN_PASSWORD = 10
TOKEN_PREFIX = "fct_"
MAX_TOKEN_DAYS = 3650


def _user_view(u: User) -> dict:
    return {"email": u.email, "display_name": u.display_name, "role": Role(u.role).value,
            "active": u.active}  # fmt: skip


def normalise_email(email) -> str:
    """Lower-cased, validated e-mail address (no deliverability lookups)."""
    email = clean_text(email, "email", max_chars=254, required=True)
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(N_("email: %(exc)s", exc=exc), errors={"email": str(exc)}) from None


def check_password(password) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(
            N_(
                "password must have at least %(min_password)s characters", min_password=MIN_PASSWORD
            ),
            errors={
                "password": N_("at least %(min_password)s characters", min_password=MIN_PASSWORD)
            },
        )
    if len(password) > 1024 or "\x00" in password:
        raise InvalidInput(
            N_("password is not acceptable"), errors={"password": N_("not acceptable")}
        )
    return password


def check_role(role) -> str:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(
            N_("role must be reviewer, lead or admin"),
            errors={"role": N_("reviewer, lead or admin")},
        ) from None


def create_user(session: Session, *, actor, email, display_name, role, password) -> User:
    """Create an account (admins)."""
    require(actor, Permission.MANAGE_USERS)
    email = normalise_email(email)
    role = check_role(role)
    display_name = clean_text(display_name, "display_name", max_chars=200) or email.split("@")[0]
    password = check_password(password)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(
            N_("an account for %(email)s already exists", email=email),
            errors={"email": N_("already exists")},
        )
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
            raise InvalidInput(N_("active must be true or false"), errors={"active": N_("boolean")})
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
            raise Conflict(N_("at least one active admin must remain"))
    if user.role != before["role"] or user.active != before["active"]:
        user.session_generation += 1  # end every session of the account ...
        revoked = revoke_all_tokens(session, user)  # ... and its tokens (HOSTILE §4.5)
        if revoked:
            after = {**after, "tokens_revoked": revoked}
    action = "user.deactivated" if before["active"] and not user.active else "user.updated"
    audit.record(session, actor, action, "user", user.id, before=before, after=after)
    return user


def set_locale(session: Session, *, actor, locale) -> User:
    """The signed-in person's interface language (one of LOCALES, or None: the browser's)."""
    if locale in ("", None):
        locale = None
    elif locale not in LOCALES:
        raise InvalidInput(
            N_("locale must be one of %(value)s", value=", ".join(LOCALES)),
            errors={"locale": N_("unknown language")},
        )
    user = get_user(session, actor.id)
    if user.locale == locale:
        return user
    before = {"locale": user.locale}
    user.locale = locale
    audit.record(session, actor, "user.updated", "user", user.id, before=before,
                 after={"locale": locale})  # fmt: skip
    return user


def reset_password(
    session: Session, *, actor, user_id, password, password_hash=None, authenticated_at=None
) -> User:
    """Set a new password (admins, or the account itself after a recent sign-in); ends the
    account's sessions, remember-me cookies and API tokens.

    ``password_hash`` is hash_password(password) when the entry point made it already
    (Argon2 is CPU work to do before the write unit).
    """
    user = get_user(session, user_id)
    require(actor, Permission.MANAGE_ACCOUNT, user)
    if getattr(actor, "id", None) == user.id:
        require_recent(session, actor, authenticated_at)
    check_password(password)
    user.password_hash = password_hash or hash_password(password)
    user.session_generation += 1
    revoked = revoke_all_tokens(session, user)
    audit.record(session, actor, "user.password_reset", "user", user.id,
                 after={"password": "changed", "tokens_revoked": revoked})  # fmt: skip
    return user


def _email(email) -> str:
    return (email or "").strip().lower()[:254] if isinstance(email, str) else ""


def prepare_sign_in(session: Session, *, email, password, code=None) -> sign_in_limits.Checked:
    """Read-only, before the write unit: the client's limits and the Argon2 verifications
    (RateLimited over the limits). Pass the result to ``sign_in(checked=...)``."""
    email = _email(email)
    user = session.scalar(select(User).where(User.email == email)) if email else None
    return sign_in_limits.precheck(
        session, user, key=sign_in_limits.email_key(email), password=password, code=code
    )


def sign_in(session: Session, *, email, password, code=None, checked=None) -> User | None:
    """Check credentials; audit success and failure alike. None means refused.

    The limits (services/sign_in) are counted in the database, so they hold across workers
    and servers; a client over them gets RateLimited before the account is even looked up.
    ``checked``: prepare_sign_in's result (the web and API pages verify the password
    before they take the write turn); without it the verification runs here.
    """
    email = _email(email)
    key = sign_in_limits.email_key(email)
    # The same queries and the same Argon2 work whether or not the account exists, so the
    # time taken does not tell an attacker which addresses have accounts (HOSTILE AUTH-04).
    # populate_existing: the account as it is now (a recovery code used meanwhile is gone).
    user = (
        session.scalar(select(User).where(User.email == email).execution_options(populate_existing=True))
        if email else None
    )  # fmt: skip
    recovery_before = second_factor.recovery_codes_left(user) if user else 0
    ok, reason = sign_in_limits.check_credentials(
        session, user, key=key, password=password, code=code, checked=checked
    )
    if ok:
        user.last_login_at = utcnow()
        used = second_factor.recovery_codes_left(user) < recovery_before
        audit.record(session, user, "auth.signed_in", "user", user.id,
                     after={"second_factor": "recovery code" if used else "totp"} if user.has_totp else None)  # fmt: skip
        return user
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
    after = {"everywhere": everywhere}
    if everywhere:  # every device: the API tokens too
        after["tokens_revoked"] = revoke_all_tokens(session, actor)
    audit.record(session, actor, "auth.signed_out", "user", actor.id, after=after)


def revoke_all_tokens(session: Session, user: User) -> int:
    """End every live token of an account (the caller's event says why); the count."""
    now = utcnow()
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    for token in session.identity_map.values():
        if isinstance(token, ApiToken) and token.user_id == user.id and token.revoked_at is None:
            set_committed_value(token, "revoked_at", now)
    return revoked


def _hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _expiry(session: Session, expires_days):
    """When a new token ends: its days, else TOKEN_DEFAULT_DAYS (0: never)."""
    days = settings_of(session).TOKEN_DEFAULT_DAYS if expires_days is None else expires_days
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            N_(
                "expires_days must be a whole number from 0 (never) to %(max_token_days)s",
                max_token_days=MAX_TOKEN_DAYS,
            ),
            errors={"expires_days": N_("0 to %(max_token_days)s", max_token_days=MAX_TOKEN_DAYS)},
        )
    return utcnow() + timedelta(days=days) if days else None


def create_token(session: Session, *, actor, user_id=None, name, expires_days=None,
                 read_only=False, authenticated_at=None) -> tuple[ApiToken, str]:  # fmt: skip
    """A new personal API token; the plaintext is returned once and only its hash is kept.

    People need a recent sign-in (the API's token request is one); the command line does
    not. ``expires_days`` None takes TOKEN_DEFAULT_DAYS; 0 means it never expires.
    """
    user = actor if user_id is None else get_user(session, user_id)
    require(actor, Permission.MANAGE_ACCOUNT, user)
    require_recent(session, actor, authenticated_at)
    if not user.active:
        raise Conflict(N_("the account is deactivated"))
    name = clean_text(name, "name", max_chars=100, required=True)
    if not isinstance(read_only, bool):
        raise InvalidInput(
            N_("read_only must be true or false"), errors={"read_only": N_("boolean")}
        )
    expires_at = _expiry(session, expires_days)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_hash_token(plaintext),
                     prefix=plaintext[:8], expires_at=expires_at, read_only=read_only)  # fmt: skip
    session.add(token)
    session.flush()
    audit.record(session, actor, "token.created", "api_token", token.id,
                 after={"name": name, "user_id": user.id, "expires_at": iso(expires_at),
                        "read_only": read_only})  # fmt: skip
    return token, plaintext


def revoke_token(session: Session, *, actor, token_id) -> ApiToken:
    """Revoke a token (its owner, or an admin)."""
    token = session.get(ApiToken, int(token_id)) if str(token_id).isdigit() else None
    if token is None or not can(actor, Permission.MANAGE_ACCOUNT, token):
        raise NotFound(N_("no such token"))  # someone else's token: not even its existence
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


@dataclass(frozen=True)
class TokenUse:
    """What a request's bearer token allows: its owner, and its own limits."""

    user: User
    token_id: int
    read_only: bool
    last_used_at: datetime | None


def user_for_token(session: Session, plaintext: str) -> User | None:
    use = token_use(session, plaintext)
    return use.user if use else None


def token_use(session: Session, plaintext: str) -> TokenUse | None:
    """The active account a live (not revoked, not expired) token belongs to, or None.

    Every API request runs this, so it is one prepared Core statement whose row becomes
    the session's User without the ORM's query machinery (a third of the cost of a
    select(User); the object is the same persistent User a query would give). The role is
    the account's as it is now: a token never carries more than its owner's current role.
    """
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    params = {"token_hash": _hash_token(plaintext), "now": utcnow()}
    row = _TOKEN_OWNER.execute(session.connection(), params).first()
    if row is None:
        return None
    fields = row._asdict()
    token = {key: fields.pop(key) for key in _TOKEN_FIELDS}
    known = session.identity_map.get(identity_key(User, row.id))
    if known is not None:
        user = known
    else:
        user = _USERS.new_instance()  # as a query loads it: the row's values, no change events
        user.__dict__.update(fields)
        make_transient_to_detached(user)  # as loaded from this row: clean, nothing to flush
        session.add(user)
    return TokenUse(user, token["token_id"], bool(token["token_read_only"]),
                    token["token_last_used_at"])  # fmt: skip


def note_token_use(engine, use: TokenUse) -> None:
    """Keep the token's last_used_at, at most once per TOKEN_TOUCH_SECONDS.

    Bookkeeping, not a change of the desk (no audit event): a short statement on its own
    connection, not in the request's unit of work, so a GET does not become a write and
    waits for no writers' turn; if the database is busy the note is skipped.
    """
    now = utcnow()
    every = timedelta(seconds=settings_of().TOKEN_TOUCH_SECONDS)
    if use.last_used_at is not None and use.last_used_at > now - every:
        return
    try:
        with engine.begin() as conn:
            conn.execute(
                update(ApiToken.__table__)
                .where(ApiToken.__table__.c.id == use.token_id,
                       or_(ApiToken.__table__.c.last_used_at.is_(None),
                           ApiToken.__table__.c.last_used_at <= now - every))
                .values(last_used_at=now)
            )  # fmt: skip
    except OperationalError:
        return


_USERS = sa_inspect(User).class_manager
_USER_COLUMNS = [(attr.key, attr.columns[0]) for attr in sa_inspect(User).column_attrs]
_TOKENS = ApiToken.__table__.c
_TOKEN_FIELDS = ("token_id", "token_read_only", "token_last_used_at")
_TOKEN_OWNER = Direct(  # on the driver's cursor (services/direct.py): every API request
    select(*(column.label(key) for key, column in _USER_COLUMNS),
           _TOKENS.id.label("token_id"), _TOKENS.read_only.label("token_read_only"),
           _TOKENS.last_used_at.label("token_last_used_at"))
    .join(ApiToken.__table__, _TOKENS.user_id == User.__table__.c.id)
    .where(
        _TOKENS.token_hash == bindparam("token_hash"),
        _TOKENS.revoked_at.is_(None),
        or_(_TOKENS.expires_at.is_(None), _TOKENS.expires_at > bindparam("now")),
        User.__table__.c.active.is_(True),
    )
)  # fmt: skip


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))
