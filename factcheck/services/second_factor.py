"""A second factor for sign-in: TOTP (an authenticator app) with one-time recovery codes.

Leads and admins can be required to use it by configuration (REQUIRE_TOTP_FOR).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from sqlalchemy.orm import Session

from factcheck.errors import Conflict, InvalidInput
from factcheck.models import User, utcnow
from factcheck.services import audit
from factcheck.services.passwords import verify_password

ISSUER = "Factcheck"
RECOVERY_CODES = 10


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def provisioning_uri(user: User) -> str:
    """otpauth:// URI for authenticator apps (shown as a QR code and as text)."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def start_setup(session: Session, *, actor: User) -> str:
    """Create a new (not yet active) secret for the actor; returns it."""
    if actor.has_totp:
        raise Conflict("two-step sign-in is already on; turn it off first to change the app")
    actor.totp_secret = pyotp.random_base32()
    audit.record(session, actor, "auth.totp_setup_started", "user", actor.id)
    return actor.totp_secret


def confirm_setup(session: Session, *, actor: User, code) -> list[str]:
    """Turn two-step sign-in on with a first code; returns recovery codes (shown once)."""
    if actor.has_totp or not actor.totp_secret:
        raise Conflict("start the set-up first")
    if not _valid_totp(actor.totp_secret, code):
        raise InvalidInput(
            "that code is not right; check the time on your phone and try again",
            errors={"code": "wrong code"},
        )
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    actor.recovery_codes = [_hash_code(c) for c in codes]
    actor.totp_enabled_at = utcnow()
    actor.session_generation += 1  # other sessions must sign in again, now with the code
    audit.record(
        session,
        actor,
        "auth.totp_enabled",
        "user",
        actor.id,
        after={"recovery_codes": RECOVERY_CODES},
    )
    return codes


def disable(session: Session, *, actor: User, password, code) -> None:
    """Turn two-step sign-in off (password and a current code or recovery code)."""
    if not actor.has_totp:
        raise Conflict("two-step sign-in is not on")
    if not verify_password(actor.password_hash, password or "") or not check_code(actor, code):
        raise InvalidInput(
            "password or code is not right", errors={"code": "wrong password or code"}
        )
    actor.totp_secret = actor.totp_enabled_at = actor.recovery_codes = None
    audit.record(session, actor, "auth.totp_disabled", "user", actor.id)


def _valid_totp(secret: str, code) -> bool:
    code = str(code or "").replace(" ", "")
    return code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def check_code(user: User, code) -> bool:
    """A current TOTP code, or an unused recovery code (which is then used up)."""
    if not user.has_totp:
        return True
    if _valid_totp(user.totp_secret, code):
        return True
    wanted = _hash_code(str(code or ""))
    remaining = list(user.recovery_codes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, wanted):
            remaining.remove(stored)
            user.recovery_codes = remaining  # one use each (saved with the sign-in)
            return True
    return False
