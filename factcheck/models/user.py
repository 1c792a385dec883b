"""Accounts and personal API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, enum_column, utcnow


class Role(StrEnum):
    REVIEWER = "reviewer"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"reviewer": 1, "lead": 2, "admin": 3}[self.value]


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out everywhere, password change, role change and deactivation so that
    # every signed cookie made before stops working (HOSTILE.md §2.2).
    session_generation: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factor (TOTP, RFC 6238). The secret is set when set-up starts and counts only
    # once confirmed with a code (totp_enabled_at); recovery codes are kept hashed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recovery_codes: Mapped[list | None] = mapped_column(JSON)
    # The last TOTP time step accepted: a code (of this step or an earlier one) is never
    # accepted twice, the previous window's included (HOSTILE §4.4).
    totp_last_step: Mapped[int | None] = mapped_column()
    # The interface language the person chose (settings.LOCALES); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(8))
    # The notice kinds (models.notification.NoticeKind values) the person also gets by
    # e-mail; None: the default set (NoticeKind.EMAIL_DEFAULT). The inbox always has them all.
    email_notices: Mapped[list | None] = mapped_column(JSON)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", order_by="ApiToken.id")

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, role: Role) -> bool:
        """True when the account's role is at least `role` (admin ⊃ lead ⊃ reviewer)."""
        return self.role_enum.rank >= role.rank

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: never
    read_only: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()


class FailureKind(StrEnum):
    PASSWORD = "password"  # a wrong password (or no such account)
    CODE = "code"  # the right password with a wrong second-factor code


class SignInFailure(db.Model):
    """One failed check of a password or a code: what the sign-in limits count.

    Kept apart from the audit trail (which records the same failures) so that the counts
    per client and per address are indexed queries; the address is kept as a hash, the same
    for accounts that exist and addresses that do not (HOSTILE §4.7). Rows older than the
    window are removed as new ones are written.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_client", "client", "created_at"),
        Index("ix_sign_in_failures_email_key", "email_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64))  # sha256 of the normalised address
    client: Mapped[str] = mapped_column(String(64))  # the client's address ("" if unknown)
    kind: Mapped[FailureKind] = mapped_column(enum_column(FailureKind, "kind"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SystemActor:
    """The actor of command-line actions: acts as an admin, audited as ``system:<os user>``."""

    id = None
    role = Role.ADMIN.value
    active = True
    is_authenticated = True
    is_anonymous = False
    display_name = "system"

    def __init__(self, os_user: str):
        self.email = f"system:{os_user}"

    def has_role(self, role: Role) -> bool:
        return True
