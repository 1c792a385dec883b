"""Admin pages: webhook endpoints, their delivery log, secrets shown once, retries."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factcheck.database import transaction
from factcheck.errors import FORM_ERRORS, Conflict, InvalidInput
from factcheck.extensions import db
from factcheck.forms.webhooks import ActionForm, CreateEndpointForm, EditEndpointForm
from factcheck.net.client import check_url
from factcheck.permissions import Permission, require
from factcheck.services import webhooks
from factcheck.services.sources import fetch_policy
from factcheck.web.i18n import apply_errors, detail

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
PER_PAGE = 50


@bp.before_request
@login_required
def _admins_only():
    require(current_user, Permission.MANAGE_WEBHOOKS)


def _index(status=200, form=None):
    return render_template("webhooks/index.html", endpoints=webhooks.list_endpoints(db.session),
                           form=form or CreateEndpointForm(), action_form=ActionForm()), status  # fmt: skip


@bp.get("")
def index():
    return _index()


@bp.post("")
def create():
    form = CreateEndpointForm()
    if not form.validate_on_submit():
        return _index(422, form)
    try:
        checked = check_url(form.url.data, fetch_policy())  # DNS before the transaction, not inside
        with transaction() as s:
            endpoint, secret = webhooks.create_endpoint(s, actor=current_user, url=checked,
                                                        events=form.events.data or [],
                                                        description=form.description.data)  # fmt: skip
            endpoint_id, url = endpoint.id, endpoint.url
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _index(422 if exc.status in (502, 504) else exc.status, form)
    # Shown once: rendered (not redirected) so the secret is never in a URL, flash or log.
    return render_template("webhooks/secret.html", endpoint_id=endpoint_id, url=url,
                           secret=secret, rotated=False), 201  # fmt: skip


def _show(endpoint_id: int, status=200, form=None):
    endpoint = webhooks.get_endpoint(db.session, endpoint_id)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)
    items, total = webhooks.list_deliveries(db.session, endpoint_id, page, PER_PAGE)
    form = form or EditEndpointForm(data={"events": list(endpoint.events or []),
                                          "description": endpoint.description or "",
                                          "active": endpoint.active})  # fmt: skip
    return render_template("webhooks/show.html", endpoint=endpoint, deliveries=items, total=total,
                           page=page, per_page=PER_PAGE, form=form,
                           action_form=ActionForm()), status  # fmt: skip


@bp.get("/<int:endpoint_id>")
def show(endpoint_id: int):
    return _show(endpoint_id)


@bp.post("/<int:endpoint_id>")
def update(endpoint_id: int):
    form = EditEndpointForm()
    if not form.validate_on_submit():
        return _show(endpoint_id, 422, form)
    try:
        with transaction() as s:
            webhooks.update_endpoint(s, actor=current_user, endpoint_id=endpoint_id,
                                     active=bool(form.active.data), events=form.events.data or [],
                                     description=form.description.data or "")  # fmt: skip
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return _show(endpoint_id, exc.status, form)
    flash(_("Webhook updated."), "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))


def _action(call, message: str, to: str):
    """Run a one-button action (CSRF-checked) in one transaction, then go back."""
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; reload the page and try again."), "error")
        return redirect(to)
    try:
        with transaction() as s:
            call(s)
    except (Conflict, InvalidInput) as exc:  # NotFound and PermissionDenied get their pages
        flash(detail(exc), "error")
        return redirect(to)
    flash(message, "success")
    return redirect(to)


@bp.post("/<int:endpoint_id>/toggle")
def toggle(endpoint_id: int):
    active = not webhooks.get_endpoint(db.session, endpoint_id).active
    return _action(lambda s: webhooks.update_endpoint(s, actor=current_user, endpoint_id=endpoint_id,
                                                      active=active),
                   _("Webhook switched on.") if active else _("Webhook switched off."),
                   url_for("webhooks.index"))  # fmt: skip


@bp.post("/<int:endpoint_id>/rotate")
def rotate(endpoint_id: int):
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; reload the page and try again."), "error")
        return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))
    with transaction() as s:
        endpoint, secret = webhooks.rotate_secret(s, actor=current_user, endpoint_id=endpoint_id)
        url = endpoint.url
    return render_template("webhooks/secret.html", endpoint_id=endpoint_id, url=url,
                           secret=secret, rotated=True)  # fmt: skip


@bp.post("/<int:endpoint_id>/delete")
def delete(endpoint_id: int):
    return _action(lambda s: webhooks.delete_endpoint(s, actor=current_user, endpoint_id=endpoint_id),
                   _("Webhook deleted with its delivery log."), url_for("webhooks.index"))  # fmt: skip


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/retry")
def retry(endpoint_id: int, delivery_id: int):
    return _action(lambda s: webhooks.retry_delivery(s, actor=current_user, delivery_id=delivery_id,
                                                                endpoint_id=endpoint_id),
                   _("Delivery queued to be sent again now."),
                   url_for("webhooks.show", endpoint_id=endpoint_id,
                           page=request.args.get("page", 1, type=int)))  # fmt: skip
