"""The audit page for leads and admins: the trail with filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..extensions import db
from ..permissions import Permission, require
from ..services import history
from ..services.audit import verify_chain

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _date(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """A date filter; 'until' a day includes that whole day."""
    try:
        day = datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None
    except ValueError:
        return None
    return day + timedelta(days=1) if day and end_of_day and len(value) == 10 else day


@bp.get("")
@login_required
def index():
    require(current_user, Permission.VIEW_AUDIT)
    args = request.args
    page = max(args.get("page", 1, type=int) or 1, 1)
    events, total = history.list_events(
        db.session, article_id=args.get("article_id", type=int), actor_id=args.get("actor_id", type=int),
        action=args.get("action") or None, since=_date(args.get("since")), until=_date(args.get("until"), end_of_day=True),
        page=page, per_page=50,
    )  # fmt: skip
    return render_template("audit/index.html", events=events, total=total, page=page, per_page=50,
                           args=args, describe=history.describe_changes)  # fmt: skip


@bp.get("/verify")
@login_required
def verify():
    require(current_user, Permission.VERIFY_AUDIT)
    return render_template("audit/verify.html", result=verify_chain(db.session))
