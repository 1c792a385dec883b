"""A claim's discussion: write a comment, change it, delete it (CSRF-checked POSTs)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired


class CommentForm(FlaskForm):
    # The length is the service's rule (MAX_COMMENT_CHARS), refused with its message.
    body = TextAreaField(_l("Your comment"), validators=[DataRequired()])


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Change your comment"), validators=[DataRequired()])


class DeleteCommentForm(FlaskForm):
    pass
