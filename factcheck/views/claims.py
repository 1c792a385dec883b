"""The claim page: review form, reviews you may see, a lead's decisions, edits, history."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import escape

from factcheck.database import transaction
from factcheck.errors import FORM_ERRORS, Conflict
from factcheck.extensions import db
from factcheck.forms import apply_errors
from factcheck.forms.claims import (
    ConfirmSpeakerForm,
    EditClaimForm,
    ExcludeForm,
    IncludeForm,
    MergeForm,
    SplitForm,
)
from factcheck.forms.comments import CommentForm, DeleteCommentForm, EditCommentForm
from factcheck.forms.reviews import ApproveForm, ReopenForm, ReturnForm, ReviewForm
from factcheck.models import Claim, ClaimStatus
from factcheck.services import approvals, blind, claims, discussion, history, reviews
from factcheck.services.common import get_claim
from factcheck.services.similar import similar_claims
from factcheck.text.markup import render_markdown
from factcheck.views.desk import wants_json
from factcheck.web.i18n import detail, label, say
from factcheck.web.timeline import timeline as page_timeline

bp = Blueprint("claims", __name__, url_prefix="/claims")


def discussion_context(claim, forms: dict) -> dict:
    """What the panel's Discussion section shows; a refused form keeps its input and errors."""
    return {
        "thread": discussion.thread(db.session, current_user, claim),
        "comment_form": forms.get("comment_form") or CommentForm(formdata=None),
        "edit_comment_form": forms.get("edit_comment_form"),  # None: each comment's is fresh
        "edited_comment_id": forms.get("edited_comment_id"),
        "EditCommentForm": EditCommentForm,
        "delete_comment_form": DeleteCommentForm(formdata=None),
    }


def _review_form(claim, own, cite: dict | None = None) -> ReviewForm:
    """The review form: your review if any, plus a blank (or a cited) evidence row."""
    links = [link.as_dict() for link in own.links] if own else []
    if own is None and cite is None:
        return ReviewForm(formdata=None)
    data = {"verdict": own.verdict, "note": own.note, "version": own.version} if own else {}
    form = ReviewForm(formdata=None, data={**data, "links": links})
    form.links.append_entry(cite)
    return form


def _citation(similar: list[dict]) -> dict | None:
    """?cite=<claim id> pre-fills an evidence row with a previously checked claim."""
    cited = request.args.get("cite", type=int)
    item = next((s for s in similar if s["claim_id"] == cited), None)
    if item is None:
        return None
    return {"url": url_for("claims.show", claim_id=item["claim_id"], _external=True), "stance": "context",
            "title": _("Previously checked (%(verdict)s): %(title)s", title=item["article_title"],
                       verdict=label("verdict", item["final_verdict"]).lower())[:500],
            "excerpt": item["statement"][:2000]}  # fmt: skip


def claim_context(claim_id: int, **forms) -> dict:
    """Everything the claim panel shows; forms given (with errors) replace the fresh ones."""
    db.session.expire_all()
    claim = get_claim(db.session, claim_id)
    own = reviews.get_own_review(db.session, claim.id, current_user.id)
    visible = reviews.visible_reviews(db.session, current_user, claim)
    similar = similar_claims(db.session, claim, limit=5)
    neighbours = _neighbours(claim)
    hidden = blind.is_blind(current_user, claim)
    real = claim
    claim = blind.as_seen(current_user, claim)  # the page shows the status and version seen
    ctx = {
        "review_form": forms.get("review_form") or _review_form(claim, own, _citation(similar)),
        "approve_form": forms.get("approve_form") or ApproveForm(formdata=None, verdict=_consensus(visible), version=claim.version),
        "return_form": forms.get("return_form") or ReturnForm(formdata=None, version=claim.version),
        "reopen_form": forms.get("reopen_form") or ReopenForm(formdata=None, version=claim.version),
        "edit_form": forms.get("edit_form") or EditClaimForm(formdata=None, speaker=claim.speaker, statement=claim.statement, version=claim.version),
        "split_form": forms.get("split_form") or SplitForm(formdata=None, version=claim.version),
        "exclude_form": forms.get("exclude_form") or ExcludeForm(formdata=None, version=claim.version),
        "include_form": IncludeForm(formdata=None, version=claim.version),
        "merge_form": MergeForm(formdata=None, version=claim.version),
        "confirm_speaker_form": ConfirmSpeakerForm(formdata=None, version=claim.version),
    }  # fmt: skip
    timeline = page_timeline(history.claim_history(db.session, real, current_user))
    return dict(
        claim=claim, article=claim.article, own=own, reviews=visible,
        blind=hidden,
        timeline=timeline, neighbours=neighbours, render_markdown=render_markdown,
        ClaimStatus=ClaimStatus, conflict=forms.get("conflict"), refused=forms.get("refused"), similar=similar, **ctx,
        **discussion_context(real, forms),
    )  # fmt: skip


def _consensus(visible) -> str | None:
    """The verdict every visible review agrees on: the lead's approve form starts there."""
    verdicts = {r.verdict for r in visible}
    return verdicts.pop() if len(verdicts) == 1 else None


def render_claim(claim_id: int, status: int = 200, **forms):
    """The claim page (or, with ?panel=workspace|page, only its panel for the workspace script)."""
    ctx = claim_context(claim_id, **forms)
    panel = request.args.get("panel")
    if panel in ("workspace", "page") and request.method == "GET":
        return render_template(
            "claims/_panel.html", in_workspace=panel == "workspace", **ctx
        ), status
    return render_template("claims/show.html", in_workspace=False, **ctx), status


def _neighbours(claim):
    siblings = claim.article.claims
    i = next(i for i, c in enumerate(siblings) if c.id == claim.id)
    return (siblings[i - 1] if i > 0 else None, siblings[i + 1] if i + 1 < len(siblings) else None)


@bp.get("/<int:claim_id>")
@login_required
def show(claim_id: int):
    return render_claim(claim_id)


def act_on_claim(claim_id: int, form, form_key: str, call, success: str, **extra):
    """Validate a form, run one service in one transaction, then redirect (or answer the page
    script in JSON); a refusal is shown once, next to the form, with the input kept."""
    as_json = wants_json()
    if not form.validate_on_submit():
        if as_json:
            errors = {k: "; ".join(map(str, v)) for k, v in form.errors.items()}
            return jsonify({"detail": _("check the highlighted fields"), "errors": errors}), 422
        return _refused(claim_id, 422, **{form_key: form}, **extra)
    try:
        with transaction() as s:
            result = call(s)
            target = _target_id(result, claim_id)
    except Conflict as exc:
        stale = "current_version" in exc.extra
        if as_json:
            return jsonify({"detail": detail(exc), "errors": _errors(exc), "stale": stale,
                            **({"current_version": exc.extra["current_version"]} if stale else {})}), exc.status  # fmt: skip
        if stale and hasattr(form, "version"):
            form.version.data = exc.extra["current_version"]
            return _refused(claim_id, exc.status, conflict=detail(exc), **{form_key: form}, **extra)
        apply_errors(form, exc)
        return _refused(claim_id, exc.status, **{form_key: form}, **extra)
    except FORM_ERRORS as exc:
        if as_json:
            return jsonify({"detail": detail(exc), "errors": _errors(exc)}), exc.status
        apply_errors(form, exc)
        return _refused(claim_id, exc.status, **{form_key: form}, **extra)
    if as_json:
        return jsonify({"message": success, "claim_id": target})
    flash(success, "success")
    return redirect(_back(target))


def _errors(exc) -> dict:
    """A refusal's field messages in the page's language (the page script shows them)."""
    return {key: say(message) for key, message in (exc.errors or {}).items()}


def _target_id(result, claim_id: int) -> int:
    """The claim to show after the change (a split shows its first part)."""
    first = result[0] if isinstance(result, tuple) and result else result
    return getattr(first, "id", None) or claim_id


def _refused(claim_id: int, status: int, **forms):
    """The page the form came from, with the refused form (input kept) in its panel.

    A refusal of the whole form (not of one field) shows with the form; when the claim's
    state hides that form (an approved claim has no edit form), it shows at the panel's top
    instead, so it is never lost and never shown twice."""
    message = " ".join(str(e) for f in forms.values() for e in getattr(f, "form_errors", ()))
    page, code = _refused_page(claim_id, status, **forms)
    if message and str(escape(message)) not in page:
        page, code = _refused_page(claim_id, status, refused=message, **forms)
    return page, code


def _refused_page(claim_id: int, status: int, **forms):
    if request.form.get("back") != "workspace":
        return render_claim(claim_id, status, **forms)
    from factcheck.views.articles import render_workspace  # the workspace imports this module

    claim = db.session.get(Claim, claim_id)
    if claim is None:
        return render_claim(claim_id, status, **forms)
    panel = render_template(
        "claims/_panel.html", in_workspace=True, **claim_context(claim_id, **forms)
    )
    return render_workspace(claim.article_id, selected=claim_id, panel=panel), status


def _back(claim_id: int) -> str:
    """Back to the workspace the form came from (a fixed choice, never a URL), or the claim page."""
    if request.form.get("back") != "workspace":
        return url_for("claims.show", claim_id=claim_id)
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        return url_for("articles.index")
    return url_for("articles.show", article_id=claim.article_id, claim=claim_id, _anchor="panel")


@bp.post("/<int:claim_id>/review")
@login_required
def review(claim_id: int):
    form = ReviewForm()
    return act_on_claim(claim_id, form, "review_form", lambda s: reviews.submit_review(
        s, actor=current_user, claim_id=claim_id, verdict=form.verdict.data, note=form.note.data,
        links=form.link_data(), version=form.version.data or None), _("Review saved."))  # fmt: skip


@bp.post("/<int:claim_id>/approve")
@login_required
def approve(claim_id: int):
    form = ApproveForm()
    return act_on_claim(claim_id, form, "approve_form", lambda s: approvals.approve_claim(
        s, actor=current_user, claim_id=claim_id, verdict=form.verdict.data, note=form.note.data,
        version=form.version.data), _("Final verdict approved."))  # fmt: skip


@bp.post("/<int:claim_id>/return")
@login_required
def return_(claim_id: int):
    form = ReturnForm()
    return act_on_claim(claim_id, form, "return_form", lambda s: approvals.return_claim(
        s, actor=current_user, claim_id=claim_id, comment=form.comment.data,
        version=form.version.data), _("Claim returned to the reviewers."))  # fmt: skip


@bp.post("/<int:claim_id>/reopen")
@login_required
def reopen(claim_id: int):
    form = ReopenForm()
    return act_on_claim(claim_id, form, "reopen_form", lambda s: approvals.reopen_claim(
        s, actor=current_user, claim_id=claim_id, reason=form.reason.data,
        version=form.version.data), _("Claim reopened."))  # fmt: skip


@bp.post("/<int:claim_id>/edit")
@login_required
def edit(claim_id: int):
    form = EditClaimForm()
    return act_on_claim(claim_id, form, "edit_form", lambda s: claims.update_claim(
        s, actor=current_user, claim_id=claim_id, version=form.version.data,
        start=form.start.data, end=form.end.data, speaker=form.speaker.data,
        statement=form.statement.data), _("Claim updated."))  # fmt: skip


@bp.post("/<int:claim_id>/speaker/confirm")
@login_required
def confirm_speaker(claim_id: int):
    form = ConfirmSpeakerForm()
    return act_on_claim(claim_id, form, "confirm_speaker_form", lambda s: claims.update_claim(
        s, actor=current_user, claim_id=claim_id, version=form.version.data,
        confirm_speaker=True), _("Speaker confirmed."))  # fmt: skip


@bp.post("/<int:claim_id>/split")
@login_required
def split(claim_id: int):
    form = SplitForm()
    return act_on_claim(claim_id, form, "split_form", lambda s: claims.split_claim(
        s, actor=current_user, claim_id=claim_id, at=form.at.data,
        version=form.version.data), _("Claim split in two."))  # fmt: skip


@bp.post("/<int:claim_id>/merge")
@login_required
def merge(claim_id: int):
    form = MergeForm()
    return act_on_claim(claim_id, form, "merge_form", lambda s: claims.merge_claims(
        s, actor=current_user, claim_id=claim_id, with_id=form.with_id.data,
        version=form.version.data), _("Claims merged."))  # fmt: skip


@bp.post("/<int:claim_id>/exclude")
@login_required
def exclude(claim_id: int):
    form = ExcludeForm()
    return act_on_claim(claim_id, form, "exclude_form", lambda s: claims.exclude_claim(
        s, actor=current_user, claim_id=claim_id, reason=form.reason.data,
        version=form.version.data), _("Claim excluded from review."))  # fmt: skip


@bp.post("/<int:claim_id>/include")
@login_required
def include(claim_id: int):
    form = IncludeForm()
    return act_on_claim(claim_id, form, "include_form", lambda s: claims.include_claim(
        s, actor=current_user, claim_id=claim_id, version=form.version.data),
        _("Claim brought back into review."))  # fmt: skip
