"""Database tables, as SQLAlchemy 2 typed models."""

from datetime import UTC
from datetime import datetime

{% if cookiecutter.use_login -%}
from flask import current_app
from flask_login import UserMixin
{% endif -%}
from sqlalchemy import DateTime
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
{%- if cookiecutter.use_login %}
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash
{%- endif %}

from {{ cookiecutter.project_slug }}.extensions import db
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.extensions import login_manager
{%- endif %}


def utcnow():
    """Return the current time in UTC: called per row, never once at import."""
    return datetime.now(UTC)


class Message(db.Model):
    """A short note left on the home page."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
{%- if cookiecutter.use_api %}


class Note(db.Model):
    """A titled note: the example resource of the JSON API."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120), unique=True)
    body: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
{%- endif %}
{%- if cookiecutter.use_login %}


class User(UserMixin, db.Model):
    """Someone who can log in with an email address and a password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
{%- if cookiecutter.use_api %}
    # SHA-256 of the user's API token (see api/tokens.py), if one was issued.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
{%- endif %}
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    def set_password(self, password):
        """Store a salted hash of `password` (scrypt unless configured otherwise)."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method)

    def check_password(self, password):
        """Return True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)
{%- endif %}
{%- if cookiecutter.use_login %}


@login_manager.user_loader
def load_user(user_id):
    """Return the user whose id Flask-Login keeps in the session, or None."""
    return db.session.get(User, int(user_id))
{%- endif %}
