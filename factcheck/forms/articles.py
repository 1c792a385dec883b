from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Length, Optional


class ImportForm(FlaskForm):
    title = StringField(
        _l("Title (optional: found in the text when left empty)"), validators=[Length(max=500)]
    )
    text = TextAreaField(_l("Paste the article text (or a whole HTML page)"))
    file = FileField(_l("…or upload a file (.txt, .md or .html)"))
    url = URLField(_l("…or import from a web address"), validators=[Optional(), Length(max=2048)])
    source_url = URLField(_l("Source URL (optional)"), validators=[Optional(), Length(max=2048)])
    publisher = StringField(_l("Publisher (optional)"), validators=[Length(max=500)])
    published_at = DateField(_l("Published on (optional)"), validators=[Optional()])
    # choices: the desk's languages, set by the view; the service checks the code
    language = SelectField(_l("Language"), validate_choice=False)


class ImportRetryForm(FlaskForm):
    """The "Try again" button of a failed URL import (its CSRF token only)."""


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), validate_choice=False)  # choices as ImportForm's
    version = HiddenField()


class NewVersionForm(FlaskForm):
    text = TextAreaField(_l("Paste the corrected text (or a whole HTML page)"))
    file = FileField(_l("…or upload it (.txt, .md or .html)"))
    url = URLField(
        _l("…or import it from a web address"), validators=[Optional(), Length(max=2048)]
    )
    version = HiddenField()


class ApproveArticleForm(FlaskForm):
    published_url = URLField(
        "Published at",
        validators=[Optional(), Length(max=2048)],
        description="The public address of the published fact-check: ClaimReview's url, "
        "what a search engine links to. Never the desk's own page.",
    )
    version = HiddenField()


class AddClaimForm(FlaskForm):
    start = StringField(_l("Start offset"))
    end = StringField(_l("End offset"))
