"""Bearer tokens: the API's writes need one, issued per user by a `flask` command."""

import hashlib
import secrets
from functools import wraps

import click
from flask import request
from flask.cli import with_appcontext
from flask_smorest import abort

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User


def hash_token(token):
    """The token's SHA-256: only this is stored, so a leaked table leaks no token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user):
    """Give `user` a new token (replacing any old one) and return it once."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = hash_token(token)
    return token


def token_user():
    """The user whose token the request's `Authorization: Bearer` header holds."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    query = db.select(User).filter_by(api_token_hash=hash_token(token.strip()))
    return db.session.execute(query).scalar_one_or_none()


def token_required(view):
    """Answer 401 unless the request carries a valid bearer token."""

    @wraps(view)
    def checked(*args, **kwargs):
        if token_user() is None:
            abort(
                401,
                message="Send a valid token: Authorization: Bearer <token>.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return view(*args, **kwargs)

    return checked


@click.command("create-token")
@click.argument("email")
@with_appcontext
def create_token_command(email):
    """Print a new API token for the user with EMAIL (replaces the old one)."""
    user = db.session.execute(
        db.select(User).filter_by(email=email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"No user with the email {email!r}.")
    token = issue_token(user)
    db.session.commit()
    click.echo(token)
