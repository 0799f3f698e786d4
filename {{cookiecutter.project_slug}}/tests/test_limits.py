"""Limits per account and per mail address, whichever client addresses ask."""
{%- if cookiecutter.use_mail %}

from typing import Any
{%- endif %}

import pytest
from flask import Flask

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User

WRONG = {"email": "ada@example.com", "password": "wrong password"}
RIGHT = {"email": "ada@example.com", "password": "correct horse"}


def limited_app(app: Flask, **settings: object) -> Flask:
    """A copy of `app` whose rate limits are on, with `settings`."""
    return create_app({**app.config, "RATELIMIT_ENABLED": True, **settings})


def from_address(number: int) -> dict[str, str]:
    """The WSGI environment of a request from the client address 192.0.2.`number`."""
    return {"REMOTE_ADDR": f"192.0.2.{number}"}


@pytest.fixture
def ada(app: Flask) -> None:
    """The account that the attacks below aim at."""
    with app.app_context():
        user = User(email="ada@example.com")
        user.set_password(RIGHT["password"])
        db.session.add(user)
        db.session.commit()


@pytest.mark.usefixtures("ada")
def test_failed_logins_are_limited_per_account_from_any_address(app: Flask) -> None:
    client = limited_app(app, ACCOUNT_LOGIN_RATE_LIMIT="3 per hour").test_client()
    statuses = [
        client.post("/auth/login", data=WRONG, environ_base=from_address(n)).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    # Letter case and spaces name the same account.
    shouted = {**WRONG, "email": " ADA@example.com "}
    again = client.post("/auth/login", data=shouted, environ_base=from_address(9))
    assert again.status_code == 429
    # Another account is counted apart.
    other = {**WRONG, "email": "bob@example.com"}
    assert client.post("/auth/login", data=other).status_code == 200


@pytest.mark.usefixtures("ada")
def test_the_owners_browser_logs_in_while_the_account_is_attacked(app: Flask) -> None:
    limited = limited_app(app, ACCOUNT_LOGIN_RATE_LIMIT="2 per hour")
    owner = limited.test_client()
    assert owner.post("/auth/login", data=RIGHT).status_code == 302
    owner.post("/auth/logout")
    attacker = limited.test_client()
    for number in range(4):
        attacker.post("/auth/login", data=WRONG, environ_base=from_address(number))
    assert attacker.post("/auth/login", data=RIGHT).status_code == 429
    # The owner's browser carries the signed cookie of its earlier login.
    assert owner.post("/auth/login", data=RIGHT).status_code == 302
    # Copied to another account's name, or forged, the cookie exempts nothing.
    other = limited.test_client()
    other.set_cookie("known_device", "forged")
    assert other.post("/auth/login", data=RIGHT).status_code == 429


@pytest.mark.usefixtures("ada")
def test_successful_logins_do_not_count_against_the_account(app: Flask) -> None:
    limited = limited_app(app, ACCOUNT_LOGIN_RATE_LIMIT="2 per hour")
    for number in range(4):
        client = limited.test_client()
        response = client.post(
            "/auth/login", data=RIGHT, environ_base=from_address(number)
        )
        assert response.status_code == 302


def test_anonymous_messages_are_limited_per_client(app: Flask) -> None:
    client = limited_app(app, MESSAGE_RATE_LIMIT="2 per minute").test_client()
    data = {"author": "Ada", "body": "Hello"}
    statuses = [client.post("/messages/new", data=data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
{%- if cookiecutter.use_mail %}


@pytest.mark.usefixtures("ada")
def test_mails_to_one_address_are_limited_from_any_address(app: Flask) -> None:
    limited = limited_app(app, MAIL_ADDRESS_RATE_LIMIT="2 per hour")
    outbox: list[Any] = []
    limited.extensions["mailman"].outbox = outbox
    client = limited.test_client()
    statuses = [
        client.post(
            "/auth/reset",
            data={"email": "ada@example.com"},
            environ_base=from_address(n),
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    # Registering the taken address would mail its owner: it counts too.
    register = {
        "email": "Ada@Example.com",
        "password": "lunar teapot marching band",
        "confirm_password": "lunar teapot marching band",
    }
    taken = client.post("/auth/register", data=register, environ_base=from_address(7))
    assert taken.status_code == 429
    assert len(outbox) == 2
    # Another address is counted apart.
    other = client.post("/auth/reset", data={"email": "bob@example.com"})
    assert other.status_code == 302
{%- endif %}
