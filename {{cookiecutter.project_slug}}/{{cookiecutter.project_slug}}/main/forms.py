"""Forms of the main blueprint."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length


class MessageForm(FlaskForm):
    """A short message: who writes it and what it says."""

    author = StringField("Your name", validators=[DataRequired(), Length(max=80)])
    body = TextAreaField("Message", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Post message")
