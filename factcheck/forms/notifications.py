"""The inbox's forms: mark read (a CSRF-checked POST), and the e-mail choices."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from factcheck.models import NoticeKind


class MarkReadForm(FlaskForm):
    pass


class EmailNoticesForm(FlaskForm):
    kinds = SelectMultipleField(
        _l("Send me an e-mail for"),
        choices=[],  # set by the view: the kinds, labelled in the reader's language
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )

    def __init__(self, *args, labels: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = labels or {}
        self.kinds.choices = [(k.value, labels.get(k, k.value)) for k in NoticeKind]
