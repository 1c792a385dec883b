from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    code = StringField(
        "Code from your authenticator app (if you use two-step sign-in)",
        validators=[Length(max=20)],
    )
    remember = BooleanField("Keep me signed in on this computer")
    next = HiddenField()


class LogoutForm(FlaskForm):
    everywhere = BooleanField("Sign out on every device")


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


class RevokeTokenForm(FlaskForm):
    pass


class TotpConfirmForm(FlaskForm):
    code = StringField("6-digit code from the app", validators=[DataRequired(), Length(max=20)])


class TotpDisableForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=1024)])
    code = StringField(
        "A current code or a recovery code", validators=[DataRequired(), Length(max=20)]
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), Length(min=10, max=1024)])
    confirm = PasswordField(
        "Repeat new password", validators=[EqualTo("password", "the passwords differ")]
    )
