from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from factcheck.settings import LOCALES

CODE_LABEL = _l("Code from your authenticator app (if you use two-step sign-in)")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    code = StringField(CODE_LABEL, validators=[Length(max=40)])
    remember = BooleanField(_l("Keep me signed in on this computer"))
    next = HiddenField()


class LogoutForm(FlaskForm):
    everywhere = BooleanField(_l("Sign out on every device"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    expires_days = IntegerField(
        _l("Expires after (days; empty: the default, 0: never)"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
    )
    read_only = BooleanField(_l("Read-only (refused on any change)"))


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])
    code = StringField(CODE_LABEL, validators=[Length(max=40)])
    next = HiddenField()


class ResetTwoStepForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (kept in the audit trail)"), validators=[DataRequired(), Length(max=2000)]
    )


class RevokeTokenForm(FlaskForm):
    pass


class TotpConfirmForm(FlaskForm):
    code = StringField(_l("6-digit code from the app"), validators=[DataRequired(), Length(max=20)])


class TotpDisableForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=1024)])
    code = StringField(
        _l("A current code or a recovery code"), validators=[DataRequired(), Length(max=40)]
    )


class LocaleForm(FlaskForm):
    # Each language is named in itself, so that a person lost in another language finds theirs.
    locale = SelectField(
        _l("Language"),
        choices=lambda: [
            ("", str(_l("The browser's language")), {}),
            *((code, name, {"lang": code}) for code, name in LOCALES.items()),
        ],  # fmt: skip
        default="",
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    code = StringField(CODE_LABEL, validators=[Length(max=40)])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=10, max=1024)]
    )
    confirm = PasswordField(
        _l("Repeat new password"), validators=[EqualTo("password", _l("the passwords differ"))]
    )
