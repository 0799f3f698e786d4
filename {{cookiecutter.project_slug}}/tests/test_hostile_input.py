"""Hostile input on every route and form: a 4xx or the form again, never a 500.

Each test gets a fresh app, as everywhere else in this suite.
"""

import pytest
{%- if cookiecutter.use_login or (cookiecutter.use_api and cookiecutter.use_sqlalchemy) %}
from conftest import (
{%- if cookiecutter.use_login %}
    AuthActions,
{%- endif %}
{%- if cookiecutter.use_api and cookiecutter.use_sqlalchemy %}
    json_of,
{%- endif %}
)
{%- endif %}
from flask.testing import FlaskClient
from werkzeug.wrappers import Response

MARKUP = "<script>alert(1)</script>"
HOSTILE = {
    "overlong": "x" * 20_000,
    "nul": "ada\x00@example.com",
    "controls": "\x01\x08\x1b[31m\x7f\r\n",
    "markup": MARKUP,
    "attribute": '"><img src=x onerror=alert(1)>',
    "sql": "' OR '1'='1'; DROP TABLE users; --",
    # Jinja tags, as escapes so that cookiecutter leaves them alone when baking.
    "jinja": "\x7b\x7b config.SECRET_KEY \x7d\x7d\x7b% raw %\x7d",
    "unicode": "\u202e\ufeff\U0001f600\ufffd",
    "url": "//evil.example/%2e%2e/",
}
GET_PATHS = [
    "/",
    "/healthz",
    "/readyz",
    "/static/style.css",
{%- if cookiecutter.use_wtf %}
    "/messages/new",
{%- endif %}
{%- if cookiecutter.use_login %}
    "/auth/login",
    "/auth/register",
    "/auth/account",
{%- endif %}
{%- if cookiecutter.use_api %}
    "/api/openapi.json",
    "/api/v1/health",
    "/api/v1/version",
    "/api/v1/notes",
    "/api/v1/notes/1",
{%- endif %}
]
{%- if cookiecutter.use_wtf %}
# Each form with answers that pass its validation; each field gets the payloads.
FORMS = {
    "/messages/new": {"author": "Ada", "body": "Hello"},
{%- if cookiecutter.use_login %}
    "/auth/login": {"email": "ada@example.com", "password": "correct horse"},
    "/auth/register": {
        "email": "ada@example.com",
        "password": "correct horse",
        "confirm_password": "correct horse",
    },
{%- endif %}
}
FIELDS = [(path, field) for path, data in FORMS.items() for field in data]
{%- endif %}
# Bytes that are not UTF-8, in a path, a query string and a form body.
INVALID_UTF8 = b"\xff\xfe\xc3\x28\xed\xa0\x80"


def assert_harmless(response: Response) -> None:
    """A client error or a page, never a server error, never live markup in HTML."""
    assert response.status_code < 500, response.status_code
    if response.mimetype != "text/html":
        return
    body = response.get_data()
    assert MARKUP.encode() not in body
    assert b"<img src=x" not in body


@pytest.mark.parametrize("path", GET_PATHS)
def test_hostile_query_string(client: FlaskClient, path: str) -> None:
    for payload in HOSTILE.values():
        query = {"q": payload, "next": payload}
        with client.get(path, query_string=query) as response:
            assert_harmless(response)


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_path(client: FlaskClient, payload: str) -> None:
    response = client.get("/" + payload)
    assert response.status_code == 404
    assert_harmless(response)


@pytest.mark.parametrize("path", ["/no-such-page", *GET_PATHS])
def test_invalid_utf8_in_path_and_query(client: FlaskClient, path: str) -> None:
    raw = INVALID_UTF8.decode("latin-1")
    with client.get(path, environ_overrides={"PATH_INFO": path + raw}) as response:
        assert_harmless(response)
    with client.get(path, query_string="next=%ff%fe&q=%c3%28") as response:
        assert_harmless(response)
    for query in ("next=" + raw, "q=" + raw, raw):
        environ = {"QUERY_STRING": query}
        with client.get(path, environ_overrides=environ) as response:
            assert response.status_code == 400


{%- if cookiecutter.use_wtf %}


@pytest.mark.parametrize(("path", "field"), FIELDS)
def test_hostile_form_field(client: FlaskClient, path: str, field: str) -> None:
    for payload in HOSTILE.values():
        data = {**FORMS[path], field: payload}
        response = client.post(path, data=data, follow_redirects=True)
        assert_harmless(response)
        assert_harmless(client.get("/"))


@pytest.mark.parametrize("path", FORMS)
def test_invalid_utf8_form_body(client: FlaskClient, path: str) -> None:
    fields = "&".join(f"{name}=" for name in FORMS[path])
    body = fields.encode() + b"&x=" + INVALID_UTF8
    for name in FORMS[path]:
        body = body.replace(f"{name}=".encode(), f"{name}=".encode() + INVALID_UTF8)
    response = client.post(
        path, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert_harmless(response)
{%- endif %}
{%- if cookiecutter.use_login %}


@pytest.mark.parametrize(
    "forged",
    ["1", "2", "", "None", *HOSTILE.values()],
    ids=["user-id", "other-id", "empty", "none", *HOSTILE.keys()],
)
def test_forged_session_ids_log_nobody_in(
    client: FlaskClient, auth: AuthActions, forged: str
) -> None:
    auth.register()
    auth.logout()
    with client.session_transaction() as data:
        data["_user_id"] = forged
        data["_fresh"] = True
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert_harmless(client.get("/"))
{%- endif %}
{%- if cookiecutter.use_api and cookiecutter.use_sqlalchemy %}


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_bearer_tokens(client: FlaskClient, payload: str) -> None:
    for header in (f"Bearer {payload}", payload, f"Bearer  {payload} "):
        header = header.encode("utf-8").decode("latin-1").replace("\x00", "")
        headers = {"Authorization": header.replace("\r", "").replace("\n", "")}
        response = client.post("/api/v1/notes", json={"title": "x"}, headers=headers)
        assert response.status_code in (401, 403)
        assert json_of(response)["code"] == response.status_code
{%- endif %}
