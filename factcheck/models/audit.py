"""Audit events: append-only and hash-chained.

Rows are created only by ``services.audit.record``. The ORM refuses to flush a changed or
deleted event (guard below), ORM bulk UPDATE/DELETE of the table raises, and database
triggers (created by the migration) refuse UPDATE and DELETE on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from factcheck.extensions import db
from factcheck.models.types import UTCDateTime, utcnow


class AuditAction(StrEnum):
    """Every action the trail records: ``services.audit.record`` refuses any other name."""

    SIGNED_IN = "auth.signed_in"
    SIGN_IN_FAILED = "auth.sign_in_failed"
    SIGNED_OUT = "auth.signed_out"
    TOTP_SETUP_STARTED = "auth.totp_setup_started"
    TOTP_ENABLED = "auth.totp_enabled"
    TOTP_DISABLED = "auth.totp_disabled"
    TOTP_RESET = "auth.totp_reset"
    REAUTHENTICATED = "auth.reauthenticated"
    REAUTH_FAILED = "auth.reauth_failed"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DEACTIVATED = "user.deactivated"
    USER_PASSWORD_RESET = "user.password_reset"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    ARTICLE_IMPORTED = "article.imported"
    ARTICLE_IMPORT_REQUESTED = "article.import_requested"  # a URL import queued (url_imports)
    ARTICLE_IMPORT_RETRIED = "article.import_retried"  # a failed URL import queued again
    ARTICLE_VERSION_IMPORTED = "article.version_imported"
    ARTICLE_APPROVED = "article.approved"
    ARTICLE_REVIEW_STARTED = "article.review_started"  # its first review: draft -> in review
    ARTICLE_REOPENED = "article.reopened"  # a claim of an approved article was reopened
    ARTICLE_LANGUAGE_CHANGED = "article.language_changed"
    CLAIM_ADDED = "claim.added"
    CLAIM_UPDATED = "claim.updated"
    CLAIM_SPEAKER_CONFIRMED = "claim.speaker_confirmed"
    CLAIM_SPLIT = "claim.split"
    CLAIM_MERGED = "claim.merged"
    CLAIM_EXCLUDED = "claim.excluded"
    CLAIM_INCLUDED = "claim.included"
    CLAIM_REANCHORED = "claim.reanchored"
    CLAIM_EDIT_UNDONE = "claim.edit_undone"
    CLAIM_APPROVED = "claim.approved"
    CLAIM_RETURNED = "claim.returned"
    CLAIM_REOPENED = "claim.reopened"
    REVIEW_CREATED = "review.created"
    REVIEW_REVISED = "review.revised"
    COMMENT_ADDED = "comment.added"
    COMMENT_EDITED = "comment.edited"
    COMMENT_DELETED = "comment.deleted"
    ASSIGNMENT_CREATED = "assignment.created"
    ASSIGNMENT_DUE_SET = "assignment.due_set"
    REPORT_EXPORTED = "report.exported"
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_UPDATED = "webhook.updated"
    WEBHOOK_ACTIVATED = "webhook.activated"
    WEBHOOK_DEACTIVATED = "webhook.deactivated"
    WEBHOOK_DELETED = "webhook.deleted"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"
    WEBHOOK_DELIVERY_RETRIED = "webhook.delivery_retried"


_UNSEALED = text("seq IS NULL")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (  # the sealer's and verify's look-up of pending rows
        Index("ix_audit_events_unsealed", "id", postgresql_where=_UNSEALED, sqlite_where=_UNSEALED),
        Index("ix_audit_events_target", "target_type", "target_id"),  # a claim's history
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # the writer's order (a sequence)
    # The chain position, gapless; NULL until the sealer links the event (PostgreSQL).
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(300))  # email, or "system:<os user>"
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    article_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # SHA-256 of the content without the chain fields, set by the writer: names the event
    # before it is sealed (a report's last event, `audit verify --head`).
    digest: Mapped[str | None] = mapped_column(String(64))
    # The database's clock at insert (PostgreSQL's clock_timestamp(); app clocks may be
    # skewed) and at sealing: verify judges the age of unsealed events by them.
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<AuditEvent #{self.seq} {self.action} {self.target_type}:{self.target_id}>"


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    """Audit rows are append-only: never flush an UPDATE or DELETE of one."""
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise PermissionError("audit events are append-only: delete refused")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise PermissionError("audit events are append-only: update refused")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_dml(state) -> None:
    """ORM bulk update()/delete() bypass the unit of work (HOSTILE.md §2.5): refuse them."""
    if state.is_update or state.is_delete:
        for mapper in state.all_mappers:
            if mapper.class_ is AuditEvent:
                raise PermissionError("audit events are append-only: bulk DML refused")
