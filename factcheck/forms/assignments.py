from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional


class AssignForm(FlaskForm):
    user_id = SelectField("Reviewer", coerce=int, validators=[DataRequired()])
    due_on = DateField("Due on (optional)", validators=[Optional()])
