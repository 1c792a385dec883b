"""A claim's discussion on the claim page: comment, change or delete one's comment."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factcheck.extensions import db
from factcheck.forms.comments import CommentForm, DeleteCommentForm, EditCommentForm
from factcheck.services import discussion
from factcheck.views.claims import act_on_claim

bp = Blueprint("discussion", __name__)


@bp.post("/claims/<int:claim_id>/comments")
@login_required
def add(claim_id: int):
    form = CommentForm()
    return act_on_claim(claim_id, form, "comment_form", lambda s: discussion.add_comment(
        s, actor=current_user, claim_id=claim_id, body=form.body.data).claim, _("Comment added."))  # fmt: skip


@bp.post("/comments/<int:comment_id>/edit")
@login_required
def edit(comment_id: int):
    claim_id = discussion.get_comment(db.session, comment_id).claim_id
    form = EditCommentForm()
    return act_on_claim(claim_id, form, "edit_comment_form", lambda s: discussion.edit_comment(
        s, actor=current_user, comment_id=comment_id, body=form.body.data).claim,
        _("Comment changed."), edited_comment_id=comment_id)  # fmt: skip


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete(comment_id: int):
    claim_id = discussion.get_comment(db.session, comment_id).claim_id
    form = DeleteCommentForm()
    return act_on_claim(claim_id, form, "delete_comment_form", lambda s: discussion.delete_comment(
        s, actor=current_user, comment_id=comment_id).claim, _("Comment deleted."))  # fmt: skip
