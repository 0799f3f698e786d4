"""Forms of the main blueprint."""

from flask_wtf import FlaskForm
from wtforms import Field, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

# Tab and line breaks may appear in a message body; no other control character.
ALLOWED_CONTROLS = "\t\n\r"


def printable(form: FlaskForm, field: Field) -> None:
    """Refuse NUL, escape codes and other control characters (databases choke)."""
    text = field.data or ""
    if any(ord(c) < 32 and c not in ALLOWED_CONTROLS or ord(c) == 127 for c in text):
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
