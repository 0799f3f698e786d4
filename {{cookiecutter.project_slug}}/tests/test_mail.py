"""Password reset and address confirmation by mail, caught in Flask-Mailman's outbox."""

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from conftest import AuthActions
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
{%- if cookiecutter.use_celery %}
from kombu.exceptions import OperationalError
{%- endif %}
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from {{ cookiecutter.project_slug }} import (
    create_app,
{%- if cookiecutter.use_celery %}
    mailer,
{%- endif %}
)
from {{ cookiecutter.project_slug }}.auth import emails
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.mailer import send_mail
from {{ cookiecutter.project_slug }}.models import User

LINK = re.compile(r"http://localhost(/auth/[A-Za-z0-9_./-]+)")
NEW_PASSWORD = "battery staple lamp"
REFUSED = b"This link is invalid, has expired or was already used."
# Each client has a session of its own, so a CSRF token of its own in each form.
CSRF_TOKEN = re.compile(rb'name="csrf_token" value="[^"]*"')


@pytest.fixture
def outbox(app: Flask) -> list[Any]:
    """The mails sent during the test (Flask-Mailman's locmem backend)."""
    mailman = app.extensions["mailman"]
    outbox: list[Any] = []
    mailman.outbox = outbox
    return outbox


def link_in(message: Any) -> str:
    """The path of the one link to this site in a mail, checked in both parts."""
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert f'href="http://localhost{links[0]}"' in html
    path: str = links[0]
    return path


def user(app: Flask, email: str = "ada@example.com") -> User:
    """The account of `email`, read afresh."""
    with app.app_context():
        return db.session.execute(select(User).filter_by(email=email)).scalar_one()


def add_user(
    app: Flask, email: str = "ada@example.com", password: str = "correct horse"
) -> None:
    """An account made directly, without the register view's slower hashing."""
    with app.app_context():
        account = User(email=email)
        account.set_password(password)
        db.session.add(account)
        db.session.commit()


def ask_reset(client: FlaskClient, email: str = "ada@example.com") -> TestResponse:
    """Ask for a reset link; return the response, followed to its page."""
    return client.post("/auth/reset", data={"email": email}, follow_redirects=True)


def choose_password(
    client: FlaskClient, path: str, password: str = NEW_PASSWORD
) -> TestResponse:
    """Post a new password to a reset link."""
    return client.post(path, data={"password": password, "confirm_password": password})


def test_register_mails_a_confirmation_link(
    app: Flask, client: FlaskClient, auth: AuthActions, outbox: list[Any]
) -> None:
    auth.register()
    assert [m.to for m in outbox] == [["ada@example.com"]]
    assert app.config["PROJECT_NAME"] in outbox[0].subject
    assert user(app).email_confirmed_at is None
    page = client.get("/auth/account").data
    assert b"Not confirmed yet" in page
    response = client.get(link_in(outbox[0]))
    assert response.headers["Location"] == "/auth/account"
    assert user(app).email_confirmed_at is not None
    assert b"Confirmed on" in client.get("/auth/account").data


def test_confirmation_link_works_without_a_session(
    app: Flask, client: FlaskClient, auth: AuthActions, outbox: list[Any]
) -> None:
    auth.register()
    response = app.test_client().get(link_in(outbox[0]), follow_redirects=True)
    assert b"Your address is confirmed" in response.data
    first = user(app).email_confirmed_at
    # Followed again, it changes nothing.
    again = app.test_client().get(link_in(outbox[0]), follow_redirects=True)
    assert b"already confirmed" in again.data
    assert user(app).email_confirmed_at == first


def test_taken_address_answers_like_a_new_one_and_mails_its_owner(
    app: Flask, auth: AuthActions, outbox: list[Any]
) -> None:
    new = auth.register(email="ada@example.com")
    stranger = app.test_client()
    taken = AuthActions(stranger).register(
        email="ADA@example.com", password=NEW_PASSWORD
    )
    assert (taken.status_code, taken.location) == (new.status_code, new.location)
    assert (taken.location, taken.data) == ("/auth/login", new.data)
    assert taken.headers.getlist("Set-Cookie")[0].startswith("session=")
    assert new.headers.getlist("Set-Cookie")[0].startswith("session=")
    assert [m.to for m in outbox] == [["ada@example.com"], ["ada@example.com"]]
    assert "Someone tried to register" in outbox[1].subject
    assert link_in(outbox[1]) == "/auth/reset"
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar() == 1
    assert user(app).check_password("correct horse")


def test_resend_confirmation(
    app: Flask, client: FlaskClient, auth: AuthActions, outbox: list[Any]
) -> None:
    assert client.post("/auth/confirm").headers["Location"].startswith("/auth/login")
    auth.register()
    client.post("/auth/confirm")
    assert len(outbox) == 2
    client.get(link_in(outbox[1]))
    response = client.post("/auth/confirm", follow_redirects=True)
    assert b"already confirmed" in response.data
    assert len(outbox) == 2
    assert client.get("/auth/confirm").status_code == 405


def test_reset_answers_the_same_whether_the_address_has_an_account(
    app: Flask, auth: AuthActions, outbox: list[Any]
) -> None:
    auth.register()
    auth.logout()
    outbox.clear()
    known = ask_reset(app.test_client(), "ada@example.com")
    unknown = ask_reset(app.test_client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.request.path == unknown.request.path == "/auth/login"
    assert CSRF_TOKEN.sub(b"", known.data) == CSRF_TOKEN.sub(b"", unknown.data)
    assert b"we have mailed it a link" in known.data
    assert [m.to for m in outbox] == [["ada@example.com"]]


@pytest.mark.parametrize(
    ("email", "message"),
    [("", b"required"), ("not-an-address", b"Invalid"), ("a@b.c" * 60, b"254")],
)
def test_reset_request_validates_the_address(
    client: FlaskClient, outbox: list[Any], email: str, message: bytes
) -> None:
    response = client.post("/auth/reset", data={"email": email})
    assert response.status_code == 200
    assert message in response.data
    assert outbox == []


def test_reset_sets_the_password_and_ends_every_other_session(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    outbox: list[Any],
) -> None:
    auth.register()
    laptop = app.test_client()
    AuthActions(laptop).login()
    visitor = app.test_client()
    ask_reset(visitor)
    path = link_in(outbox[-1])
    assert b"Choose a new password" in visitor.get(path).data
    response = choose_password(visitor, path)
    assert response.headers["Location"] == "/auth/account"
    assert visitor.get("/auth/account").status_code == 200
    for other in (client, laptop):
        assert other.get("/auth/account").status_code == 302
    assert AuthActions(app.test_client()).login().status_code == 200
    new_password = AuthActions(app.test_client()).login(password=NEW_PASSWORD)
    assert new_password.status_code == 302
    # The link came to the address: it is confirmed too.
    assert user(app).email_confirmed_at is not None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", b"at least 12"),
        ("password1234", b"too common"),
        ("ada@example.com", b"too common"),
        ("x" * 129, b"at most"),
    ],
)
def test_new_password_follows_the_policy(
    app: Flask, auth: AuthActions, outbox: list[Any], password: str, message: bytes
) -> None:
    auth.register()
    visitor = app.test_client()
    ask_reset(visitor)
    path = link_in(outbox[-1])
    response = choose_password(visitor, path, password)
    assert response.status_code == 200
    assert message in response.data
    assert b'id="password-errors"' in response.data
    assert user(app).check_password("correct horse")
    # The link still works after a refused try.
    assert choose_password(visitor, path).status_code == 302


def signed(
    app: Flask, payload: object, salt: str, key: str | None = None, age: int = 0
) -> str:
    """A token as the app would make it, with another key or `age` seconds old."""
    serializer = URLSafeTimedSerializer(key or app.config["SECRET_KEY"], salt=salt)
    now = int(time.time()) - age
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=now):
        return serializer.dumps(payload)


def reset_payload(app: Flask, email: str = "ada@example.com") -> dict[str, Any]:
    """What a genuine reset token of `email` carries."""
    with app.app_context():
        account = db.session.execute(select(User).filter_by(email=email)).scalar_one()
        return {"user": account.id, "password": emails.password_fingerprint(account)}


def tampered(token: str) -> str:
    """The token with one character of its payload changed."""
    index = 2
    swapped = "B" if token[index] != "B" else "C"
    return token[:index] + swapped + token[index + 1 :]


RESET_ATTACKS: dict[str, Callable[[Flask], str]] = {
    "forged-key": lambda app: signed(
        app, reset_payload(app), emails.RESET_SALT, key="another-secret-key"
    ),
    "expired": lambda app: signed(app, reset_payload(app), emails.RESET_SALT, age=3601),
    "other-purpose": lambda app: signed(app, reset_payload(app), emails.CONFIRM_SALT),
    "stale-password": lambda app: signed(
        app, {**reset_payload(app), "password": "0" * 16}, emails.RESET_SALT
    ),
    "no-fingerprint": lambda app: signed(
        app, {"user": reset_payload(app)["user"]}, emails.RESET_SALT
    ),
    "other-user": lambda app: signed(
        app,
        {**reset_payload(app), "user": reset_payload(app, "eve@example.com")["user"]},
        emails.RESET_SALT,
    ),
    "unknown-user": lambda app: signed(
        app, {**reset_payload(app), "user": 999}, emails.RESET_SALT
    ),
    "not-a-mapping": lambda app: signed(app, ["user", 1], emails.RESET_SALT),
    "garbage": lambda app: "not.a.token",
    "empty-payload": lambda app: (
        "." + signed(app, {}, emails.RESET_SALT).partition(".")[2]
    ),
}


@pytest.mark.parametrize("attack", RESET_ATTACKS)
def test_reset_refuses_bad_tokens(app: Flask, outbox: list[Any], attack: str) -> None:
    add_user(app)
    add_user(app, "eve@example.com", NEW_PASSWORD)
    path = f"/auth/reset/{RESET_ATTACKS[attack](app)}"
    visitor = app.test_client()
    page = visitor.get(path, follow_redirects=True)
    assert page.request.path == "/auth/reset"
    assert REFUSED in page.data
    response = choose_password(visitor, path, "a brand new passphrase")
    assert response.headers["Location"] == "/auth/reset"
    assert user(app).check_password("correct horse")
    assert user(app, "eve@example.com").check_password(NEW_PASSWORD)


def test_reset_token_that_is_almost_expired_still_works(
    app: Flask, outbox: list[Any]
) -> None:
    add_user(app)
    token = signed(app, reset_payload(app), emails.RESET_SALT, age=3500)
    assert choose_password(app.test_client(), f"/auth/reset/{token}").status_code == 302


def test_reset_link_works_once(app: Flask, outbox: list[Any]) -> None:
    add_user(app)
    ask_reset(app.test_client())
    path = link_in(outbox[-1])
    assert choose_password(app.test_client(), path).status_code == 302
    again = choose_password(app.test_client(), path, "a brand new passphrase")
    assert again.headers["Location"] == "/auth/reset"
    assert user(app).check_password(NEW_PASSWORD)


def test_reset_link_is_void_once_the_password_changes(
    app: Flask, client: FlaskClient, auth: AuthActions, outbox: list[Any]
) -> None:
    auth.register()
    ask_reset(app.test_client())
    path = link_in(outbox[-1])
    new = "battery staple lamp"
    data = {"current_password": "correct horse", "password": new}
    changed = client.post("/auth/password", data={**data, "confirm_password": new})
    assert changed.headers["Location"] == "/auth/account"
    response = choose_password(app.test_client(), path, "a brand new passphrase")
    assert response.headers["Location"] == "/auth/reset"
    assert user(app).check_password(NEW_PASSWORD)


def test_tampered_reset_link_is_refused(app: Flask, outbox: list[Any]) -> None:
    add_user(app)
    ask_reset(app.test_client())
    token = link_in(outbox[-1]).rpartition("/")[2]
    for bad in (tampered(token), token[:-1], token + "x", token.replace(".", "", 1)):
        response = choose_password(app.test_client(), f"/auth/reset/{bad}")
        assert response.headers["Location"] == "/auth/reset", bad
    assert user(app).check_password("correct horse")


CONFIRM_ATTACKS: dict[str, Callable[[Flask, dict[str, Any]], str]] = {
    "forged-key": lambda app, payload: signed(
        app, payload, emails.CONFIRM_SALT, key="another-secret-key"
    ),
    "expired": lambda app, payload: signed(
        app, payload, emails.CONFIRM_SALT, age=7 * 24 * 3600 + 1
    ),
    "other-purpose": lambda app, payload: signed(app, payload, emails.RESET_SALT),
    "other-address": lambda app, payload: signed(
        app, {**payload, "email": "eve@example.com"}, emails.CONFIRM_SALT
    ),
    "tampered": lambda app, payload: tampered(
        signed(app, payload, emails.CONFIRM_SALT)
    ),
    "garbage": lambda app, payload: "not.a.token",
}


@pytest.mark.parametrize("attack", CONFIRM_ATTACKS)
def test_confirmation_refuses_bad_tokens(
    app: Flask, client: FlaskClient, outbox: list[Any], attack: str
) -> None:
    add_user(app)
    payload = {"user": user(app).id, "email": "ada@example.com"}
    token = CONFIRM_ATTACKS[attack](app, payload)
    response = client.get(f"/auth/confirm/{token}", follow_redirects=True)
    assert REFUSED in response.data
    assert user(app).email_confirmed_at is None


def test_links_name_server_name_not_the_host_header(
    app: Flask, outbox: list[Any]
) -> None:
    add_user(app)
    app.config["SERVER_NAME"] = "site.example"
    app.config["PREFERRED_URL_SCHEME"] = "https"
    app.test_client().post(
        "/auth/reset",
        data={"email": "ada@example.com"},
        headers={"Host": "attacker.example"},
    )
    assert "https://site.example/auth/reset/" in outbox[-1].body
    assert "attacker.example" not in outbox[-1].body


@pytest.mark.parametrize(
    "server_name",
    [None, "", "evil.example/", "site.example@evil.example", "site.example evil"],
)
def test_production_refuses_to_start_without_a_plain_server_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, server_name: str | None
) -> None:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FLASK_SECRET_KEY", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.delenv("FLASK_SERVER_NAME", raising=False)
    if server_name is not None:
        monkeypatch.setenv("FLASK_SERVER_NAME", server_name)
    with pytest.raises(RuntimeError, match="FLASK_SERVER_NAME"):
        create_app()


# Every forwarded header Werkzeug's ProxyFix reads, RFC 7239's Forwarded, and the
# underscore variants some servers map to the WSGI environment.
FORGED_HEADERS = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Port": "6666",
    "X-Forwarded-Prefix": "@evil.example",
    "X-Forwarded-For": "203.0.113.9",
    "Forwarded": "for=203.0.113.9;host=evil.example;proto=http",
    "SCRIPT_NAME": "/.evil.example",
}


@pytest.mark.parametrize("hops", [0, 1, 2])
def test_mailed_links_ignore_every_forwarded_header(
    app: Flask, outbox: list[Any], hops: int
) -> None:
    add_user(app)
    config = {**app.config, "PROXY_HOPS": hops, "SERVER_NAME": "site.example"}
    proxied = create_app({**config, "PREFERRED_URL_SCHEME": "https"})
    proxied.test_client().post(
        "/auth/reset", data={"email": "ada@example.com"}, headers=FORGED_HEADERS
    )
    body = proxied.extensions["mailman"].outbox[-1].body
    [link] = re.findall(r"https?://\S+", body)
    assert link.startswith("https://site.example/auth/reset/"), link
    assert "evil" not in body
    assert "6666" not in body


def test_development_prints_mail_to_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(
        {
            "DEBUG": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite'}",
{%- if cookiecutter.use_celery %}
            # No Redis there: development mail must not need a worker or a queue.
            "CELERY": {"broker_url": "redis://127.0.0.1:9/0"},
{%- endif %}
        }
    )
    assert app.extensions["mailman"].backend == "console"
    with app.test_request_context():
        send_mail("ada@example.com", "Hello", "confirm", link="http://localhost/x")
    printed = capsys.readouterr().out
    assert "To: ada@example.com" in printed
    assert "http://localhost/x" in printed
{%- if cookiecutter.use_celery %}


def test_mail_is_handed_to_a_celery_task(
    app: Flask, outbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[tuple[str, ...]] = []

    class Task:
        """Stands for deliver_mail: records what a worker would be given."""

        def delay(self, *args: str) -> None:
            handed.append(args)

    monkeypatch.setattr(mailer, "deliver_mail", Task())
    with app.test_request_context():
        send_mail("ada@example.com", "Hello", "confirm", link="http://localhost/x")
    assert outbox == []
    [(to, subject, text, html)] = handed
    assert (to, subject) == ("ada@example.com", f"Hello ({app.config['PROJECT_NAME']})")
    assert "http://localhost/x" in text
    assert 'href="http://localhost/x"' in html


def test_mail_that_cannot_be_queued_is_logged(
    app: Flask,
    outbox: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Task:
        """Stands for deliver_mail while Redis is unreachable."""

        def delay(self, *args: str) -> None:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(mailer, "deliver_mail", Task())
    add_user(app)
    response = ask_reset(app.test_client())
    assert response.status_code == 200  # the page answers as when it is queued
    assert outbox == []
    assert "Could not queue 'Reset your password" in caplog.text
{%- endif %}
