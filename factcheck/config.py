"""Configuration: defaults, FACTCHECK_* environment overrides, and the instance secret key."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


def canonical_json(value) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the one serialisation of JSON we store and hash."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Limits (HOSTILE.md §1). Enforced before any database work; documented in the README.
DEFAULTS: dict[str, object] = {
    "MAX_ARTICLE_CHARS": 2_000_000,  # article text after decoding
    "MAX_UPLOAD_BYTES": 5 * 1024 * 1024,  # an uploaded file
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,  # a whole request body (413 beyond)
    "MAX_LINKS_PER_REVIEW": 50,
    "MAX_NOTE_CHARS": 20_000,
    "MAX_EXCERPT_CHARS": 2_000,
    "MAX_TITLE_CHARS": 500,
    "MAX_URL_CHARS": 2_048,
    "MAX_REASON_CHARS": 2_000,
    "LOGIN_MAX_FAILURES": 10,  # failed sign-ins per account ...
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,  # ... within this window, then 429
    "REVIEWS_REQUIRED": 1,  # reviews before a claim counts as reviewed
    "ORGANISATION": "Factcheck desk",  # ClaimReview author
    # A PDF that is not kept and prints more HTML than this renders in the background (the
    # web page and the API say "being prepared") instead of outlasting the request's timeout.
    "PDF_INLINE_MAX_KIB": 128,
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,  # KiB (64 MiB): memory-hard password hashing
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    # JSON columns are stored in canonical form (sorted keys, no spaces), the form the
    # audit hash covers, so verifying the chain can hash stored text without re-encoding.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "json_serializer": canonical_json},
}

_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)}
# On/off settings given as strings in the environment ("true", "0", ...).
_BOOL_KEYS = {
    "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE",
    "WEBHOOKS_ASYNC",
    "RENDER_IN_BACKGROUND",
}


def load_config(instance_path: str) -> dict[str, object]:
    """Defaults, then FACTCHECK_* environment variables, then the generated secret key."""
    cfg = dict(DEFAULTS)
    cfg["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(instance_path) / 'factcheck.db'}"
    for key, value in os.environ.items():
        if not key.startswith("FACTCHECK_"):
            continue
        name = key.removeprefix("FACTCHECK_")
        if name == "DATABASE_URL":
            cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(value)
        elif name in _INT_KEYS:
            cfg[name] = int(value)
        elif name in _BOOL_KEYS:
            cfg[name] = value.strip().lower() in {"1", "true", "yes", "on"}
        else:
            cfg[name] = value
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = instance_secret_key(instance_path)
    return cfg


def normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, generating it (mode 0600) on first start."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
