"""The inbox: the signed-in person's notices, newest first; mark one or all read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.forms.notifications import MarkReadForm
from factcheck.jobs.notice_text import describe, kind_label, link_path
from factcheck.services import notifications

bp = Blueprint("notifications", __name__, url_prefix="/inbox")
PER_PAGE = 25


def _page_arg() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 100_000)) if value.isdigit() else 1


@bp.get("")
@login_required
def index():
    page, unread_only = _page_arg(), request.args.get("unread") == "1"
    items, total = notifications.list_notifications(
        db.session, current_user, page=page, per_page=PER_PAGE, unread_only=unread_only
    )
    rows = [{"n": n, "text": describe(n), "kind": kind_label(n.kind), "link": link_path(n)}
            for n in items]  # fmt: skip
    return render_template("notifications/index.html", rows=rows, page=page, total=total,
                           per_page=PER_PAGE, unread_only=unread_only, form=MarkReadForm(),
                           unread=notifications.unread_count(db.session, current_user))  # fmt: skip


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Mark one notice read; with ``open=1``, go on to what it is about."""
    if not MarkReadForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("notifications.index"))
    with transaction() as s:
        notice = notifications.mark_read(s, actor=current_user, notification_id=notification_id)
        target = link_path(notice)
    if request.form.get("open") == "1" and target:
        return redirect(target)
    return redirect(url_for("notifications.index", page=request.form.get("page") or None))


@bp.post("/read-all")
@login_required
def mark_all_read():
    if MarkReadForm().validate_on_submit():
        with transaction() as s:
            n = notifications.mark_all_read(s, actor=current_user)
        flash(_("%(num)d notices marked read.", num=n) if n != 1 else _("1 notice marked read."),
              "success")  # fmt: skip
    return redirect(url_for("notifications.index"))
