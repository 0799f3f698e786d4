"""Shared fixtures, flaskr-style: a fresh app per test, its client and CLI runner."""

{% if cookiecutter.use_sqlalchemy -%}
import os

{% endif -%}
import pytest

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}

# Point the tests at PostgreSQL or MySQL instead of SQLite by setting this.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
{%- endif %}


@pytest.fixture
def app(tmp_path):
    """A fresh app in testing mode for each test."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
{%- if cookiecutter.use_wtf %}
            "WTF_CSRF_ENABLED": False,
{%- endif %}
{%- if cookiecutter.use_login %}
            "RATELIMIT_ENABLED": False,
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
            "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL
            or f"sqlite:///{tmp_path / 'test.sqlite'}",
{%- endif %}
{%- if cookiecutter.use_celery %}
            # Jobs run at once, in the test's process: no broker, no worker.
            "CELERY": {"task_always_eager": True, "task_store_eager_result": True},
{%- endif %}
        }
    )
{%- if cookiecutter.use_sqlalchemy %}
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
{%- else %}
    return app
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}


@pytest.fixture
def app_without_database(tmp_path):
    """An app whose database cannot be reached: a SQLite file in a missing folder."""
    missing = tmp_path / "no-such-folder" / "db.sqlite"
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}
    )
{%- endif %}


@pytest.fixture
def client(app):
    """A test client that sends requests without a server."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's `flask` commands."""
    return app.test_cli_runner()
{%- if cookiecutter.use_login %}


class AuthActions:
    """Register, log in and log out through the real views."""

    def __init__(self, client):
        self._client = client

    def register(self, email="ada@example.com", password="correct horse"):
        """Create an account (which also logs it in)."""
        return self._client.post(
            "/auth/register",
            data={"email": email, "password": password, "confirm_password": password},
        )

    def login(self, email="ada@example.com", password="correct horse"):
        """Log in with the given credentials."""
        return self._client.post(
            "/auth/login", data={"email": email, "password": password}
        )

    def logout(self):
        """Log the current user out."""
        return self._client.post("/auth/logout")

    def logout_everywhere(self):
        """End every session of the current user."""
        return self._client.post("/auth/logout-everywhere")

    def change_password(self, current="correct horse", new="battery staple lamp"):
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
def auth(client):
    """Helpers to register, log in and log out."""
    return AuthActions(client)


@pytest.fixture
def auth_for():
    """Make AuthActions for another client: a second browser of the same user."""
    return AuthActions
{%- endif %}
