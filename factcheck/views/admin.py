"""Admin pages: accounts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factcheck.database import transaction
from factcheck.errors import FORM_ERRORS
from factcheck.extensions import db
from factcheck.forms.auth import ResetTwoStepForm
from factcheck.forms.users import CreateUserForm, EditUserForm, ResetPasswordForm
from factcheck.permissions import Permission, require
from factcheck.services import second_factor, users
from factcheck.services.common import get_user
from factcheck.settings import settings_of
from factcheck.web.auth import authenticated_at
from factcheck.web.i18n import apply_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    require(current_user, Permission.MANAGE_USERS)


def _list(status=200, create_form=None):
    return render_template(
        "admin/users.html", users=users.list_users(db.session), form=create_form or CreateUserForm()
    ), status


@bp.get("/users")
def user_list():
    return _list()


@bp.post("/users")
def create_user():
    form = CreateUserForm()
    if not form.validate_on_submit():
        return _list(422, form)
    try:
        with transaction() as s:
            users.create_user(s, actor=current_user, email=form.email.data, display_name=form.display_name.data,
                              role=form.role.data, password=form.password.data)  # fmt: skip
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _list(exc.status, form)
    flash(_("Account %(email)s created.", email=form.email.data), "success")
    return redirect(url_for("admin.user_list"))


def _edit_page(user, status=200, form=None, reset_form=None, totp_form=None):
    form = form or EditUserForm(obj=user)
    return render_template(
        "admin/user_edit.html", user=user, form=form, reset_form=reset_form or ResetPasswordForm(),
        totp_form=totp_form or ResetTwoStepForm(),
        totp_roles=settings_of(db.session).REQUIRE_TOTP_FOR,
    ), status  # fmt: skip


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_user(db.session, user_id)
    form = EditUserForm(obj=user)
    if not form.is_submitted():
        return _edit_page(user, form=form)
    if not form.validate():
        return _edit_page(user, 422, form)
    try:
        with transaction() as s:
            users.update_user(s, actor=current_user, user_id=user_id, role=form.role.data,
                              active=form.active.data, display_name=form.display_name.data)  # fmt: skip
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _edit_page(get_user(db.session, user_id), exc.status, form)
    flash(_("Account updated."), "success")
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    form = ResetPasswordForm()
    user = get_user(db.session, user_id)
    if not form.validate_on_submit():
        return _edit_page(user, 422, reset_form=form)
    try:
        with transaction() as s:
            users.reset_password(
                s, actor=current_user, user_id=user_id, password=form.password.data
            )
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _edit_page(get_user(db.session, user_id), exc.status, reset_form=form)
    flash(_("Password reset; the account's sessions were ended."), "success")
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/two-step/reset")
def reset_two_step(user_id: int):
    """Turn off someone's two-step sign-in (a lost phone), with a reason; needs the admin's
    own recent sign-in (else the re-authentication page, then back here)."""
    form = ResetTwoStepForm()
    user = get_user(db.session, user_id)
    if not form.validate_on_submit():
        return _edit_page(user, 422, totp_form=form)
    try:
        with transaction() as s:
            second_factor.reset(s, actor=current_user, user_id=user_id, reason=form.reason.data,
                                authenticated_at=authenticated_at())  # fmt: skip
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _edit_page(get_user(db.session, user_id), exc.status, totp_form=form)
    flash(_("Two-step sign-in reset; the account's sessions were ended."), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))
