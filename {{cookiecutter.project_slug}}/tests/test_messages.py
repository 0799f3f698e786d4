"""The example form: validation, errors next to fields, CSRF."""

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Message
{%- endif %}


def test_form_page_has_labelled_fields(client: FlaskClient) -> None:
    response = client.get("/messages/new")
    assert response.status_code == 200
    assert b'<label for="author">' in response.data
    assert b'<label for="body">' in response.data


def test_valid_message_is_accepted(client: FlaskClient, app: Flask) -> None:
    response = client.post(
        "/messages/new",
        data={"author": "Ada", "body": "Hello <b>world</b>"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert b"Thanks" in response.data
{%- if cookiecutter.use_sqlalchemy %}
    assert b"Hello &lt;b&gt;world&lt;/b&gt;" in response.data
    with app.app_context():
        message = db.session.execute(db.select(Message)).scalar_one()
        assert (message.author, message.body) == ("Ada", "Hello <b>world</b>")
        assert message.created_at is not None
{%- endif %}


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"author": "", "body": "Hi"}, "author", b"This field is required."),
        ({"author": "Ada", "body": ""}, "body", b"This field is required."),
        ({"author": "A" * 81, "body": "Hi"}, "author", b"longer than 80"),
        ({"author": "Ada", "body": "x" * 501}, "body", b"longer than 500"),
    ],
)
def test_invalid_message_shows_error_next_to_field(
    client: FlaskClient, data: dict[str, str], field: str, error: bytes
) -> None:
    response = client.post("/messages/new", data=data)
    assert response.status_code == 200
    assert error in response.data
    assert f'id="{field}-errors"'.encode() in response.data
    assert f'aria-describedby="{field}-errors"'.encode() in response.data


def test_post_without_csrf_token_is_refused(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
{%- if cookiecutter.use_sqlalchemy %}
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite'}",
{%- endif %}
        }
    )
    response = app.test_client().post(
        "/messages/new", data={"author": "Ada", "body": "Hi"}
    )
    assert response.status_code == 400
