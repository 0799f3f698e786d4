"""Shared fixtures, flaskr-style: a fresh app per test, its client and CLI runner."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy %}
import os
import sqlite3
import weakref
from collections.abc import Iterator
{%- endif %}
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
{%- endif %}
from werkzeug.test import TestResponse

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
{%- if cookiecutter.use_migrate %}
from {{ cookiecutter.project_slug }}.migrations import VERSION_TABLE, revisions
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}

# Point the tests at PostgreSQL or MySQL instead of SQLite by setting this.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@event.listens_for(Engine, "connect")
def skip_fsync_on_sqlite(connection: object, record: object) -> None:
    """A test's SQLite file is thrown away: no fsync, and the journal in memory.

    Each CREATE and DROP TABLE otherwise waits for the disk, twice per test.
    """
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA journal_mode = MEMORY")


# The engines that opened a connection during the current test.
CONNECTED_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def remember_connected_engine(connection: Connection) -> None:
    """Note the engine of each connection a test opens, for close_connections."""
    CONNECTED_ENGINES.add(connection.engine)


@pytest.fixture(autouse=True)
def close_connections() -> Iterator[None]:
    """After each test, close the pooled connections of every app it made.

    Apps a test builds itself (create_app(...)) have no fixture to clean up after
    them: the garbage collector would close their connections later, which the
    database drivers (sqlite3 too, from Python 3.13) report as a ResourceWarning,
    an error in this suite.
    """
    yield
    for engine in list(CONNECTED_ENGINES):
        engine.dispose()
    CONNECTED_ENGINES.clear()
{%- endif %}


class SharedTemplateCache(BytecodeCache):
    """Compiled Jinja templates kept in memory and shared by every test's app.

    Each test builds a new app, and each app would compile its templates again.
    Jinja checks the source's checksum, so an edited template is recompiled.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill `bucket` from the cache, when this template was compiled before."""
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a newly compiled template."""
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


def json_of(response: TestResponse) -> Any:
    """The JSON body of `response` (Any, as JSON is), which must have one."""
    body = response.json
    assert body is not None, response.data
    return body


def make_app(folder: Path) -> Flask:
    """A new app in testing mode, its files (and tables) under `folder`."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
{%- if cookiecutter.use_wtf %}
            "WTF_CSRF_ENABLED": False,
{%- endif %}
{%- if cookiecutter.use_login %}
            "RATELIMIT_ENABLED": False,
            # Tests need users, not slow hashes: one PBKDF2 round instead of
            # scrypt (test_models.py proves production still uses scrypt).
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL
            or f"sqlite:///{folder / 'test.sqlite'}",
{%- endif %}
{%- if cookiecutter.use_celery %}
            # Jobs run at once, in the test's process: no broker, no worker.
            "CELERY": {"task_always_eager": True, "task_store_eager_result": True},
{%- endif %}
        }
    )
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
{%- if cookiecutter.use_sqlalchemy %}
    with app.app_context():
        db.create_all()
{%- if cookiecutter.use_migrate %}
        # create_all() built the newest schema: record it as migrated, like
        # `flask db stamp head`, so /readyz sees no pending migration.
        # (A server database may already hold them, from a module's shared app.)
        with db.engine.begin() as connection:
            VERSION_TABLE.create(connection, checkfirst=True)
            connection.execute(VERSION_TABLE.delete())
            heads = revisions()[1]
            connection.execute(
                VERSION_TABLE.insert(), [{"version_num": head} for head in heads]
            )
{%- endif %}
{%- endif %}
    return app
{%- if cookiecutter.use_sqlalchemy %}


def drop_tables(app: Flask) -> None:
    """Drop what make_app created and close the app's database connections."""
    with app.app_context():
        db.session.remove()
        db.drop_all()
{%- if cookiecutter.use_migrate %}
        with db.engine.begin() as connection:
            VERSION_TABLE.drop(connection, checkfirst=True)
{%- endif %}
        db.engine.dispose()
{%- endif %}


@pytest.fixture
{%- if cookiecutter.use_sqlalchemy %}
def app(tmp_path: Path) -> Iterator[Flask]:
{%- else %}
def app(tmp_path: Path) -> Flask:
{%- endif %}
    """A fresh app in testing mode for each test."""
{%- if cookiecutter.use_sqlalchemy %}
    app = make_app(tmp_path)
    yield app
    drop_tables(app)
{%- else %}
    return make_app(tmp_path)
{%- endif %}


@pytest.fixture(scope="module")
{%- if cookiecutter.use_sqlalchemy %}
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
{%- else %}
def shared_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
{%- endif %}
    """One app's client for a whole module: only for requests that change nothing.

    Building an app costs more than most requests, so tables of read-only
    requests (GET with hostile query strings, ...) share one.
    """
    app = make_app(tmp_path_factory.mktemp("shared"))
{%- if cookiecutter.use_sqlalchemy %}
    yield app.test_client()
    drop_tables(app)
{%- else %}
    return app.test_client()
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}


@pytest.fixture
def app_without_database(tmp_path: Path) -> Flask:
    """An app whose database cannot be reached: a SQLite file in a missing folder."""
    missing = tmp_path / "no-such-folder" / "db.sqlite"
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}
    )
{%- endif %}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that sends requests without a server."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's `flask` commands."""
    return app.test_cli_runner()
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
        response = self._client.post(
            "/auth/register",
            data={"email": email, "password": password, "confirm_password": password},
        )
        self.login(email, password)
        return response
{%- else %}
        """Create an account (which also logs it in)."""
        return self._client.post(
            "/auth/register",
            data={"email": email, "password": password, "confirm_password": password},
        )
{%- endif %}

    def login(
        self,
        email: str = "ada@example.com",
        password: str = "correct horse",
        remember: bool = False,
    ) -> TestResponse:
        """Log in with the given credentials (and "Keep me logged in" if `remember`)."""
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post("/auth/login", data=data)

    def logout(self) -> TestResponse:
        """Log the current user out."""
        return self._client.post("/auth/logout")

    def logout_everywhere(self) -> TestResponse:
        """End every session of the current user."""
        return self._client.post("/auth/logout-everywhere")

    def change_password(
        self, current: str = "correct horse", new: str = "battery staple lamp"
    ) -> TestResponse:
        """Change the current user's password on /auth/password."""
        return self._client.post(
            "/auth/password",
            data={
                "current_password": current,
                "password": new,
                "confirm_password": new,
            },
        )


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Helpers to register, log in and log out."""
    return AuthActions(client)


@pytest.fixture
def auth_for() -> type[AuthActions]:
    """Make AuthActions for another client: a second browser of the same user."""
    return AuthActions
{%- endif %}
