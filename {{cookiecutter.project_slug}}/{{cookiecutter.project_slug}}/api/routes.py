"""Views of the API blueprint."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy and not cookiecutter.use_login %}
import hashlib
import hmac
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from collections.abc import Callable
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and not cookiecutter.use_login %}
from functools import wraps
{%- endif %}
from importlib.metadata import PackageNotFoundError, version
{%- if cookiecutter.use_sqlalchemy %}
from typing import Any, ParamSpec, TypeVar
{%- endif %}
{# blank line #}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_login %}
from flask import g, request
{%- elif cookiecutter.use_sqlalchemy %}
from flask import current_app, request
{%- endif %}
from flask.views import MethodView
{%- if cookiecutter.use_sqlalchemy %}
from flask_smorest import abort
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
{%- endif %}

from {{ cookiecutter.project_slug }}.api import bp
from {{ cookiecutter.project_slug }}.api.schemas import (
    HealthSchema,
{%- if cookiecutter.use_sqlalchemy %}
    NotePageSchema,
    NotePatchSchema,
    NoteSchema,
    PageArgsSchema,
{%- endif %}
    VersionSchema,
)
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.api.tokens import token_required
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Note

P = ParamSpec("P")
R = TypeVar("R")
{%- endif %}


@bp.route("/health")
class Health(MethodView):
    """The API answers."""

    @bp.response(200, HealthSchema)
    def get(self) -> dict[str, str]:
        """Liveness of the API: touches no database."""
        return {"status": "ok"}


@bp.route("/version")
class Version(MethodView):
    """Which release of the application answers."""

    @bp.response(200, VersionSchema)
    def get(self) -> dict[str, str]:
        """Name and installed version of the application."""
        try:
            installed = version("{{ cookiecutter.project_slug }}")
        except PackageNotFoundError:
            installed = "unknown"
        return {"name": "{{ cookiecutter.project_slug }}", "version": installed}
{%- if cookiecutter.use_sqlalchemy %}


def documented_as_write(view: Callable[P, R]) -> Callable[P, R]:
    """Show in OpenAPI that `view` needs a bearer token and may answer 401 or 403."""
    view = bp.alt_response(401, response="UNAUTHORIZED")(view)
    view = bp.alt_response(403, response="FORBIDDEN")(view)
    documented: Callable[P, R] = bp.doc(security=[{"bearerAuth": []}])(view)
    return documented
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_login %}


def writes(view: Callable[P, R]) -> Callable[P, R]:
    """Writes need a user's bearer token: checked on each request, shown in OpenAPI."""
    return documented_as_write(token_required(view))


def owned_note(note_id: int) -> Note:
    """The note `note_id`, if the token's user owns it: 404 or 403 otherwise."""
    note = db.get_or_404(Note, note_id)
    if note.owner_id != g.api_user.id:
        abort(403, message="Only the note's owner may change or delete it.")
    return note
{%- elif cookiecutter.use_sqlalchemy %}


def write_token_required(view: Callable[P, R]) -> Callable[P, R]:
    """Answer 403 while API_WRITE_TOKEN is unset, 401 to a request without it."""

    @wraps(view)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        expected = current_app.config["API_WRITE_TOKEN"]
        if not expected:
            abort(403, message="This API is read-only: FLASK_API_WRITE_TOKEN is unset.")
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        # Digests of equal length, compared in constant time.
        sent = hashlib.sha256(token.strip().encode("utf-8", "surrogatepass")).digest()
        wanted = hashlib.sha256(expected.encode("utf-8", "surrogatepass")).digest()
        if scheme.lower() != "bearer" or not hmac.compare_digest(sent, wanted):
            abort(
                401,
                message="Send the write token: Authorization: Bearer <token>.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return view(*args, **kwargs)

    return checked


def writes(view: Callable[P, R]) -> Callable[P, R]:
    """Writes need the operator's token, FLASK_API_WRITE_TOKEN; shown in OpenAPI."""
    return documented_as_write(write_token_required(view))


def owned_note(note_id: int) -> Note:
    """The note `note_id`: the write token may change any note."""
    return db.get_or_404(Note, note_id)
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}


def save(note: Note) -> Note:
    """Commit `note`, answering 409 when another note has its title."""
    db.session.add(note)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        abort(409, message="A note with this title already exists.")
    return note


@bp.route("/notes")
class Notes(MethodView):
    """The collection of notes."""

    @bp.arguments(PageArgsSchema, location="query")
    @bp.response(200, NotePageSchema)
    def get(self, args: dict[str, int]) -> dict[str, Any]:
        """List notes, oldest first, a page at a time."""
        page, page_size = args["page"], args["page_size"]
        query = (
            select(Note)
            .order_by(Note.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
        return {
            "items": db.session.scalars(query).all(),
            "page": page,
            "page_size": page_size,
            "total": db.session.scalar(select(func.count(Note.id))),
        }

    @writes  # first: the token is checked before the body is read
    @bp.arguments(NoteSchema)
    @bp.response(201, NoteSchema)
    def post(self, data: dict[str, str]) -> Note:
        """Create a note."""
{%- if cookiecutter.use_login %}
        return save(Note(**data, owner_id=g.api_user.id))
{%- else %}
        return save(Note(**data))
{%- endif %}


@bp.route("/notes/<int(max=2147483647):note_id>")
class NoteById(MethodView):
    """One note."""

    @bp.response(200, NoteSchema)
    def get(self, note_id: int) -> Note:
        """Read a note."""
        return db.get_or_404(Note, note_id)

    @writes  # first: the token is checked before the body is read
    @bp.arguments(NoteSchema)
    @bp.response(200, NoteSchema)
    def put(self, data: dict[str, str], note_id: int) -> Note:
        """Replace a note's title and body."""
        note = owned_note(note_id)
        note.title, note.body = data["title"], data["body"]
        return save(note)

    @writes  # first: the token is checked before the body is read
    @bp.arguments(NotePatchSchema(partial=True))
    @bp.response(200, NoteSchema)
    def patch(self, data: dict[str, str], note_id: int) -> Note:
        """Change some fields of a note."""
        if not request.get_data():
            abort(422, message="Send a JSON object with the fields to change.")
        note = owned_note(note_id)
        for field, value in data.items():
            setattr(note, field, value)
        return save(note)

    @bp.response(204)
    @writes
    def delete(self, note_id: int) -> None:
        """Delete a note."""
        db.session.delete(owned_note(note_id))
        db.session.commit()
{%- endif %}
