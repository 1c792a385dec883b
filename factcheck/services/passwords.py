"""Password hashing with Argon2id (memory-hard), parameters from configuration."""

from __future__ import annotations

import base64

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the account does not exist, so both paths cost the same time.
_dummy_hash: str = ""


def configure(time_cost: int, memory_cost: int) -> None:
    """Set Argon2 parameters (tests use cheap ones)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _dummy_hash = _shaped_like_ours(_hasher)


def _shaped_like_ours(hasher: PasswordHasher) -> str:
    """An encoded Argon2id hash with our parameters that no password matches.

    Verifying against it costs exactly what verifying a real account's hash costs, and
    making it costs nothing (no hashing at start-up, no slow first unknown sign-in).
    """
    salt = base64.b64encode(b"\0" * hasher.salt_len).decode().rstrip("=")
    digest = base64.b64encode(b"\0" * hasher.hash_len).decode().rstrip("=")
    return (f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},"
            f"p={hasher.parallelism}${salt}${digest}")  # fmt: skip


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check; a missing account still pays for one verification."""
    if password_hash is None:
        password_hash = _dummy_hash
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy_hash = _shaped_like_ours(_hasher)
