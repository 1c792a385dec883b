"""Queues: what is waiting for me (reviewers) and for the desk (leads); assigning work."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.errors import FORM_ERRORS
from factcheck.extensions import db
from factcheck.forms.assignments import AssignForm
from factcheck.models import Article, Claim, ClaimStatus, Verdict
from factcheck.permissions import Permission, can
from factcheck.services import assignments, users
from factcheck.web.i18n import detail, label

bp = Blueprint("queues", __name__)


@bp.get("/queue")
@login_required
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = assignments.PER_PAGE  # each section pages: a big desk's hold 100,000s of claims
    mine = assignments.reviewer_queue(db.session, current_user, page=page, per_page=per_page)
    desk = (
        assignments.lead_queue(db.session, page=page, per_page=per_page)
        if can(current_user, Permission.DECIDE_CLAIMS)
        else None
    )
    charts = _verdict_charts() if desk is not None else None
    more = any(mine["more"].values()) or bool(desk and any(desk["more"].values()))
    return render_template("queues/index.html", mine=mine, desk=desk, charts=charts,
                           page=page, per_page=per_page, more=more)  # fmt: skip


CHART_KEYS = (*(v.value for v in Verdict), "pending")  # a bar per final verdict, and the rest


def _verdict_charts(limit: int = 20) -> list[dict]:
    """Final verdicts per article (newest articles first), for the small charts of the desk."""
    recent = db.session.scalars(
        select(Article).order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
    ).all()
    counts = {a.id: dict.fromkeys(CHART_KEYS, 0) for a in recent}
    rows = db.session.execute(
        select(Claim.article_id, Claim.final_verdict, func.count())
        .where(Claim.article_id.in_(list(counts)), Claim.current(), Claim.status != ClaimStatus.EXCLUDED)
        .group_by(Claim.article_id, Claim.final_verdict)
    )  # fmt: skip
    for article_id, verdict, n in rows:
        counts[article_id][verdict or "pending"] += n
    out = []
    for a in recent:
        c = counts[a.id]
        total = sum(c.values())
        x, bars = 0.0, []
        for key in CHART_KEYS:
            width = round(100 * c[key] / total, 2) if total else 0
            bars.append({"key": key, "x": round(x, 2), "width": width, "n": c[key]})
            x += width
        out.append({"article": a, "counts": c, "total": total, "bars": bars})
    return out


def assign_form() -> AssignForm:
    """The form with the active accounts as choices."""
    form = AssignForm()
    form.user_id.choices = {
        str(u.id): f"{u.display_name} ({label('role', u.role)})"
        for u in users.list_users(db.session)
        if u.active
    }
    return form


@bp.post("/articles/<int:article_id>/assign")
@login_required
def assign(article_id: int):
    form = assign_form()
    if form.validate_on_submit():
        try:
            with transaction() as s:
                created = assignments.assign(s, actor=current_user, user_id=form.user_id.data,
                                             article_id=article_id, due_on=form.due_on.data)  # fmt: skip
        except FORM_ERRORS as exc:
            flash(_("Not assigned: %(why)s", why=detail(exc)), "error")
        else:
            flash(_("Assigned.") if created else _("Already assigned to that reviewer."), "success")
    else:
        flash(_("Not assigned: choose a reviewer."), "error")
    return redirect(url_for("articles.show", article_id=article_id))
