"""Forms of the main blueprint."""

from flask_wtf import FlaskForm
from wtforms import Field, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from {{ cookiecutter.project_slug }}.validation import has_control_characters


def printable(form: FlaskForm, field: Field) -> None:
    """Refuse NUL, escape codes and other control characters but line breaks."""
    if has_control_characters(field.data or ""):
        raise ValidationError("Please use printable characters only.")


class MessageForm(FlaskForm):
    """A short message: who writes it and what it says."""

    author = StringField(
        "Your name", validators=[DataRequired(), Length(max=80), printable]
    )
    body = TextAreaField(
        "Message", validators=[DataRequired(), Length(max=500), printable]
    )
    submit = SubmitField("Post message")
