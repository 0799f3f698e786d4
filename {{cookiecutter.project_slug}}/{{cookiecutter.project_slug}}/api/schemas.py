"""Marshmallow schemas: what the API accepts and what it answers."""
{%- if cookiecutter.use_sqlalchemy %}

from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from {{ cookiecutter.project_slug }}.models import as_utc
from {{ cookiecutter.project_slug }}.validation import PRINTABLE

# Documented as the fields' pattern in the OpenAPI description.
NO_CONTROL_CHARACTERS = validate.Regexp(
    PRINTABLE, error="Control characters are not allowed."
)


def valid_unicode(text: str) -> None:
    """Refuse unpaired surrogates, which no database can store as text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValidationError("Text must be valid Unicode.") from error


class UTCDateTime(fields.DateTime):
    """A timestamp with its zone: stored in UTC, though SQLite and MySQL drop it."""

    def _serialize(
        self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | float | None:
        return super()._serialize(value and as_utc(value), attr, obj, **kwargs)
{%- else %}

from marshmallow import Schema, fields
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
        required=True,
        validate=[
            validate.Length(min=1, max=120),
            NO_CONTROL_CHARACTERS,
            valid_unicode,
        ],
    )
    body = fields.String(
        load_default="",
        validate=[validate.Length(max=2000), NO_CONTROL_CHARACTERS, valid_unicode],
    )
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class NotePatchSchema(NoteSchema):
    """Some fields of a note, for PATCH: each one optional."""


class PageArgsSchema(Schema):
    """Which page of a list to answer, and how long pages are."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class NotePageSchema(Schema):
    """One page of notes, with what a client needs to fetch the others."""

    items = fields.List(fields.Nested(NoteSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)
{%- endif %}
