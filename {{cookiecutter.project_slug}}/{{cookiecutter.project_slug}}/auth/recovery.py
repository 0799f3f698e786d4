"""Views of the auth blueprint that mail a link: password reset, address confirmation."""

from typing import cast

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from {{ cookiecutter.project_slug }}.auth import bp
from {{ cookiecutter.project_slug }}.auth.emails import (
    send_confirmation,
    send_reset,
    user_of_confirm_token,
    user_of_reset_token,
)
from {{ cookiecutter.project_slug }}.auth.forms import (
    ResetPasswordForm,
    ResetRequestForm,
)
from {{ cookiecutter.project_slug }}.auth.routes import (
{%- if cookiecutter.use_api %}
    end_api_tokens,
{%- endif %}
    end_sessions,
    limit_mails_to_address,
    log_in_afresh,
)
from {{ cookiecutter.project_slug }}.extensions import db, limit_from, limiter
from {{ cookiecutter.project_slug }}.models import User, UserSession, utcnow
from {{ cookiecutter.project_slug }}.validation import normalize_email

RESET_SENT = (
    "If an account uses that address, we have mailed it a link to choose a new"
    " password. The link works for {minutes} minutes."
)
LINK_REFUSED = "This link is invalid, has expired or was already used."
# Reset and confirmation mails asked per client address.
limit_mails_per_client = limiter.limit(limit_from("MAIL_RATE_LIMIT"), methods=["POST"])


@bp.route("/reset", methods=["GET", "POST"])
@limit_mails_per_client
@limit_mails_to_address
def reset_request() -> ResponseReturnValue:
    """Mail a reset link to the account of an address; answer the same without one."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data or "")
        user = db.session.execute(
            select(User).filter_by(email=email)
        ).scalar_one_or_none()
        if user is not None:
            send_reset(user)
        minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
        flash(RESET_SENT.format(minutes=minutes), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limit_mails_per_client
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password with a mailed link; every session of the user ends."""
    user = user_of_reset_token(token)
    if user is None:
        flash(f"{LINK_REFUSED} Ask for a new one below.", "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm(user.email)
    if form.validate_on_submit():
        user.set_password(form.password.data or "")
{%- if cookiecutter.use_api %}
        end_api_tokens(user.id)
{%- endif %}
        # The link came to the address: it is confirmed too.
        if user.email_confirmed_at is None:
            user.email_confirmed_at = utcnow()
        # Whoever knew the old password is logged out everywhere; the user who
        # followed the link is logged in on a new session.
        end_sessions(UserSession.user_id == user.id)
        log_in_afresh(user)
        flash("Your password is changed. Other sessions are logged out.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/reset_password.html", form=form)


@bp.get("/confirm/<token>")
def confirm_email(token: str) -> ResponseReturnValue:
    """Mark the address as confirmed by the link mailed to it."""
    user = user_of_confirm_token(token)
    if user is None:
        flash(f"{LINK_REFUSED} Log in to ask for a new one.", "error")
    elif user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
        flash("Your address is confirmed. Thank you.", "success")
    else:
        flash("Your address was already confirmed.", "success")
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    return redirect(url_for("auth.login"))


@bp.post("/confirm")
@login_required
@limit_mails_per_client
@limit_mails_to_address
def resend_confirmation() -> ResponseReturnValue:
    """Mail the logged-in user a new confirmation link."""
    if current_user.email_confirmed_at is None:
        # current_user stands for the logged-in User (login_required).
        send_confirmation(cast(User, current_user))
        flash(f"We mailed a new link to {current_user.email}.", "success")
    else:
        flash("Your address is already confirmed.", "success")
    return redirect(url_for("auth.account"))
