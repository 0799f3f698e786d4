"""Views of the auth blueprint."""

import functools
import hashlib
from urllib.parse import urlsplit

import click
from flask import (
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
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from {{ cookiecutter.project_slug }}.auth import bp
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
from {{ cookiecutter.project_slug }}.extensions import db, limit_from, limiter
from {{ cookiecutter.project_slug }}.models import (
{%- if cookiecutter.use_api %}
    ApiToken,
{%- endif %}
    User,
    UserSession,
    session_idle_limit,
    utcnow,
)
from {{ cookiecutter.project_slug }}.validation import normalize_email
{# blank line #}
{%- if cookiecutter.use_mail %}
# The answer to every registration, new address or taken.
REGISTERED = (
    "We mailed a link to {email} to confirm the address. If the account is new,"
    " log in below with its password."
)
{%- endif %}
# Set on a successful login: this browser knows the account's password.
DEVICE_COOKIE = "known_device"
DEVICE_COOKIE_DAYS = 365


@functools.cache
def dummy_password_hash(method: str) -> str:
    """A hash to check when the email is unknown, so both failures take as long.

    Made on first use, not at import: hashing is slow on purpose, and every
    gunicorn worker would pay for it at start. Made with the method real
    passwords use (PASSWORD_HASH_METHOD), so it costs exactly as much.
    """
    return generate_password_hash("not-a-real-password", method)


def is_safe_next(target: str | None) -> bool:
    """True when `target` is a path on this site, so following it cannot leave it."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    # No backslash or control character (tabs and line breaks included), which
    # browsers drop or read as "/" and so could turn the path into another site.
    if "\\" in target or not target.isprintable():
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def account_key() -> str:
    """Which account a login POST names: its failures count together, from anywhere."""
    email = normalize_email(request.form.get("email", ""))
    return hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()


def device_serializer() -> URLSafeSerializer:
    """Signs the known-device cookie with SECRET_KEY (fallbacks still verify)."""
    keys = [*current_app.config["SECRET_KEY_FALLBACKS"], current_app.secret_key]
    return URLSafeSerializer(keys, salt="known-device")


def known_device() -> bool:
    """True when this browser logged in before to the account the form names.

    Such a login is exempt from the per-account limit: an attacker who spends an
    account's failed attempts cannot lock its owner out of a browser they use.
    """
    try:
        known = device_serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return False
    return bool(known == account_key())


def login_failed(response: ResponseReturnValue) -> bool:
    """A login POST that did not log in: it answers the form again, not a redirect."""
    return getattr(response, "status_code", 200) != 302


{%- if cookiecutter.use_mail %}


def mailed_address() -> str:
    """The address a POST would mail: the form's, else the logged-in user's."""
    email = normalize_email(
        request.form.get("email") or getattr(current_user, "email", None) or ""
    )
    return hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()


# Mails to one address, whichever clients ask for them: the views that send one
# (reset, confirmation, registration) share this count.
limit_mails_to_address = limiter.shared_limit(
    limit_from("MAIL_ADDRESS_RATE_LIMIT"),
    "mail-to",
    key_func=mailed_address,
    methods=["POST"],
)
{%- endif %}


def log_in_afresh(user: User, remember: bool = False) -> None:
    """Log `user` in on a fresh session: nothing of the visitor's old one is kept."""
    session.clear()
    user.record_login()
    db.session.commit()
    login_user(user, remember=remember)


def end_sessions(*conditions: ColumnElement[bool]) -> None:
    """Delete the UserSession rows that match: their cookies stop working at once."""
    db.session.execute(delete(UserSession).where(*conditions))
    db.session.commit()
{%- if cookiecutter.use_api %}


def end_api_tokens(user_id: int) -> None:
    """Delete the user's API tokens, with the next commit: a new password ends them."""
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
{%- endif %}


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
@limiter.limit(limit_from("REGISTER_RATE_LIMIT"), methods=["POST"])
{%- if cookiecutter.use_mail %}
@limit_mails_to_address
def register() -> ResponseReturnValue:
    """Create an account and mail a link to confirm its address.

    A taken email gets the same answer (a redirect to the login page, the same
    message) after the same hashing, and its owner is mailed instead. No one is
    logged in here, so the answer tells nothing of who has an account.
    """
{%- else %}
def register() -> ResponseReturnValue:
    """Create an account, then log the new user in.

    A taken email gets the same answer (a redirect to the account page) and
    costs the same hashing, so the response does not tell it apart; only the
    new account is logged in (see the README).
    """
{%- endif %}
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = RegistrationForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data or "")
        # Hashed before the lookup, so a taken email costs the same time.
        user = User(email=email)
        user.set_password(form.password.data or "")
        taken = db.session.execute(select(User.id).filter_by(email=email)).first()
{%- if cookiecutter.use_mail %}
        if not taken:
            db.session.add(user)
            db.session.commit()
            send_confirmation(user)
        else:
            # The owner hears of it by mail; the form answers as for a new account.
            send_already_registered(email)
        flash(REGISTERED.format(email=email), "success")
        return redirect(url_for("auth.login"))
{%- else %}
        if not taken:
            db.session.add(user)
            log_in_afresh(user)
        return redirect(url_for("auth.account"))
{%- endif %}
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limit_from("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(
    limit_from("ACCOUNT_LOGIN_RATE_LIMIT"),
    methods=["POST"],
    key_func=account_key,
    exempt_when=known_device,
    deduct_when=login_failed,
)
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
            log_in_afresh(user, remember=form.remember.data)
            flash("You are logged in.", "success")
            target = request.args.get("next")
            if target is None or not is_safe_next(target):
                target = url_for("auth.account")
            response = redirect(target)
            response.set_cookie(
                DEVICE_COOKIE,
                device_serializer().dumps(account_key()),
                max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
            return response
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
@limiter.limit(limit_from("LOGIN_RATE_LIMIT"), methods=["POST"])
def change_password() -> ResponseReturnValue:
    """Change the password after checking the current one; end every other session."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        current_user.set_password(form.password.data or "")
{%- if cookiecutter.use_api %}
        end_api_tokens(current_user.id)
{%- endif %}
        end_sessions(
            UserSession.user_id == current_user.id,
            UserSession.id != current_user.session_id,
        )
        flash("Password changed. Your other sessions are logged out.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.get("/account")
@login_required
def account() -> str:
    """Show who is logged in."""
    return render_template("auth/account.html", user=current_user)
