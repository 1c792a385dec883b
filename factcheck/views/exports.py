"""Bulk export: every report approved in a date range, as one streamed ZIP."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import login_required

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs.render import bulk_pending
from factcheck.models import User
from factcheck.reports.render import FORMATS
from factcheck.services import exports, render_requests
from factcheck.views.articles import FORMAT_LABELS, RENDER_POLL_SECONDS
from factcheck.web.auth import current_actor

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
    actor_id = actor.id

    def chunks():
        # The ZIP streams after the view has returned: the request's app context, and its
        # session with the signed-in account in it, are gone by then (a server, unlike the
        # test client, tears them down), so the account is read again in the stream's own.
        yield from exports.stream_bulk_export(
            db.session, actor=db.session.get(User, actor_id), article_ids=ids, fmt=fmt,
            report_url=lambda aid: url_for("articles.show", article_id=aid, _external=True),
        )  # fmt: skip

    resp = Response(stream_with_context(chunks()), mimetype="application/zip")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="factcheck-reports-{since}-{until}-{fmt}.zip"'
    )
    return resp


def bulk_args() -> tuple[str, str, str]:
    """(since, until, format) of a bulk export request (the web page's and the API's)."""
    args = request.args
    return args.get("since", ""), args.get("until", ""), args.get("format", "json")


@bp.get("/bulk")
@login_required
def bulk():
    since, until, fmt = bulk_args()
    if bulk_pending(current_actor(), since=since, until=until, fmt=fmt, retry_failed=True):
        # some files are too long to render while the ZIP streams: see them being prepared
        return redirect(url_for("exports.bulk_status", since=since, until=until, format=fmt), 303)
    return zip_response(since, until, fmt)


@bp.get("/bulk/status")
@login_required
def bulk_status():
    """The files a bulk export waits for; reloads itself, then downloads the ZIP."""
    since, until, fmt = bulk_args()
    ids = exports.approved_between(
        db.session, actor=current_actor(), since=since, until=until, fmt=fmt
    )
    states = render_requests.requests_for(db.session, article_ids=ids, fmt=fmt)
    failed = [state for state in states if state.error]
    state = "failed" if failed else "ready" if not states else "rendering"
    return render_template(
        "exports/bulk_status.html", state=state, states=states, failed=failed, reports=len(ids),
        since=since, until=until, label=FORMAT_LABELS[fmt], poll=RENDER_POLL_SECONDS,
        download_url=url_for("exports.bulk", since=since, until=until, format=fmt),
    )  # fmt: skip
