"""Bulk export: every report approved in a date range, as one streamed ZIP."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import login_required

from ..database import transaction
from ..extensions import db
from ..reports.render import FORMATS
from ..security import current_actor
from ..services import exports
from .articles import FORMAT_LABELS

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.get("")
@login_required
def index():
    today = date.today()
    return render_template("exports/index.html", since=(today - timedelta(days=30)).isoformat(),
                           until=today.isoformat(), formats=[(f, FORMAT_LABELS[f]) for f in FORMATS])  # fmt: skip


def zip_response(since, until, fmt) -> Response:
    """Audit the exports in one transaction, then stream the ZIP (shared with the API)."""
    actor = current_actor()
    with transaction() as s:
        ids = exports.plan_bulk_export(s, actor=actor, since=since, until=until, fmt=fmt)
    chunks = exports.stream_bulk_export(
        db.session, actor=actor, article_ids=ids, fmt=fmt,
        report_url=lambda aid: url_for("articles.show", article_id=aid, _external=True),
    )  # fmt: skip
    resp = Response(stream_with_context(chunks), mimetype="application/zip")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="factcheck-reports-{since}-{until}-{fmt}.zip"'
    )
    return resp


@bp.get("/bulk")
@login_required
def bulk():
    args = request.args
    return zip_response(args.get("since", ""), args.get("until", ""), args.get("format", "json"))
