from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional


class EditClaimForm(FlaskForm):
    speaker = StringField(
        _l("Speaker (who the claim is attributed to)"), validators=[Length(max=500)]
    )
    statement = TextAreaField(
        _l("Statement (the checkable claim in the desk's words)"), validators=[Length(max=20000)]
    )
    start = IntegerField(_l("Start offset"), validators=[Optional()])
    end = IntegerField(_l("End offset"), validators=[Optional()])
    version = HiddenField()


class SplitForm(FlaskForm):
    at = IntegerField(_l("Split at body offset"), validators=[InputRequired()])
    version = HiddenField()


class MergeForm(FlaskForm):
    with_id = HiddenField(validators=[DataRequired()])
    version = HiddenField()


class ExcludeForm(FlaskForm):
    reason = StringField(
        _l("Reason (not check-worthy, opinion, boilerplate, …)"),
        validators=[DataRequired(), Length(max=2000)],
    )
    version = HiddenField()


class IncludeForm(FlaskForm):
    version = HiddenField()


class ConfirmSpeakerForm(FlaskForm):
    """Confirm the speaker the splitter was unsure of (one key in the workspace: c)."""

    version = HiddenField()
