"""Password hashing with Argon2id (memory-hard), parameters from the desk's settings."""

from __future__ import annotations

import base64
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from factcheck.settings import Settings, settings_of


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_cost: int) -> tuple[PasswordHasher, str]:
    """The hasher for these costs, and the hash verified when the account does not exist
    (so both paths cost the same time). Made once per costs: nothing is configured."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    return hasher, _shaped_like_ours(hasher)


def _hasher_for(settings: Settings) -> tuple[PasswordHasher, str]:
    return _hasher(settings.ARGON2_TIME_COST, settings.ARGON2_MEMORY_COST)


def _shaped_like_ours(hasher: PasswordHasher) -> str:
    """An encoded Argon2id hash with our parameters that no password matches.

    Verifying against it costs exactly what verifying a real account's hash costs, and
    making it costs nothing (no hashing at start-up, no slow first unknown sign-in).
    """
    salt = base64.b64encode(b"\0" * hasher.salt_len).decode().rstrip("=")
    digest = base64.b64encode(b"\0" * hasher.hash_len).decode().rstrip("=")
    return (f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},"
            f"p={hasher.parallelism}${salt}${digest}")  # fmt: skip


def hash_password(password: str, *, settings: Settings | None = None) -> str:
    hasher, _dummy = _hasher_for(settings or settings_of())
    return hasher.hash(password)


def verify_password(
    password_hash: str | None, password: str, *, settings: Settings | None = None
) -> bool:
    """Constant-work check; a missing account still pays for one verification."""
    hasher, dummy = _hasher_for(settings or settings_of())
    try:
        return hasher.verify(password_hash if password_hash is not None else dummy, password)
    except (VerificationError, InvalidHashError):
        return False
