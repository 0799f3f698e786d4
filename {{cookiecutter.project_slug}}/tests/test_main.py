"""The home page, the health checks and the error pages."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy %}
from pathlib import Path

import pytest
{%- endif %}
from conftest import json_of
from flask import Flask
from flask.testing import FlaskClient
{%- if cookiecutter.use_sqlalchemy %}

from {{ cookiecutter.project_slug }} import create_app
{%- endif %}


def test_home_page_is_styled(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"<h1>" in response.data
    assert b'href="/static/style.css"' in response.data
    with client.get("/static/style.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_healthz_answers_without_a_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_answers_when_ready(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json_of(response)["status"] == "ready"
{%- if cookiecutter.use_sqlalchemy %}


@pytest.fixture
def app_without_database(tmp_path: Path) -> Flask:
    """An app whose database cannot be reached: a SQLite file in a missing folder."""
    missing = tmp_path / "no-such-folder" / "db.sqlite"
    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}
    )


def test_readyz_answers_503_when_the_database_is_down(
    app_without_database: Flask,
) -> None:
    response = app_without_database.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "down"}


def test_pages_answer_503_when_the_database_is_down(
    app_without_database: Flask,
) -> None:
    client = app_without_database.test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert b"Temporarily unavailable" in response.data
    assert client.get("/healthz").status_code == 200
{%- endif %}


def test_unknown_page_shows_the_404_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_server_error_shows_the_500_page(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.data
