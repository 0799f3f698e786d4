"""Views of the auth blueprint."""

import functools
from urllib.parse import urlsplit

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from {{ cookiecutter.project_slug }}.auth.forms import LoginForm
from {{ cookiecutter.project_slug }}.auth.forms import RegistrationForm
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.extensions import limiter
from {{ cookiecutter.project_slug }}.models import User

bp = Blueprint("auth", __name__)


@functools.cache
def dummy_password_hash(method):
    """A hash to check when the email is unknown, so both failures take as long.

    Made on first use, not at import: hashing is slow on purpose, and every
    gunicorn worker would pay for it at start. Made with the method real
    passwords use (PASSWORD_HASH_METHOD), so it costs exactly as much.
    """
    return generate_password_hash("not-a-real-password", method)


def normalize_email(email):
    """Compare emails without regard to surrounding spaces or letter case."""
    return email.strip().lower()


def is_safe_next(target):
    """True when `target` is a path on this site, so following it cannot leave it."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def login_rate_limit():
    """The LOGIN_RATE_LIMIT setting, read at each request so tests can change it."""
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create an account, then log the new user in."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = RegistrationForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        taken = db.session.execute(db.select(User.id).filter_by(email=email)).first()
        if taken:
            form.email.errors.append("An account with this email already exists.")
        else:
            user = User(email=email)
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            login_user(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login():
    """Log in with email and password; go back to `next` only if it is on this site."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = LoginForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        user = db.session.execute(
            db.select(User).filter_by(email=email)
        ).scalar_one_or_none()
        if user is None:
            method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            check_password_hash(dummy_password_hash(method), form.password.data)
        elif user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            flash("You are logged in.", "success")
            target = request.args.get("next")
            if not is_safe_next(target):
                target = url_for("auth.account")
            return redirect(target)
        flash("Invalid email or password.", "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out (POST only, so another site cannot log a user out with a link)."""
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("main.index"))


@bp.get("/account")
@login_required
def account():
    """Show who is logged in."""
    return render_template("auth/account.html", user=current_user)
