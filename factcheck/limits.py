"""Input limits (HOSTILE.md §1), shared by forms, API parsers and services. No Flask.

create_app() installs the configured values; services read them through ``LIMITS``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class Limits:
    MAX_ARTICLE_CHARS: int = 2_000_000
    # Sentences (claims) per article: each is a row written in the import's transaction;
    # 10,000 take 4-9 s on 2 cores, 100,000 outran gunicorn's 30 s timeout (HOSTILE IMP-07).
    MAX_SENTENCES: int = 10_000
    MAX_UPLOAD_BYTES: int = 5 * 1024 * 1024
    MAX_LINKS_PER_REVIEW: int = 50
    MAX_NOTE_CHARS: int = 20_000
    MAX_EXCERPT_CHARS: int = 2_000
    MAX_TITLE_CHARS: int = 500
    MAX_URL_CHARS: int = 2_048
    MAX_REASON_CHARS: int = 2_000
    LOGIN_MAX_FAILURES: int = 10
    LOGIN_FAILURE_WINDOW_SECONDS: int = 900
    REVIEWS_REQUIRED: int = 1
    ORGANISATION: str = "Factcheck desk"  # the desk's name in reports (ClaimReview author)
    # URL import (and webhooks): addresses allowed although private or loopback, and ports.
    FETCH_ALLOWED_ADDRESSES: str = ""  # comma-separated IPs or CIDR networks
    FETCH_ALLOWED_PORTS: str = "80,443,8080,8443"
    FETCH_DEADLINE_SECONDS: int = 15
    FETCH_MAX_BYTES: int = 5 * 1024 * 1024
    REQUIRE_TOTP_FOR: str = ""  # roles that must use two-step sign-in, e.g. "lead,admin"

    def update_from(self, config) -> None:
        for f in fields(self):
            if f.name in config:
                setattr(self, f.name, type(getattr(self, f.name))(config[f.name]))


LIMITS = Limits()
