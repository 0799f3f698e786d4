"""Marshmallow schemas: what the API accepts and what it answers."""

from marshmallow import Schema
{%- if cookiecutter.use_sqlalchemy %}
from marshmallow import ValidationError
{%- endif %}
from marshmallow import fields
{%- if cookiecutter.use_sqlalchemy %}
from marshmallow import validate


def printable(text):
    """Refuse control characters (but newlines and tabs) and unpaired surrogates."""
    if any(ord(char) < 32 and char not in "\n\t" for char in text):
        raise ValidationError("Control characters are not allowed.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError("Text must be valid Unicode.") from error
{%- endif %}


class HealthSchema(Schema):
    """The API's liveness answer."""

    status = fields.String(required=True)


class VersionSchema(Schema):
    """The application's name and version."""

    name = fields.String(required=True)
    version = fields.String(required=True)
{%- if cookiecutter.use_sqlalchemy %}


class NoteSchema(Schema):
    """A note: a unique title and a body."""

    id = fields.Integer(dump_only=True)
    title = fields.String(
        required=True, validate=[validate.Length(min=1, max=120), printable]
    )
    body = fields.String(
        load_default="", validate=[validate.Length(max=2000), printable]
    )
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class NotePatchSchema(NoteSchema):
    """Some fields of a note, for PATCH: each one optional."""
{%- endif %}
