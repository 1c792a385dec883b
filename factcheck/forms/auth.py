from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

CODE_LABEL = "Code from your authenticator app (if you use two-step sign-in)"


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    code = StringField(CODE_LABEL, validators=[Length(max=40)])
    remember = BooleanField("Keep me signed in on this computer")
    next = HiddenField()


class LogoutForm(FlaskForm):
    everywhere = BooleanField("Sign out on every device")


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])
    expires_days = IntegerField(
        "Expires after (days; empty: the default, 0: never)",
        validators=[Optional(), NumberRange(min=0, max=3650)],
    )
    read_only = BooleanField("Read-only (refused on any change)")


class ReauthForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)])
    code = StringField(CODE_LABEL, validators=[Length(max=40)])
    next = HiddenField()


class ResetTwoStepForm(FlaskForm):
    reason = TextAreaField(
        "Reason (kept in the audit trail)", validators=[DataRequired(), Length(max=2000)]
    )


class RevokeTokenForm(FlaskForm):
    pass


class TotpConfirmForm(FlaskForm):
    code = StringField("6-digit code from the app", validators=[DataRequired(), Length(max=20)])


class TotpDisableForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)])
    code = StringField(
        "A current code or a recovery code", validators=[DataRequired(), Length(max=40)]
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    code = StringField(CODE_LABEL, validators=[Length(max=40)])
    password = PasswordField("New password", validators=[DataRequired(), Length(min=10, max=1024)])
    confirm = PasswordField(
        "Repeat new password", validators=[EqualTo("password", "the passwords differ")]
    )
