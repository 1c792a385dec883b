from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from factcheck.forms import translated
from factcheck.models import Stance, Verdict

VERDICT_CHOICES = {
    Verdict.CONFIRMED.value: _l("Confirmed"),
    Verdict.UNCONFIRMED.value: _l("Unconfirmed"),
    Verdict.DISPUTED.value: _l("Disputed"),
}
STANCE_CHOICES = {
    Stance.SUPPORTS.value: _l("Supports"),
    Stance.CONTRADICTS.value: _l("Contradicts"),
    Stance.CONTEXT.value: _l("Context"),
}


class LinkForm(Form):
    url = StringField(_l("URL"), validators=[Length(max=2048)])
    title = StringField(_l("Title"), validators=[Length(max=500)])
    # No default: every link's stance is the reviewer's choice (the service refuses none).
    stance = SelectField(
        _l("Stance"), choices=translated({"": _l("— choose —"), **STANCE_CHOICES}), default=""
    )
    excerpt = TextAreaField(_l("Excerpt (optional)"), validators=[Length(max=2000)])
    archived_url = StringField(_l("Archived copy URL (optional)"), validators=[Length(max=2048)])


class ReviewForm(FlaskForm):
    verdict = RadioField(
        _l("Verdict"),
        choices=translated(VERDICT_CHOICES),
        validators=[DataRequired(_l("choose a verdict"))],
    )
    note = TextAreaField(_l("Note (Markdown)"), validators=[Length(max=20000)])
    links = FieldList(FormField(LinkForm), min_entries=1, max_entries=50)
    version = HiddenField()

    def link_data(self) -> list[dict]:
        """The filled-in evidence rows (blank rows are ignored)."""
        out = []
        for entry in self.links.entries:
            d = {k: (v or "").strip() for k, v in entry.data.items() if k != "csrf_token"}
            if not d["url"] and not d["title"] and not d["excerpt"] and not d["archived_url"]:
                continue
            out.append({k: v for k, v in d.items() if v or k in ("url", "title", "stance")})
        return out


class ApproveForm(FlaskForm):
    verdict = RadioField(
        _l("Final verdict"),
        choices=translated(VERDICT_CHOICES),
        validators=[DataRequired(_l("choose a verdict"))],
    )
    note = TextAreaField(_l("Lead's note (required when reviews disagree or you overrule them)"))
    version = HiddenField()


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("Comment for the reviewers"), validators=[DataRequired()])
    version = HiddenField()


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[DataRequired()])
    version = HiddenField()
