"""The workspace as a queue: the next claim that needs you, the claim list's filters, and
a lead's bulk decisions (a form that works without JavaScript, JSON for the page script)."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import FORM_ERRORS
from factcheck.extensions import db
from factcheck.models import Claim
from factcheck.permissions import Permission, can
from factcheck.services import blind, desk, users
from factcheck.services.common import get_article
from factcheck.web.i18n import detail, say

bp = Blueprint("desk", __name__)


def wants_json() -> bool:
    """The page script asks for JSON; a plain form post gets a page."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def workspace_args(flt: desk.ClaimFilter, sort: str | None) -> dict:
    """What the workspace URL keeps: the filters and the order."""
    return {**flt.as_args(), **({"sort": sort} if sort else {})}


def queue_context(article, numbered: list, flt: desk.ClaimFilter) -> dict:
    """The claim list as a queue: what needs me (reason per claim), the filtered list, the
    desk's reviewers for the filters and bulk assignment (reads only)."""
    needs = desk.needs_me(db.session, current_user, article.id)
    assigned = desk.assignees_of(db.session, article.id)
    shown = [(n, c) for n, c in numbered if flt.keeps(c, assigned.get(c.id, set()))]
    # the reviews' common verdict (bulk approval's default), never for a claim whose reviews
    # the viewer may not read yet: blind review holds in the page's data too
    agreed = {c.id: desk.agreed_verdict(c) for _, c in shown if not blind.is_blind(current_user, c)}
    reviewers = []
    if can(current_user, Permission.DECIDE_CLAIMS):
        reviewers = [u for u in users.list_users(db.session) if u.active]
    return {"needs": needs, "reasons": desk.REASONS, "shown": shown, "flt": flt,
            "reviewers": reviewers, "agreed": agreed,
            "select_all": request.args.get("select") == "all"}  # fmt: skip


@bp.get("/articles/<int:article_id>/next")
@login_required
def next_claim(article_id: int):
    """The next claim that needs you after ?after=<claim id> (the `g` key; a link without JS)."""
    article = get_article(db.session, article_id)
    needs = desk.needs_me(db.session, current_user, article.id)
    order = list(db.session.scalars(select(Claim.id).where(Claim.article_id == article.id, Claim.current())
                                    .order_by(Claim.start)))  # fmt: skip
    after = request.args.get("after", type=int)
    nxt = desk.next_needed(order, needs, after)
    keep = desk.ClaimFilter.from_args(request.args).as_args()
    if request.args.get("sort"):
        keep["sort"] = request.args["sort"]
    if wants_json():
        return jsonify(
            {"claim_id": nxt, "reason": desk.REASONS.get(needs.get(nxt)), "left": len(needs)}
        )
    if nxt is None:
        flash(_("Nothing on this article needs you now."), "info")
        return redirect(url_for("articles.show", article_id=article.id, **keep))
    return redirect(
        url_for("articles.show", article_id=article.id, claim=nxt, _anchor="panel", **keep)
    )


@bp.post("/articles/<int:article_id>/bulk")
@login_required
def bulk(article_id: int):
    """A lead's decision on the selected claims; one result per claim."""
    ids = [int(v) for v in request.form.getlist("claim_ids") if v.isdigit()]
    versions = {
        int(k[2:]): int(v)
        for k, v in request.form.items()
        if k.startswith("v-") and k[2:].isdigit() and v.isdigit()
    }
    action = request.form.get("action", "")
    try:
        with transaction() as s:
            results = desk.bulk_decide(
                s, actor=current_user, action=action, claim_ids=ids,
                note=request.form.get("note", ""), reason=request.form.get("reason", ""),
                user_id=request.form.get("user_id") or None, due_on=request.form.get("due_on") or None,
                versions={k: versions[k] for k in ids if k in versions},
            )  # fmt: skip
    except FORM_ERRORS as exc:
        if wants_json():
            errors = {key: say(message) for key, message in (exc.errors or {}).items()}
            return jsonify({"detail": detail(exc), "errors": errors}), exc.status
        flash(_("Nothing done: %(why)s.", why=detail(exc)), "error")
        return redirect(_back(article_id))
    seq = _seq_of(article_id)
    for r in results:
        r["seq"] = seq.get(r["claim_id"])
        if not r["ok"]:  # the page says why in its language (the API keeps the English)
            r["detail"] = say(r["detail"])
    done = sum(r["ok"] for r in results)
    summary = str(_PAST.get(action, _PAST[""])) % {"done": done, "total": len(results)}
    if wants_json():
        return jsonify({"summary": summary, "done": done, "results": results})
    flash(summary, "success" if done == len(results) else "info")
    for r in results:
        if not r["ok"]:
            flash(_("Claim %(seq)s: %(why)s.", seq=r["seq"] or r["claim_id"], why=r["detail"]),
                  "error")  # fmt: skip
    return redirect(_back(article_id))


_PAST = {  # the summary of a bulk decision, by its action
    "approve": _l("%(done)s of %(total)s claims approved."),
    "exclude": _l("%(done)s of %(total)s claims excluded."),
    "assign": _l("%(done)s of %(total)s claims assigned."),
    "due": _l("%(done)s of %(total)s claims given the due date."),
    "": _l("%(done)s of %(total)s claims done."),
}


def _seq_of(article_id: int) -> dict[int, int]:
    """Each claim's number (the one the list shows, kept through splits and merges)."""
    rows = db.session.execute(select(Claim.id, Claim.number).where(Claim.article_id == article_id))
    return {cid: number for cid, number in rows}


def _back(article_id: int) -> str:
    """Back to the workspace with the filters it was showing (fixed keys, never a URL)."""
    flt = desk.ClaimFilter.from_args(request.form)
    sort = "worth" if request.form.get("sort") == "worth" else None
    return url_for("articles.show", article_id=article_id, **workspace_args(flt, sort))
