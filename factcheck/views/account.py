"""The signed-in person's account: API tokens and password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from ..database import transaction
from ..errors import FORM_ERRORS
from ..forms import apply_errors
from ..forms.auth import ChangePasswordForm, RevokeTokenForm, TokenForm
from ..services import users
from ..services.passwords import verify_password

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status=200, **forms):
    forms.setdefault("token_form", TokenForm())
    forms.setdefault("password_form", ChangePasswordForm())
    return render_template(
        "account/index.html", tokens=current_user.tokens, revoke_form=RevokeTokenForm(), **forms
    ), status


@bp.get("")
@login_required
def index():
    return _page()


@bp.post("/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(422, token_form=form)
    try:
        with transaction() as s:
            _token, plaintext = users.create_token(s, actor=current_user, name=form.name.data)
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _page(exc.status, token_form=form)
    # Shown once: the page is rendered (not redirected) so the secret is never in a URL or flash.
    return render_template("account/token_created.html", token=plaintext, name=form.name.data), 201


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    form = RevokeTokenForm()
    if form.validate_on_submit():
        with transaction() as s:
            users.revoke_token(s, actor=current_user, token_id=token_id)
        flash("Token revoked; it no longer works.", "success")
    return redirect(url_for("account.index"))


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and not verify_password(
        current_user.password_hash, form.current.data
    ):
        form.current.errors = ["that is not your current password"]
    elif form.validate_on_submit():
        try:
            with transaction() as s:
                users.reset_password(
                    s, actor=current_user, user_id=current_user.id, password=form.password.data
                )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
            return _page(exc.status, password_form=form)
        logout_user()
        flash(
            "Password changed. Every session was signed out; sign in with the new password.",
            "success",
        )
        return redirect(url_for("auth.login"))
    return _page(422, password_form=form)
