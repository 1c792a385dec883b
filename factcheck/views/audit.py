"""The audit page for leads and admins: the trail with filters."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_login import current_user, login_required

from factcheck.extensions import db
from factcheck.models import AuditAction
from factcheck.permissions import Permission, require
from factcheck.services import history
from factcheck.services.audit import verify_chain
from factcheck.services.common import MAX_ID
from factcheck.web import timeline

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _date(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """A date filter; 'until' a day includes that whole day."""
    try:
        day = datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None
    except ValueError:
        return None
    return day + timedelta(days=1) if day and end_of_day and len(value) == 10 else day


def _id(args, name) -> int | None:
    """An id filter; anything that is not a valid id is ignored (the page shows everything)."""
    value = args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def _filters(args) -> dict:
    return {
        "article_id": _id(args, "article_id"), "actor_id": _id(args, "actor_id"),
        "action": args.get("action") or None, "since": _date(args.get("since")),
        "until": _date(args.get("until"), end_of_day=True),
    }  # fmt: skip


@bp.get("")
@login_required
def index():
    require(current_user, Permission.VIEW_AUDIT)
    args = request.args
    result = history.list_events(db.session, per_page=50, before_seq=_id(args, "before_seq"),
                                 after_seq=_id(args, "after_seq"), **_filters(args))  # fmt: skip
    rows = [(ev, timeline.audit_row(ev)) for ev in result.items]
    actions = sorted(((a.value, timeline.action_name(a.value)) for a in AuditAction),
                     key=lambda pair: pair[1].casefold())  # fmt: skip
    return render_template("audit/index.html", page=result, rows=rows, args=args, actions=actions)


CSV_COLUMNS = ["seq", "created_at", "actor", "action", "target_type", "target_id", "article_id",
               "before", "after", "request_id", "client_addr", "prev_hash", "hash"]  # fmt: skip


@bp.get("/export")
@login_required
def export():
    """The filtered trail as CSV or JSON lines, streamed."""
    require(current_user, Permission.VIEW_AUDIT)
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "json"):
        abort(422, "format must be csv or json")
    filters = _filters(request.args)
    events = (history.event_dict(ev) for ev in history.iter_events(db.session, **filters))
    if fmt == "json":
        body = (json.dumps(ev, ensure_ascii=False) + "\n" for ev in events)
        resp = Response(stream_with_context(body), mimetype="application/x-ndjson")
    else:
        resp = Response(stream_with_context(_csv_rows(events)), mimetype="text/csv")
        resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="factcheck-audit.{"jsonl" if fmt == "json" else "csv"}"'
    )
    return resp


def _csv_rows(events):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for ev in events:
        row = [json.dumps(ev[c], ensure_ascii=False) if c in ("before", "after") and ev[c] is not None else ev[c]
               for c in CSV_COLUMNS]  # fmt: skip
        writer.writerow([neutralise(v) for v in row])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    yield buf.getvalue()


def neutralise(value):
    """Spreadsheet formula injection: a cell starting with = + - @ is prefixed with '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/verify")
@login_required
def verify():
    require(current_user, Permission.VERIFY_AUDIT)
    return render_template("audit/verify.html", result=verify_chain(db.session))
