from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Length, Optional


class ImportForm(FlaskForm):
    title = StringField(
        "Title (optional: found in the text when left empty)", validators=[Length(max=500)]
    )
    text = TextAreaField("Paste the article text (or a whole HTML page)")
    file = FileField("…or upload a file (.txt, .md or .html)")
    url = URLField("…or import from a web address", validators=[Optional(), Length(max=2048)])
    source_url = URLField("Source URL (optional)", validators=[Optional(), Length(max=2048)])
    publisher = StringField("Publisher (optional)", validators=[Length(max=500)])
    published_at = DateField("Published on (optional)", validators=[Optional()])
    # choices: the desk's languages, set by the view; the service checks the code
    language = SelectField("Language", validate_choice=False)


class LanguageForm(FlaskForm):
    language = SelectField("Language", validate_choice=False)  # choices as ImportForm's
    version = HiddenField()


class NewVersionForm(FlaskForm):
    text = TextAreaField("Paste the corrected text (or a whole HTML page)")
    file = FileField("…or upload it (.txt, .md or .html)")
    url = URLField("…or import it from a web address", validators=[Optional(), Length(max=2048)])
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
    start = StringField("Start offset")
    end = StringField("End offset")
