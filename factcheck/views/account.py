"""The signed-in person's account: API tokens, password, two-step sign-in, re-authentication.

Creating a token, setting up or turning off two-step sign-in and changing the password
need the password (and code) given within REAUTH_SECONDS (services/recent_auth): the
services refuse otherwise, and the error handler sends the person to the re-authentication
page, which brings them back where they were.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from factcheck.database import transaction
from factcheck.errors import FORM_ERRORS, RateLimited, ReauthRequired
from factcheck.extensions import db
from factcheck.forms.auth import (
    ChangePasswordForm,
    LocaleForm,
    ReauthForm,
    RevokeTokenForm,
    TokenForm,
    TotpConfirmForm,
    TotpDisableForm,
)
from factcheck.forms.notifications import EmailNoticesForm
from factcheck.jobs.notice_text import KIND_LABELS
from factcheck.models import utcnow
from factcheck.permissions import Permission, can
from factcheck.services import notifications, second_factor, sign_in, users
from factcheck.services.passwords import hash_password
from factcheck.services.recent_auth import is_recent
from factcheck.settings import settings_of
from factcheck.web.auth import authenticated_at, mark_authenticated, rate_limited_page, safe_next
from factcheck.web.i18n import apply_errors, browser_locale

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(status=200, **forms):
    forms.setdefault("token_form", TokenForm())
    forms.setdefault("password_form", ChangePasswordForm())
    forms.setdefault("totp_disable_form", TotpDisableForm())
    forms.setdefault("totp_start_form", RevokeTokenForm())
    forms.setdefault("locale_form", LocaleForm(locale=current_user.locale or ""))
    forms.setdefault("notices_form", EmailNoticesForm(
        labels=KIND_LABELS, kinds=sorted(notifications.email_kinds(current_user))))  # fmt: skip
    return render_template(
        "account/index.html", tokens=current_user.tokens, revoke_form=RevokeTokenForm(),
        totp_required=not can(current_user, Permission.USE_DESK),
        token_days=settings_of(db.session).TOKEN_DEFAULT_DAYS,
        recovery_left=second_factor.recovery_codes_left(current_user),
        recent=is_recent(db.session, authenticated_at()),
        mail_on=bool(settings_of(db.session).SMTP_HOST), **forms,
    ), status  # fmt: skip


@bp.get("")
@login_required
def index():
    return _page()


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
def reauth():
    """Give the password (and code) again, then go back to where you were."""
    form = ReauthForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        given = {"password": form.password.data, "code": form.code.data}
        try:
            checked = sign_in.prepare_reauth(db.session, actor=current_user, **given)
            with transaction() as s:  # the write turn only counts and records (Argon2 ran above)
                ok = sign_in.reauthenticate(s, actor=current_user, **given, checked=checked)
        except RateLimited as exc:
            return rate_limited_page("account/reauth.html", form, exc)
        if ok:
            mark_authenticated()
            flash(_("Confirmed. You can go on."), "success")
            return redirect(safe_next(form.next.data) or url_for("account.index"))
        form.form_errors.append(_("That password or code is not right."))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("account/reauth.html", form=form), status


def _confirm(password, code) -> bool:
    """The password (and code) in a form, checked like re-authentication (limited, audited)."""
    checked = sign_in.prepare_reauth(db.session, actor=current_user, password=password, code=code)
    with transaction() as s:  # Argon2 ran above, before the write turn
        ok = sign_in.reauthenticate(
            s, actor=current_user, password=password, code=code, checked=checked
        )
    if ok:
        mark_authenticated()
    return ok


@bp.post("/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(422, token_form=form)
    try:
        with transaction() as s:
            token, plaintext = users.create_token(
                s, actor=current_user, name=form.name.data, expires_days=form.expires_days.data,
                read_only=form.read_only.data, authenticated_at=authenticated_at(),
            )  # fmt: skip
            expires_at, read_only = token.expires_at, token.read_only
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _page(exc.status, token_form=form)
    # Shown once: the page is rendered (not redirected) so the secret is never in a URL or flash.
    return render_template("account/token_created.html", token=plaintext, name=form.name.data,
                           expires_at=expires_at, read_only=read_only), 201  # fmt: skip


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    form = RevokeTokenForm()
    if form.validate_on_submit():
        with transaction() as s:
            users.revoke_token(s, actor=current_user, token_id=token_id)
        flash(_("Token revoked; it no longer works."), "success")
    return redirect(url_for("account.index"))


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _page(422, password_form=form)
    try:
        confirmed = _confirm(form.current.data, form.code.data)
    except RateLimited as exc:
        apply_errors(form, exc)
        return _page(exc.status, password_form=form)
    if not confirmed:
        form.current.errors = [_("that is not your current password (or the code is wrong)")]
        return _page(422, password_form=form)
    try:
        users.check_password(form.password.data)
        new_hash = hash_password(form.password.data)  # Argon2 before the write unit
        with transaction() as s:
            users.reset_password(s, actor=current_user, user_id=current_user.id,
                                 password=form.password.data, password_hash=new_hash,
                                 authenticated_at=authenticated_at())  # fmt: skip
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _page(exc.status, password_form=form)
    logout_user()
    flash(
        _(
            "Password changed. Every session, remember-me cookie and API token was ended; "
            "sign in with the new password."
        ),
        "success",
    )
    return redirect(url_for("auth.login"))


@bp.post("/language")
@login_required
def set_locale():
    """The person's interface language (saved on the account, audited)."""
    form = LocaleForm()
    if not form.validate_on_submit():
        return _page(422, locale_form=form)
    with transaction() as s:
        users.set_locale(s, actor=current_user, locale=form.locale.data or None)
    with force_locale(form.locale.data or browser_locale()):  # the message in the new language
        flash(_("Language saved."), "success")
    return redirect(url_for("account.index") + "#language")


@bp.post("/notices")
@login_required
def set_notices():
    """Which notices also come by e-mail (saved on the account, audited)."""
    form = EmailNoticesForm(labels=KIND_LABELS)
    if not form.validate_on_submit():
        return _page(422, notices_form=form)
    with transaction() as s:
        notifications.set_email_notices(s, actor=current_user, kinds=form.kinds.data or [])
    flash(_("E-mail settings saved."), "success")
    return redirect(url_for("account.index") + "#notices")


@bp.post("/two-step/start")
@login_required
def totp_start():
    """Begin two-step set-up: a new secret, shown as a QR code, confirmed with a code."""
    if RevokeTokenForm().validate_on_submit():
        with transaction() as s:
            second_factor.start_setup(s, actor=current_user, authenticated_at=authenticated_at())
    return redirect(url_for("account.totp_setup"))


@bp.route("/two-step", methods=["GET", "POST"])
@login_required
def totp_setup():
    form = TotpConfirmForm()
    if current_user.has_totp or not current_user.totp_secret:
        return redirect(url_for("account.index"))
    if not is_recent(db.session, authenticated_at()):
        raise ReauthRequired("confirm your password first")
    if form.validate_on_submit():
        recovery = second_factor.make_recovery_codes()  # Argon2 work before the write unit
        try:
            with transaction() as s:
                codes = second_factor.confirm_setup(s, actor=current_user, code=form.code.data,
                                                    authenticated_at=authenticated_at(),
                                                    recovery=recovery)  # fmt: skip
        except FORM_ERRORS as exc:
            apply_errors(form, exc)
        else:
            # Signed in again with the new generation so this session stays valid.
            login_user(current_user._get_current_object())
            mark_authenticated()
            return render_template("account/recovery_codes.html", codes=codes)
    uri = second_factor.provisioning_uri(current_user)
    import segno  # on first use: only the two-step set-up page draws a QR code

    qr = segno.make(uri, error="m").svg_inline(scale=5, dark="#1b1f24", light="#ffffff")
    return render_template("account/two_step.html", form=form, uri=uri, qr=Markup(qr),
                           secret=current_user.totp_secret), 422 if form.errors else 200  # fmt: skip


@bp.post("/two-step/disable")
@login_required
def totp_disable():
    form = TotpDisableForm()
    if not form.validate_on_submit():
        return _page(422, totp_disable_form=form)
    try:
        if not _confirm(form.password.data, form.code.data):
            form.code.errors = [_("wrong password or code")]
            return _page(422, totp_disable_form=form)
        with transaction() as s:
            second_factor.disable(s, actor=current_user, authenticated_at=utcnow())
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _page(exc.status, totp_disable_form=form)
    flash(_("Two-step sign-in is off."), "success")
    return redirect(url_for("account.index"))
