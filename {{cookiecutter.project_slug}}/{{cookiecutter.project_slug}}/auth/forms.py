"""Forms of the auth blueprint."""
{%- if cookiecutter.use_mail %}

from typing import Any
{%- endif %}

from flask import current_app
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from zxcvbn import zxcvbn

from {{ cookiecutter.project_slug }}.main.forms import printable

# NIST SP 800-63B: allow at least 64 characters.
MAX_PASSWORD_LENGTH = 128
# zxcvbn judges the first 16 characters only: its time grows fast with length
# (up to 3 s of CPU for 72 characters of l33t symbols, 0.1 s at most for 16).
# The minimum length is checked on the whole password.
ZXCVBN_MAX_LENGTH = 16
# zxcvbn's score, 0 to 4: below 3, its lists and patterns guess the password in
# fewer than 10^10 tries (common passwords, words, dates, keyboard walks...).
MIN_PASSWORD_SCORE = 3


def strip_whitespace(value: str | None) -> str | None:
    """Drop spaces around a typed value, as people paste them by accident."""
    return value.strip() if isinstance(value, str) else value


def known_words(form: FlaskForm) -> list[str]:
    """What names the user: a password made from it is easy to guess."""
    if "email" in form:
        return [form["email"].data or ""]
{%- if cookiecutter.use_mail %}
    account_email = getattr(form, "account_email", None)
    if account_email:
        return [account_email]
{%- endif %}
    return [current_user.email] if current_user.is_authenticated else []


def new_password(form: FlaskForm, field: Field) -> None:
    """NIST SP 800-63B: long enough, and not a commonly used or guessable password."""
    password = field.data or ""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(f"Use at least {minimum} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if "current_password" in form and form["current_password"].errors:
        return  # cheap checks first: no costly judgement behind a wrong password
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=known_words(form))
    if result["score"] < MIN_PASSWORD_SCORE:
        warning = result["feedback"]["warning"] or "It is too easy to guess."
        raise ValidationError(
            f"This password is too common or easy to guess. {warning}"
            " Try a few unrelated words."
        )


def confirm_password() -> PasswordField:
    """The second copy of the new password must match the first."""
    return PasswordField(
        "Confirm password",
        validators=[
            DataRequired(),
            EqualTo("password", message="The two passwords must match."),
        ],
    )


class RegistrationForm(FlaskForm):
    """A new account: an email address and a password typed twice."""

    email = EmailField(
        "Email",
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=254), printable],
    )
    password = PasswordField("Password", validators=[DataRequired(), new_password])
    confirm_password = confirm_password()
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


def is_current_password(form: FlaskForm, field: Field) -> None:
    """The logged-in user's password, checked before the new one is judged."""
    if not current_user.check_password(field.data or ""):
        raise ValidationError("This is not your current password.")


class PasswordChangeForm(FlaskForm):
    """The current password, then the new one typed twice."""

    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired(),
            Length(max=MAX_PASSWORD_LENGTH),
            is_current_password,
        ],
    )
    password = PasswordField("New password", validators=[DataRequired(), new_password])
    confirm_password = confirm_password()
    submit = SubmitField("Change password")
{%- if cookiecutter.use_mail %}


class ResetRequestForm(FlaskForm):
    """The address of the account whose password was forgotten."""

    email = EmailField(
        "Email",
        filters=[strip_whitespace],
        validators=[DataRequired(), Email(), Length(max=254), printable],
    )
    submit = SubmitField("Send me a link")


class ResetPasswordForm(FlaskForm):
    """A new password typed twice, for the account a reset link names."""

    password = PasswordField("New password", validators=[DataRequired(), new_password])
    confirm_password = confirm_password()
    submit = SubmitField("Set password")

    def __init__(self, account_email: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The password policy refuses a password made from the address.
        self.account_email = account_email
{%- endif %}
