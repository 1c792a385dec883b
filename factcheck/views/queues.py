"""Queues: what is waiting for me (reviewers) and for the desk (leads); assigning work."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..database import transaction
from ..errors import FORM_ERRORS
from ..extensions import db
from ..forms.assignments import AssignForm
from ..permissions import Permission, can
from ..services import assignments, users

bp = Blueprint("queues", __name__)


@bp.get("/queue")
@login_required
def index():
    mine = assignments.reviewer_queue(db.session, current_user)
    desk = (
        assignments.lead_queue(db.session) if can(current_user, Permission.APPROVE_CLAIM) else None
    )
    return render_template("queues/index.html", mine=mine, desk=desk)


def assign_form() -> AssignForm:
    """The form with the active accounts as choices."""
    form = AssignForm()
    form.user_id.choices = {
        str(u.id): f"{u.display_name} ({u.role})" for u in users.list_users(db.session) if u.active
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
            flash(f"Not assigned: {exc.detail}", "error")
        else:
            flash("Assigned." if created else "Already assigned to that reviewer.", "success")
    else:
        flash("Not assigned: choose a reviewer.", "error")
    return redirect(url_for("articles.show", article_id=article_id))
