"""A second factor for sign-in: TOTP (an authenticator app) with one-time recovery codes.

Leads and admins can be required to use it by configuration (REQUIRE_TOTP_FOR). A code is
accepted once: the last accepted time step is kept per account and only a later step
counts (the previous window's code too, only once). Recovery codes carry 80 random bits
and are kept as Argon2 hashes, each under a short public id so that checking one costs
one verification. Set-up and turning it off need a recent sign-in (recent_auth); an admin,
or the command line, can reset another account's, with a reason.
"""

from __future__ import annotations

import base64
import hmac
import secrets

import pyotp
from sqlalchemy import or_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from factcheck.errors import N_, Conflict, InvalidInput
from factcheck.models import User, utcnow
from factcheck.permissions import Permission, require
from factcheck.services import audit
from factcheck.services.common import clean_text, get_user
from factcheck.services.passwords import hash_password, verify_password
from factcheck.services.recent_auth import require_recent

ISSUER = "Factcheck"
RECOVERY_CODES = 10
RECOVERY_BITS = 80  # the secret part of each code; its 4-character id is not secret


def provisioning_uri(user: User) -> str:
    """otpauth:// URI for authenticator apps (shown as a QR code and as text)."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def make_recovery_codes() -> tuple[list[str], list[dict]]:
    """New codes to show once, and what is kept of them: id and Argon2 hash.

    Pure CPU work (ten Argon2 hashes): entry points call it before their write unit.
    """
    codes, kept, ids = [], [], set()
    while len(codes) < RECOVERY_CODES:
        code_id = secrets.token_hex(2)
        if code_id in ids:
            continue
        ids.add(code_id)
        secret = base64.b32encode(secrets.token_bytes(RECOVERY_BITS // 8)).decode().lower()
        codes.append("-".join([code_id] + [secret[i : i + 4] for i in range(0, 16, 4)]))
        kept.append({"id": code_id, "hash": hash_password(secret)})
    return codes, kept


def start_setup(session: Session, *, actor: User, authenticated_at=None) -> str:
    """Create a new (not yet active) secret for the actor; returns it."""
    require_recent(session, actor, authenticated_at)
    if actor.has_totp:
        raise Conflict(N_("two-step sign-in is already on; turn it off first to change the app"))
    actor.totp_secret = pyotp.random_base32()
    actor.totp_last_step = None
    audit.record(session, actor, "auth.totp_setup_started", "user", actor.id)
    return actor.totp_secret


def confirm_setup(
    session: Session, *, actor: User, code, authenticated_at=None, recovery=None
) -> list[str]:
    """Turn two-step sign-in on with a first code; returns recovery codes (shown once).

    ``recovery`` is make_recovery_codes()'s answer when the entry point made it already.
    """
    require_recent(session, actor, authenticated_at)
    if actor.has_totp or not actor.totp_secret:
        raise Conflict(N_("start the set-up first"))
    if not _use_totp(session, actor, code):
        raise InvalidInput(
            N_("that code is not right; check the time on your phone and try again"),
            errors={"code": N_("wrong code")},
        )
    codes, kept = recovery or make_recovery_codes()
    actor.recovery_codes = kept
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


def _clear(user: User) -> None:
    user.totp_secret = user.totp_enabled_at = user.recovery_codes = user.totp_last_step = None


def disable(session: Session, *, actor: User, authenticated_at=None) -> None:
    """Turn two-step sign-in off: the password and a code were given just now (reauth)."""
    require_recent(session, actor, authenticated_at)
    if not actor.has_totp:
        raise Conflict(N_("two-step sign-in is not on"))
    _clear(actor)
    audit.record(session, actor, "auth.totp_disabled", "user", actor.id)


def reset(session: Session, *, actor, user_id, reason, authenticated_at=None) -> User:
    """An admin (or the command line) turns off another account's two-step sign-in.

    For someone who lost their phone and codes. Their sessions end; with REQUIRE_TOTP_FOR
    they must set it up again at their next sign-in. Audited with the reason.
    """
    require(actor, Permission.MANAGE_USERS)
    require_recent(session, actor, authenticated_at)
    reason = clean_text(reason, "reason", max_chars=2000, required=True)
    user = get_user(session, user_id)
    if not user.has_totp and not user.totp_secret:
        raise Conflict(N_("two-step sign-in is not on for this account"))
    _clear(user)
    user.session_generation += 1
    audit.record(session, actor, "auth.totp_reset", "user", user.id, after={"reason": reason})
    return user


def _matching_step(user: User, code: str) -> int | None:
    """The time step (previous, current or next) whose code this is and not yet used."""
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(utcnow())
    for step in (now - 1, now, now + 1):
        fresh = user.totp_last_step is None or step > user.totp_last_step
        if fresh and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_totp(session: Session, user: User, code) -> bool:
    """Accept a TOTP code once: the step is claimed by one conditional UPDATE, so two
    requests with the same code (even at once, on two workers) cannot both pass."""
    code = str(code or "").replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    step = _matching_step(user, code)
    if step is None:
        return False
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def verified_recovery_id(user: User, code) -> str | None:
    """Read-only, the slow part: the id of the unused recovery code this is (one Argon2
    verification, found by its id), or None. Run it before the write turn."""
    text = str(code or "").replace("-", "").replace(" ", "").strip().lower()
    if len(text) != 20:
        return None
    code_id, secret = text[:4], text[4:]
    remaining = [entry for entry in (user.recovery_codes or []) if isinstance(entry, dict)]
    entry = next((e for e in remaining if hmac.compare_digest(e["id"], code_id)), None)
    return code_id if verify_password(entry["hash"] if entry else None, secret) else None


def _use_recovery_code(user: User, code_id: str | None) -> bool:
    """Use up the verified recovery code, if it is still unused (one use each)."""
    remaining = [entry for entry in (user.recovery_codes or []) if isinstance(entry, dict)]
    entry = next((e for e in remaining if code_id and hmac.compare_digest(e["id"], code_id)), None)
    if entry is None:
        return False
    user.recovery_codes = [e for e in remaining if e is not entry]
    return True


def check_code(session: Session, user: User, code, *, recovery_id=...) -> bool:
    """A current, unused TOTP code, or an unused recovery code (which is then used up).

    ``recovery_id``: the recovery code verified before the write turn (verified_recovery_id);
    by default it is verified here."""
    if not user.has_totp:
        return True
    if _use_totp(session, user, code):
        return True
    if recovery_id is ...:
        recovery_id = verified_recovery_id(user, code)
    return _use_recovery_code(user, recovery_id)


def recovery_codes_left(user: User) -> int:
    return sum(1 for entry in (user.recovery_codes or []) if isinstance(entry, dict))
