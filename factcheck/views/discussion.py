"""A claim's discussion on the claim page: comment, change or delete one's comment."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factcheck.extensions import db
from factcheck.forms.comments import CommentForm, DeleteCommentForm, EditCommentForm
from factcheck.services import discussion

bp = Blueprint("discussion", __name__)


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


def _act(claim_id: int, form, key: str, call, success: str, **extra):
    """The claim page's way with a form (validate, one service, redirect or show refused)."""
    from factcheck.views.claims import _act as act  # the claim page imports this module

    return act(claim_id, form, key, call, success, **extra)


@bp.post("/claims/<int:claim_id>/comments")
@login_required
def add(claim_id: int):
    form = CommentForm()
    return _act(claim_id, form, "comment_form", lambda s: discussion.add_comment(
        s, actor=current_user, claim_id=claim_id, body=form.body.data).claim, _("Comment added."))  # fmt: skip


@bp.post("/comments/<int:comment_id>/edit")
@login_required
def edit(comment_id: int):
    claim_id = discussion.get_comment(db.session, comment_id).claim_id
    form = EditCommentForm()
    return _act(claim_id, form, "edit_comment_form", lambda s: discussion.edit_comment(
        s, actor=current_user, comment_id=comment_id, body=form.body.data).claim,
        _("Comment changed."), edited_comment_id=comment_id)  # fmt: skip


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete(comment_id: int):
    claim_id = discussion.get_comment(db.session, comment_id).claim_id
    form = DeleteCommentForm()
    return _act(claim_id, form, "delete_comment_form", lambda s: discussion.delete_comment(
        s, actor=current_user, comment_id=comment_id).claim, _("Comment deleted."))  # fmt: skip
