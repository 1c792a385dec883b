"""Sign-in and sign-out."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from factcheck.database import transaction
from factcheck.errors import RateLimited
from factcheck.extensions import db
from factcheck.forms.auth import LoginForm, LogoutForm
from factcheck.services import users
from factcheck.web.auth import mark_authenticated, rate_limited_page, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("articles.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        given = {"email": form.email.data, "password": form.password.data, "code": form.code.data}
        try:
            checked = users.prepare_sign_in(db.session, **given)  # Argon2 before the write turn
            with transaction() as s:
                user = users.sign_in(s, **given, checked=checked)
                user_id = user.id if user else None
        except RateLimited as exc:
            return rate_limited_page("auth/login.html", form, exc)
        if user_id is not None:
            target = safe_next(form.next.data)
            session.clear()  # no fixation: a fresh session (and CSRF token) after sign-in
            login_user(user, remember=form.remember.data)
            mark_authenticated()  # the password (and code) were given just now
            flash(_("Signed in as %(name)s.", name=user.display_name), "success")
            return redirect(target or url_for("articles.index"))
        form.form_errors.append(_("Wrong email or password, or the account is deactivated."))
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        with transaction() as s:
            users.sign_out(s, actor=current_user, everywhere=form.everywhere.data)
        logout_user()
        session.clear()
        flash(_("Signed out."), "info")
    return redirect(url_for("auth.login"))
