"""The signed-in person's account: API tokens and password."""

from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from factcheck.database import transaction
from factcheck.errors import FORM_ERRORS
from factcheck.forms import apply_errors
from factcheck.forms.auth import (
    ChangePasswordForm,
    RevokeTokenForm,
    TokenForm,
    TotpConfirmForm,
    TotpDisableForm,
)
from factcheck.permissions import Permission, can
from factcheck.services import second_factor, users
from factcheck.services.passwords import verify_password

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status=200, **forms):
    forms.setdefault("token_form", TokenForm())
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("totp_disable_form", TotpDisableForm())
    forms.setdefault("totp_start_form", RevokeTokenForm())
    return render_template(
        "account/index.html", tokens=current_user.tokens, revoke_form=RevokeTokenForm(),
        totp_required=not can(current_user, Permission.USE_DESK), **forms,
    ), status  # fmt: skip


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


@bp.post("/two-step/start")
@login_required
def totp_start():
    """Begin two-step set-up: a new secret, shown as a QR code, confirmed with a code."""
    if RevokeTokenForm().validate_on_submit():
        with transaction() as s:
            second_factor.start_setup(s, actor=current_user)
    return redirect(url_for("account.totp_setup"))


@bp.route("/two-step", methods=["GET", "POST"])
@login_required
def totp_setup():
    form = TotpConfirmForm()
    if current_user.has_totp or not current_user.totp_secret:
        return redirect(url_for("account.index"))
    if form.validate_on_submit():
        try:
            with transaction() as s:
                codes = second_factor.confirm_setup(s, actor=current_user, code=form.code.data)
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            # Signed in again with the new generation so this session stays valid.
            login_user(current_user._get_current_object())
            return render_template("account/recovery_codes.html", codes=codes)
    uri = second_factor.provisioning_uri(current_user)
    qr = segno.make(uri, error="m").svg_inline(scale=5, dark="#1b1f24", light="#ffffff")
    return render_template("account/two_step.html", form=form, uri=uri, qr=Markup(qr),
                           secret=current_user.totp_secret), 422 if form.errors else 200  # fmt: skip


@bp.post("/two-step/disable")
@login_required
def totp_disable():
    form = TotpDisableForm()
    if form.validate_on_submit():
        try:
            with transaction() as s:
                second_factor.disable(
                    s, actor=current_user, password=form.password.data, code=form.code.data
                )
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
            return _page(exc.status, totp_disable_form=form)
        flash("Two-step sign-in is off.", "success")
        return redirect(url_for("account.index"))
    return _page(422, totp_disable_form=form)
