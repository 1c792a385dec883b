"""The audit trail over the API (leads and admins)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import jsonify, request

from ..errors import InvalidInput
from ..extensions import db
from ..permissions import Permission, require
from ..security import current_actor
from ..services import history
from ..services.audit import verify_chain
from ..services.common import parse_id
from . import bp
from .helpers import paginated, pagination


def _int_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return None
    return parse_id(value, name)


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
    events, total = history.list_events(
        db.session, article_id=_int_arg("article_id"), actor_id=_int_arg("actor_id"),
        action=request.args.get("action") or None, since=_time_arg("since"), until=_time_arg("until"),
        page=page, per_page=per_page,
    )  # fmt: skip
    return paginated([history.event_dict(e) for e in events], page, per_page, total)


@bp.get("/audit/verify")
def verify_audit():
    require(current_actor(), Permission.VERIFY_AUDIT)
    result = verify_chain(db.session, head=request.args.get("head") or None)
    return jsonify({"ok": result.ok, "events": result.events, "first_bad_id": result.first_bad_id,
                    "reason": result.reason, "head": {"seq": result.head_seq, "hash": result.head_hash}})  # fmt: skip
