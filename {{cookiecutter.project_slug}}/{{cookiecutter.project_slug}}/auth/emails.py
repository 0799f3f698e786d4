"""The account mails and their links: signed, expiring tokens (ItsDangerous)."""

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.mailer import send_mail
from {{ cookiecutter.project_slug }}.models import User

# A distinct salt per purpose: a token made for one cannot be used for the other.
RESET_SALT = "password-reset"
CONFIRM_SALT = "email-confirm"


def serializer(salt: str) -> URLSafeTimedSerializer:
    """Signs with SECRET_KEY; tokens signed with SECRET_KEY_FALLBACKS still load."""
    keys = [*current_app.config["SECRET_KEY_FALLBACKS"], current_app.secret_key]
    return URLSafeTimedSerializer(keys, salt=salt)


def password_fingerprint(user: User) -> str:
    """A short digest of the password hash: it changes whenever the password does.

    A reset token carries it, so the token stops working once it has been used,
    or once the password changed another way. The token is readable by whoever
    holds it: a digest of the salted hash gives nothing away.
    """
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    """A token that lets whoever holds it choose a new password for `user`."""
    return serializer(RESET_SALT).dumps(
        {"user": user.id, "password": password_fingerprint(user)}
    )


def user_of_reset_token(token: str) -> User | None:
    """The user a reset token was made for, or None: forged, expired or used up."""
    max_age = current_app.config["RESET_TOKEN_MAX_AGE"]
    try:
        data = serializer(RESET_SALT).loads(token, max_age=max_age)
        user = db.session.get(User, int(data["user"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or data.get("password") != password_fingerprint(user):
        return None
    return user


def confirm_token(user: User) -> str:
    """A token that confirms that `user` receives mail at their current address."""
    return serializer(CONFIRM_SALT).dumps({"user": user.id, "email": user.email})


def user_of_confirm_token(token: str) -> User | None:
    """The user a confirmation token was made for, or None if it is not valid.

    It names the address as well: after a change of address, it confirms nothing.
    """
    max_age = current_app.config["CONFIRM_TOKEN_MAX_AGE"]
    try:
        data = serializer(CONFIRM_SALT).loads(token, max_age=max_age)
        user = db.session.get(User, int(data["user"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or data.get("email") != user.email:
        return None
    return user


def mail_link(endpoint: str, **values: Any) -> str:
    """An absolute link to `endpoint`, named by the settings alone.

    SERVER_NAME, APPLICATION_ROOT and PREFERRED_URL_SCHEME give the site's address,
    as for url_for outside a request: no header a client sends (Host, Forwarded,
    X-Forwarded-*) can change where a mailed link leads. Production refuses to
    start without SERVER_NAME; development and tests name the local server.
    """
    config = current_app.config
    local = "localhost:5000" if current_app.debug else "localhost"
    adapter = current_app.url_map.bind(
        config["SERVER_NAME"] or local,
        script_name=config["APPLICATION_ROOT"],
        url_scheme=config["PREFERRED_URL_SCHEME"],
    )
    return adapter.build(endpoint, values, force_external=True)


def send_reset(user: User) -> None:
    """Mail `user` a link to choose a new password."""
    link = mail_link("auth.reset_password", token=reset_token(user))
    minutes = current_app.config["RESET_TOKEN_MAX_AGE"] // 60
    send_mail(user.email, "Reset your password", "reset", link=link, minutes=minutes)


def send_confirmation(user: User) -> None:
    """Mail `user` a link that confirms their address."""
    link = mail_link("auth.confirm_email", token=confirm_token(user))
    send_mail(user.email, "Confirm your address", "confirm", link=link)


def send_already_registered(email: str) -> None:
    """Tell the owner of `email` that someone tried to register it again."""
    link = mail_link("auth.reset_request")
    send_mail(email, "Someone tried to register your address", "registered", link=link)
