"""The audit trail over the API (leads and admins)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify, request

from factcheck.api import bp
from factcheck.api.helpers import pagination
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.models import AuditAction
from factcheck.permissions import Permission, require
from factcheck.services import history
from factcheck.services.audit import verify_chain
from factcheck.services.common import parse_id
from factcheck.web.auth import current_actor


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    return parse_id(value, name)  # "" is not an id either (422), as the document says


def _time_arg(name: str) -> datetime | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{name} must be an ISO 8601 time", errors={name: "ISO 8601"}) from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@bp.get("/audit")
def list_audit():
    require(current_actor(), Permission.VIEW_AUDIT)
    page, per_page = pagination()
    action = request.args.get("action")
    if action is not None and action not in set(AuditAction):
        raise InvalidInput(f"unknown action {action!r}", errors={"action": "an audit action"})
    before_seq, after_seq = _int_arg("before_seq"), _int_arg("after_seq")
    if before_seq is not None and after_seq is not None:
        raise InvalidInput("give before_seq or after_seq, not both", errors={"after_seq": "one"})
    result = history.list_events(
        db.session, article_id=_int_arg("article_id"), actor_id=_int_arg("actor_id"),
        action=action, since=_time_arg("since"), until=_time_arg("until"),
        page=page, per_page=per_page, before_seq=before_seq, after_seq=after_seq,
    )  # fmt: skip
    return jsonify({"items": [history.event_dict(e) for e in result.items], "page": page,
                    "per_page": per_page, "total": result.total,
                    "newer_after_seq": result.newer, "older_before_seq": result.older})  # fmt: skip


@bp.get("/audit/verify")
def verify_audit():
    require(current_actor(), Permission.VERIFY_AUDIT)
    result = verify_chain(db.session, head=request.args.get("head") or None)
    return jsonify({"ok": result.ok, "events": result.events, "first_bad_id": result.first_bad_id,
                    "reason": result.reason, "head": {"seq": result.head_seq, "hash": result.head_hash}})  # fmt: skip
