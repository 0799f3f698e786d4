"""Views of the main blueprint."""

from datetime import datetime
{%- if cookiecutter.use_migrate %}
from weakref import WeakKeyDictionary
{%- endif %}
{# blank line #}
{%- if cookiecutter.use_migrate and cookiecutter.use_wtf %}
from flask import Flask, current_app, flash, redirect, render_template, url_for
{%- elif cookiecutter.use_migrate %}
from flask import Flask, current_app, render_template
{%- elif cookiecutter.use_wtf and not cookiecutter.use_sqlalchemy %}
from flask import current_app, flash, redirect, render_template, url_for
{%- elif cookiecutter.use_wtf %}
from flask import flash, redirect, render_template, url_for
{%- else %}
from flask import render_template
{%- endif %}
{%- if cookiecutter.use_wtf %}
from flask.typing import ResponseReturnValue
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
{%- endif %}
{# blank line #}
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.extensions import db, limit_from, limiter
{%- elif cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
from {{ cookiecutter.project_slug }}.main import bp
{%- if cookiecutter.use_wtf %}
from {{ cookiecutter.project_slug }}.main.forms import MessageForm
{%- endif %}
{%- if cookiecutter.use_migrate %}
from {{ cookiecutter.project_slug }}.migrations import VERSION_TABLE, missing, pending
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.models import Message
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}

# The home page's query, built once: only the columns it shows, newest first.
# The page only reads, so it runs the query on a connection of its own and gets
# rows: going through db.session (made for each request, tracking objects,
# closed at its end) cost 6% of the page's time.
LATEST_MESSAGES = (
    select(Message.author, Message.body, Message.created_at)
    .order_by(Message.id.desc())
    .limit(10)
)
{%- endif %}


@bp.app_template_filter()
def datetime_format(value: datetime, pattern: str) -> str:
    """Format a date in a template, as in `user.created_at|datetime_format("%d %B %Y")`.

    A filter, as in Jinja's docs, not a call of value.strftime() in the template:
    Jinja checks each call a template makes, which cost the home page an eighth of
    its time for its twenty dates.
    """
    return value.strftime(pattern)


@bp.get("/")
def index() -> str:
{%- if cookiecutter.use_sqlalchemy %}
    """Show the home page with the latest messages."""
    with db.engine.connect() as connection:
        messages = connection.execute(LATEST_MESSAGES).all()
    return render_template("main/index.html", messages=messages)
{%- else %}
    """Show the home page."""
    return render_template("main/index.html")
{%- endif %}
{%- if cookiecutter.use_wtf %}


@bp.route("/messages/new", methods=["GET", "POST"])
{%- if cookiecutter.use_login %}
@limiter.limit(limit_from("MESSAGE_RATE_LIMIT"), methods=["POST"])
{%- endif %}
def new_message() -> ResponseReturnValue:
    """Show the message form; on a valid POST, store the message and go home."""
    form = MessageForm()
    if form.validate_on_submit():
{%- if cookiecutter.use_sqlalchemy %}
        db.session.add(Message(author=form.author.data, body=form.body.data))
        db.session.commit()
        flash("Thanks! Your message is on the home page.", "success")
{%- else %}
        current_app.logger.info("Message from %s: %s", form.author.data, form.body.data)
        flash(f"Thanks, {form.author.data}! Your message was received.", "success")
{%- endif %}
        return redirect(url_for("main.index"))
    return render_template("main/new_message.html", form=form)
{%- endif %}


@bp.get("/healthz")
{%- if cookiecutter.use_login %}
@limiter.exempt  # load balancers probe often: never rate-limit a health check
{%- endif %}
def healthz() -> dict[str, str]:
    """Liveness probe: the process answers. Touches no database."""
    return {"status": "ok"}


@bp.get("/readyz")
{%- if cookiecutter.use_login %}
@limiter.exempt
{%- endif %}
def readyz() -> dict[str, str] | tuple[dict[str, str], int]:
{%- if cookiecutter.use_migrate %}
    """Readiness probe: 200 when the database answers with every migration applied.

    One small query per call: the revision the database is at, compared with the
    newest migration of this code (read from migrations/versions once). The first
    time an app sees the database at the newest revision, it also checks that
    every table and column of the models is there.
    """
    applied: frozenset[str] = frozenset()
    try:
        applied = frozenset(db.session.scalars(select(VERSION_TABLE.c.version_num)))
        behind = pending(applied)
    except SQLAlchemyError:
        db.session.rollback()
        if not database_answers():
            return {"status": "unavailable", "database": "down"}, 503
        behind = True  # no alembic_version table: no migration has run yet
    if behind:
        return {"status": "unavailable", "database": "migrations pending"}, 503
    if not schema_complete(applied):
        return {"status": "unavailable", "database": "schema differs from models"}, 503
    return {"status": "ready", "database": "up"}


# The revisions at which each app found every table and column of its models.
checked_revisions: WeakKeyDictionary[Flask, frozenset[str]] = WeakKeyDictionary()


def schema_complete(applied: frozenset[str]) -> bool:
    """True when the database holds what the models need; checked once per revision."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if checked_revisions.get(app) == applied:
        return True
    gaps = missing(db.session.connection(), db.metadata)
    if gaps:
        current_app.logger.error(
            "The database is at the newest revision but lacks %s: run"
            " `flask db check` and see the template's CHANGELOG.md",
            ", ".join(gaps),
        )
        return False
    checked_revisions[app] = applied
    return True


def database_answers() -> bool:
    """True when the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True
{%- elif cookiecutter.use_sqlalchemy %}
    """Readiness probe: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ready", "database": "up"}
{%- else %}
    """Readiness probe: this app has no database, so answering means ready."""
    return {"status": "ready"}
{%- endif %}
