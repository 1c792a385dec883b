"""Bulk export: every report approved in a date range, as one streamed ZIP."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    redirect,
    render_template,
    url_for,
)
from flask_login import login_required

from factcheck.extensions import db
from factcheck.jobs.render import bulk_pending
from factcheck.reports.render import FORMATS
from factcheck.services import exports, render_requests
from factcheck.settings import settings_of
from factcheck.views.articles import FORMAT_LABELS, RENDER_POLL_SECONDS
from factcheck.web.auth import current_actor
from factcheck.web.downloads import bulk_args, zip_response
from factcheck.web.safe_reads import require_same_site_read

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.get("")
@login_required
def index():
    today = date.today()
    return render_template("exports/index.html", since=(today - timedelta(days=30)).isoformat(),
                           until=today.isoformat(), formats=[(f, FORMAT_LABELS[f]) for f in FORMATS],
                           report_language=settings_of(db.session).report_language)  # fmt: skip


@bp.get("/bulk")
@login_required
def bulk():
    require_same_site_read()  # it records every export of the ZIP
    since, until, fmt, lang = bulk_args()
    if bulk_pending(current_actor(), since=since, until=until, fmt=fmt, retry_failed=True,
                    language=lang):  # fmt: skip
        # some files are too long to render while the ZIP streams: see them being prepared
        return redirect(url_for("exports.bulk_status", since=since, until=until, format=fmt,
                                lang=lang), 303)  # fmt: skip
    return zip_response(since, until, fmt, lang)


@bp.get("/bulk/status")
@login_required
def bulk_status():
    """The files a bulk export waits for; reloads itself, then downloads the ZIP."""
    since, until, fmt, lang = bulk_args()
    ids = exports.approved_between(
        db.session, actor=current_actor(), since=since, until=until, fmt=fmt
    )
    states = render_requests.requests_for(db.session, article_ids=ids, fmt=fmt)
    failed = [state for state in states if state.error]
    state = "failed" if failed else "ready" if not states else "rendering"
    return render_template(
        "exports/bulk_status.html", state=state, states=states, failed=failed, reports=len(ids),
        since=since, until=until, label=FORMAT_LABELS[fmt], poll=RENDER_POLL_SECONDS,
        download_url=url_for("exports.bulk", since=since, until=until, format=fmt, lang=lang),
    )  # fmt: skip
