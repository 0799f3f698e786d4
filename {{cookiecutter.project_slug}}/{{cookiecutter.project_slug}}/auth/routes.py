"""Views of the auth blueprint."""

import functools
from urllib.parse import urlsplit

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import ColumnElement, delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash
{# blank line #}
{%- if cookiecutter.use_mail %}
from {{ cookiecutter.project_slug }}.auth.emails import (
    send_already_registered,
    send_confirmation,
)
{%- endif %}
from {{ cookiecutter.project_slug }}.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    RegistrationForm,
)
from {{ cookiecutter.project_slug }}.extensions import db, limiter
from {{ cookiecutter.project_slug }}.models import (
    User,
    UserSession,
    session_idle_limit,
    utcnow,
)

bp = Blueprint("auth", __name__)


@functools.cache
def dummy_password_hash(method: str) -> str:
    """A hash to check when the email is unknown, so both failures take as long.

    Made on first use, not at import: hashing is slow on purpose, and every
    gunicorn worker would pay for it at start. Made with the method real
    passwords use (PASSWORD_HASH_METHOD), so it costs exactly as much.
    """
    return generate_password_hash("not-a-real-password", method)


def normalize_email(email: str) -> str:
    """Compare emails without regard to surrounding spaces or letter case."""
    return email.strip().lower()


def is_safe_next(target: str | None) -> bool:
    """True when `target` is a path on this site, so following it cannot leave it."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def login_rate_limit() -> str:
    """The LOGIN_RATE_LIMIT setting, read at each request so tests can change it."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def register_rate_limit() -> str:
    """The REGISTER_RATE_LIMIT setting, read at each request so tests can change it."""
    return str(current_app.config["REGISTER_RATE_LIMIT"])


def start_session(user: User, remember: bool = False) -> None:
    """Log `user` in on a fresh session: nothing of the visitor's old one is kept."""
    session.clear()
    user.start_session()
    db.session.commit()
    login_user(user, remember=remember)


def end_sessions(*conditions: ColumnElement[bool]) -> None:
    """Delete the UserSession rows that match: their cookies stop working at once."""
    db.session.execute(delete(UserSession).where(*conditions))
    db.session.commit()


@bp.cli.command("end-idle-sessions")
def end_idle_sessions_command() -> None:
    """End the logins unused for SESSION_IDLE_DAYS (run it daily, e.g. from cron).

    Each one would end at its next request anyway: this keeps the table small.
    """
    cutoff = utcnow() - session_idle_limit()
    idle = UserSession.last_seen_at < cutoff
    count = db.session.scalar(select(func.count()).select_from(UserSession).where(idle))
    end_sessions(idle)
    click.echo(f"Ended {count} idle sessions.")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(register_rate_limit, methods=["POST"])
def register() -> ResponseReturnValue:
    """Create an account, then log the new user in.

    A taken email gets the same answer (a redirect to the account page) and
    costs the same hashing, so the response does not tell it apart; only the
    new account is logged in (see the README).
    """
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = RegistrationForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data or "")
        # Hashed before the lookup, so a taken email costs the same time.
        user = User(email=email)
        user.set_password(form.password.data or "")
        taken = db.session.execute(select(User.id).filter_by(email=email)).first()
        if not taken:
            db.session.add(user)
            start_session(user)
{%- if cookiecutter.use_mail %}
            send_confirmation(user)
        else:
            # The owner hears of it by mail; the form answers as for a new account.
            send_already_registered(email)
        flash(f"We mailed a link to {email} to confirm the address.", "success")
{%- endif %}
        return redirect(url_for("auth.account"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """Log in with email and password; go back to `next` only if it is on this site."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = LoginForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data or "")
        password = form.password.data or ""
        user = db.session.scalars(select(User).filter_by(email=email)).one_or_none()
        if user is None:
            method = current_app.config["PASSWORD_HASH_METHOD"]
            check_password_hash(dummy_password_hash(method), password)
        elif user.check_password(password):
            start_session(user, remember=form.remember.data)
            flash("You are logged in.", "success")
            target = request.args.get("next")
            if target is None or not is_safe_next(target):
                target = url_for("auth.account")
            return redirect(target)
        flash("Invalid email or password.", "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out (POST only, so another site cannot log a user out with a link)."""
    if current_user.is_authenticated:
        end_sessions(UserSession.id == current_user.session_id)
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("main.index"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere() -> ResponseReturnValue:
    """End every session of the user, on every device, this one included."""
    end_sessions(UserSession.user_id == current_user.id)
    logout_user()
    flash("You are logged out on every device.", "success")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(login_rate_limit, methods=["POST"])
def change_password() -> ResponseReturnValue:
    """Change the password after checking the current one; end every other session."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data or ""):
            current_user.set_password(form.password.data or "")
            end_sessions(
                UserSession.user_id == current_user.id,
                UserSession.id != current_user.session_id,
            )
            flash("Password changed. Your other sessions are logged out.", "success")
            return redirect(url_for("auth.account"))
        form.current_password.errors = ["This is not your current password."]
    return render_template("auth/password.html", form=form)


@bp.get("/account")
@login_required
def account() -> str:
    """Show who is logged in."""
    return render_template("auth/account.html", user=current_user)
