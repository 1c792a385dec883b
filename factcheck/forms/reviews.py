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

from factcheck.models import Stance, Verdict

VERDICT_CHOICES = {v.value: v.label for v in Verdict}
STANCE_CHOICES = {s.value: s.value.capitalize() for s in Stance}


class LinkForm(Form):
    url = StringField("URL", validators=[Length(max=2048)])
    title = StringField("Title", validators=[Length(max=500)])
    # No default: every link's stance is the reviewer's choice (the service refuses none).
    stance = SelectField("Stance", choices={"": "— choose —", **STANCE_CHOICES}, default="")
    excerpt = TextAreaField("Excerpt (optional)", validators=[Length(max=2000)])
    archived_url = StringField("Archived copy URL (optional)", validators=[Length(max=2048)])


class ReviewForm(FlaskForm):
    verdict = RadioField(
        "Verdict", choices=VERDICT_CHOICES, validators=[DataRequired("choose a verdict")]
    )
    note = TextAreaField("Note (Markdown)", validators=[Length(max=20000)])
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
        "Final verdict", choices=VERDICT_CHOICES, validators=[DataRequired("choose a verdict")]
    )
    note = TextAreaField("Lead's note (required when reviews disagree or you overrule them)")
    version = HiddenField()


class ReturnForm(FlaskForm):
    comment = TextAreaField("Comment for the reviewers", validators=[DataRequired()])
    version = HiddenField()


class ReopenForm(FlaskForm):
    reason = TextAreaField("Reason for reopening", validators=[DataRequired()])
    version = HiddenField()
