"""Shared fixtures, as in Flask's tutorial: the app, its client and CLI runner."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy %}
import os
from collections.abc import Iterator
{%- endif %}
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
{%- if cookiecutter.use_migrate %}
from flask_migrate import stamp
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy import Connection, Engine, event
{%- endif %}
from werkzeug.test import TestResponse

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- if cookiecutter.use_migrate %}
from {{ cookiecutter.project_slug }}.migrations import VERSION_TABLE
{%- endif %}
{%- endif %}

pytest_plugins = ["_speed"]

TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
{%- if cookiecutter.use_wtf %}
    "WTF_CSRF_ENABLED": False,
{%- endif %}
{%- if cookiecutter.use_login %}
    "RATELIMIT_ENABLED": False,
    # One PBKDF2 round, not scrypt: tests need users, not slow hashes.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
{%- endif %}
{%- if cookiecutter.use_celery %}
    # Jobs run at once, in the test's process: no broker, no worker.
    "CELERY": {"task_always_eager": True, "task_store_eager_result": True},
{%- endif %}
}
{%- if cookiecutter.use_sqlalchemy %}


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of the test database (TEST_DATABASE_URL, or a SQLite file), made once."""
    folder = tmp_path_factory.mktemp("database")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'test.sqlite'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
{%- if cookiecutter.use_migrate %}
        stamp()  # create_all() made the newest schema: mark it as migrated
{%- endif %}
    yield url
    with app.app_context():
        db.drop_all()
{%- if cookiecutter.use_migrate %}
        VERSION_TABLE.drop(db.engine, checkfirst=True)
{%- endif %}
        db.engine.dispose()


@pytest.fixture
def app(database: str) -> Iterator[Flask]:
    """A fresh app in testing mode for each test, its rows deleted after it."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database})
    yield app
    with app.app_context(), db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def close_connections() -> Iterator[None]:
    """Close the connections of every app a test built (drivers warn of unclosed ones)."""
    engines: list[Engine] = []

    def remember(connection: Connection) -> None:
        engines.append(connection.engine)

    event.listen(Engine, "engine_connect", remember)
    yield
    event.remove(Engine, "engine_connect", remember)
    for engine in engines:
        engine.dispose()
{%- else %}


@pytest.fixture
def app() -> Flask:
    """A fresh app in testing mode for each test."""
    return create_app(TEST_CONFIG)
{%- endif %}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that sends requests without a server."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's `flask` commands."""
    return app.test_cli_runner()


def json_of(response: TestResponse) -> Any:
    """The JSON body of `response` (Any, as JSON is), which must have one."""
    body = response.json
    assert body is not None, response.data
    return body
{%- if cookiecutter.use_login %}


class AuthActions:
    """Register, log in and log out through the real views."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def register(
        self, email: str = "ada@example.com", password: str = "correct horse"
    ) -> TestResponse:
{%- if cookiecutter.use_mail %}
        """Create an account, then log in to it (registering alone does not)."""
{%- else %}
        """Create an account (which also logs it in)."""
{%- endif %}
        data = {"email": email, "password": password, "confirm_password": password}
        response = self._client.post("/auth/register", data=data)
{%- if cookiecutter.use_mail %}
        self.login(email, password)
{%- endif %}
        return response

    def login(
        self, email: str = "ada@example.com", password: str = "correct horse"
    ) -> TestResponse:
        """Log in with the given credentials."""
        data = {"email": email, "password": password}
        return self._client.post("/auth/login", data=data)

    def logout(self) -> TestResponse:
        """Log the current user out."""
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Helpers to register, log in and log out."""
    return AuthActions(client)
{%- endif %}
