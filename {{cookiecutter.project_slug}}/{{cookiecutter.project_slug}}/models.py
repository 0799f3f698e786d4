"""Database tables, as SQLAlchemy 2 typed models."""
{# blank line #}
{%- if cookiecutter.use_login %}
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from {{ cookiecutter.project_slug }}.extensions import Base, db, login_manager

# What secrets.token_urlsafe(32) makes: the only shape of a session id.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")
# A session's last_seen_at is written at most this often, not on every request.
LAST_SEEN_STEP = timedelta(minutes=5)
{%- else %}
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from {{ cookiecutter.project_slug }}.extensions import Base, db
{%- endif %}

if TYPE_CHECKING:
    # db.Model is made at run time from Base (with Flask-SQLAlchemy's mixins), which
    # type checkers cannot follow: they check the models against Base itself.
    Model = Base
else:
    Model = db.Model


def utcnow() -> datetime:
    """Return the current time in UTC: called per row, never once at import."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """`moment` with its zone: SQLite and MySQL hand times back without one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
{%- if cookiecutter.use_login %}


def session_idle_limit() -> timedelta:
    """How long a login may go unused before it ends (SESSION_IDLE_DAYS)."""
    return timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
{%- endif %}


class Message(Model):
    """A short note left on the home page."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
{%- if cookiecutter.use_api %}


class Note(Model):
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
{%- if cookiecutter.use_login %}
    # Who wrote it: only this user may change or delete it.
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
{%- endif %}
{%- endif %}
{%- if cookiecutter.use_login %}


class User(UserMixin, Model):
    """Someone who can log in with an email address and a password."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
{%- if cookiecutter.use_mail %}
    # When the user followed the link mailed to the address; None until then.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
{%- endif %}
    # The UserSession this object was loaded for; Flask-Login stores its id. Typed
    # by a comment: SQLAlchemy would take an annotation for a column.
    session_id = None  # type: str | None

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookies: the session's id, not the user's.

        Deleting that UserSession row ends the login, wherever its cookies went
        (Flask-Login's "Alternative Tokens"). A plain login_user(user) starts one.
        """
        if self.session_id is None:
            record = self.record_login()
            db.session.commit()
            return record.id
        return self.session_id

    def record_login(self) -> "UserSession":
        """Record a new login of this user; the caller commits, then login_user."""
        record = UserSession(id=secrets.token_urlsafe(32), user=self)
        db.session.add(record)
        self.session_id = record.id
        return record

    def set_password(self, password: str) -> None:
        """Store a salted hash of `password` (scrypt unless configured otherwise)."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method)

    def check_password(self, password: str) -> bool:
        """Return True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class UserSession(Model):
    """One login of a user, from login until logout: the server's side of a cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    last_seen_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    user: Mapped[User] = relationship()

    def idle_for(self, now: datetime) -> timedelta:
        """How long this login has gone unused, give or take LAST_SEEN_STEP."""
        return now - as_utc(self.last_seen_at)
{%- if cookiecutter.use_api %}


class ApiToken(Model):
    """A bearer token of the API: only its SHA-256 is stored, never the token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()
{%- endif %}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of the UserSession whose id the cookie holds, or None once it ended."""
    if not SESSION_ID.fullmatch(session_id):
        return None  # forged: never reaches the database (NUL breaks PostgreSQL)
    record = db.session.get(UserSession, session_id)
    if record is None:
        return None
    now = utcnow()
    if record.idle_for(now) > session_idle_limit():
        db.session.delete(record)  # unused too long: log in again
        db.session.commit()
        return None
    if record.idle_for(now) > LAST_SEEN_STEP:
        record.last_seen_at = now
        db.session.commit()
    user = record.user
    user.session_id = record.id
    return user
{%- endif %}
