from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired, Optional


class AssignForm(FlaskForm):
    user_id = SelectField(_l("Reviewer"), coerce=int, validators=[DataRequired()])
    due_on = DateField(_l("Due on (optional)"), validators=[Optional()])
