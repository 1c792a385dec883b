from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from factcheck.forms import translated
from factcheck.models import Role

ROLE_CHOICES = {
    Role.REVIEWER.value: _l("Reviewer"),
    Role.LEAD.value: _l("Lead"),
    Role.ADMIN.value: _l("Admin"),
}


class CreateUserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=translated(ROLE_CHOICES), default=Role.REVIEWER.value)
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(min=10, max=1024)]
    )


class EditUserForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=translated(ROLE_CHOICES))
    active = BooleanField(_l("Active (can sign in)"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=1024)]
    )
