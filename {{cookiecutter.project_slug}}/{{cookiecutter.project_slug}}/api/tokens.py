"""Bearer tokens: the API's writes need one, issued per user by `flask api` commands."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

import click
from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from limits import parse
from sqlalchemy import select

from {{ cookiecutter.project_slug }}.api import bp
from {{ cookiecutter.project_slug }}.extensions import db, limiter
from {{ cookiecutter.project_slug }}.models import ApiToken, User, as_utc, utcnow
from {{ cookiecutter.project_slug }}.validation import normalize_email

MINUTE = "%Y-%m-%d %H:%M UTC"

P = ParamSpec("P")
R = TypeVar("R")


def hash_token(token: str) -> str:
    """The token's SHA-256: only this is stored, so a leaked table leaks no token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: User, name: str, days: int) -> str:
    """Give `user` a new token valid for `days` days, and return it (shown once)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user=user,
            name=name,
            token_hash=hash_token(token),
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    return token


def token_user() -> User | None:
    """The user whose unexpired token the `Authorization: Bearer` header holds."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    query = select(ApiToken).where(
        ApiToken.token_hash == hash_token(token.strip()),
        ApiToken.expires_at > utcnow(),
    )
    record = db.session.scalars(query).one_or_none()
    if record is None:
        return None
    record.last_used_at = utcnow()  # saved with the write the token allows
    return record.user


def token_required(view: Callable[P, R]) -> Callable[P, R]:
    """Answer 401 unless the request carries a valid bearer token; g.api_user is its user."""

    @wraps(view)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        # Wrong tokens are counted per client address (API_TOKEN_RATE_LIMIT):
        # past the limit, even a right one waits, so guessing gets nowhere.
        limit = parse(current_app.config["API_TOKEN_RATE_LIMIT"])
        client = ("api-token", get_remote_address())
        if limiter.enabled and not limiter.limiter.test(limit, *client):
            abort(429, message="Too many wrong tokens: try again later.")
        g.api_user = token_user()
        if g.api_user is None:
            if limiter.enabled:
                limiter.limiter.hit(limit, *client)
            abort(
                401,
                message="Send a valid token: Authorization: Bearer <token>.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return view(*args, **kwargs)

    return checked


def find_user(email: str) -> User:
    """The user with `email`, or a command-line error."""
    query = select(User).filter_by(email=normalize_email(email))
    user = db.session.scalars(query).one_or_none()
    if user is None:
        raise click.ClickException(f"No user with the email {email!r}.")
    return user


@bp.cli.command("create-token")
@click.argument("email")
@click.option("--name", default="token", show_default=True, help="What it is for.")
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=None,
    help="Days until it expires (default: the API_TOKEN_DAYS setting).",
)
def create_token_command(email: str, name: str, days: int | None) -> None:
    """Print a new API token for the user with EMAIL; it is shown only this once."""
    user = find_user(email)
    token = issue_token(user, name, days or current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    click.echo(token)


@bp.cli.command("list-tokens")
@click.argument("email", required=False)
def list_tokens_command(email: str | None) -> None:
    """List API tokens (of the user with EMAIL, if given): id, owner, dates, name."""
    query = select(ApiToken).join(ApiToken.user).order_by(ApiToken.id)
    if email:
        query = query.where(ApiToken.user_id == find_user(email).id)
    now = utcnow()
    for token in db.session.scalars(query):
        expires = as_utc(token.expires_at)
        state = "valid until" if expires > now else "expired on"
        used = token.last_used_at and as_utc(token.last_used_at).strftime(MINUTE)
        click.echo(
            f"{token.id}\t{token.user.email}\t{state} {expires.strftime(MINUTE)}"
            f"\tlast used {used or '-'}\t{token.name}"
        )


@bp.cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Delete the API token TOKEN_ID (from list-tokens): it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token with the id {token_id}.")
    email = token.user.email
    db.session.delete(token)
    db.session.commit()
    click.echo(f"Revoked token {token_id} of {email}.")
