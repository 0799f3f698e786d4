"""Forms of the auth blueprint."""

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SubmitField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import Length

from {{ cookiecutter.project_slug }}.main.forms import printable

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


def strip_whitespace(value):
    """Drop spaces around a typed value, as people paste them by accident."""
    return value.strip() if isinstance(value, str) else value


class RegistrationForm(FlaskForm):
    """A new account: an email address and a password typed twice."""

    email = EmailField(
        "Email",
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=254), printable],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH),
        ],
    )
    confirm_password = PasswordField(
        "Confirm password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The two passwords must match."),
        ],
    )
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    """Credentials of an existing account."""

    email = EmailField(
        "Email",
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=254), printable],
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    remember = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")
