"""Secure by default: response headers, cookie flags, form protection and limits."""

import re
{%- if cookiecutter.use_sqlalchemy %}
from collections.abc import Iterator
{%- endif %}
from pathlib import Path

import pytest
{%- if cookiecutter.use_login or cookiecutter.use_api %}
from conftest import (
{%- if cookiecutter.use_login %}
    AuthActions,
{%- endif %}
{%- if cookiecutter.use_api %}
    json_of,
{%- endif %}
)
{%- endif %}
from flask import Flask, abort, session
from flask.testing import FlaskClient
from werkzeug.exceptions import TooManyRequests
from werkzeug.test import TestResponse

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.models import User
{%- endif %}

HTTPS = "https://localhost"
HTML_PAGES = [
    "/",
    "/no-such-page",
{%- if cookiecutter.use_wtf %}
    "/messages/new",
{%- endif %}
{%- if cookiecutter.use_login %}
    "/auth/login",
    "/auth/register",
{%- endif %}
]
PAGES = [*HTML_PAGES, "/healthz", "/readyz", "/static/style.css"]
# What a Content-Security-Policy without 'unsafe-inline' would block.
INLINE_CODE = re.compile(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", re.I)


@pytest.fixture
{%- if cookiecutter.use_sqlalchemy %}
def production_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Flask]:
{%- else %}
def production_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Flask:
{%- endif %}
    """The app as production builds it: settings from the environment."""
    for name in ("FLASK_DEBUG", "FLASK_TESTING", "FLASK_PROXY_HOPS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLASK_SECRET_KEY", "0123456789abcdef0123456789abcdef")
{%- if cookiecutter.use_mail %}
    monkeypatch.setenv("FLASK_SERVER_NAME", "site.example")
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    app = create_app()
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()
{%- else %}
    return create_app()
{%- endif %}


def assert_secure_cookies(response: TestResponse, names: list[str]) -> None:
    """Each cookie in `names` is set Secure, HttpOnly and SameSite=Lax."""
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert set(names) <= set(cookies), cookies
    for name in names:
        flags = [flag.strip() for flag in cookies[name].split(";")]
        assert {"Secure", "HttpOnly", "SameSite=Lax"} <= set(flags), cookies[name]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_security_headers(client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("policy", [None, "default-src 'none'"])
def test_policy_setting_replaces_the_csp(app: Flask, policy: str | None) -> None:
    same_app_with_policy = create_app({**app.config, "CONTENT_SECURITY_POLICY": policy})
    response = same_app_with_policy.test_client().get("/healthz")
    assert response.headers.get("Content-Security-Policy") == policy


def test_headers_a_view_sets_are_kept(app: Flask, client: FlaskClient) -> None:
    @app.get("/framed")
    def framed() -> tuple[str, dict[str, str]]:
        return "ok", {"X-Frame-Options": "SAMEORIGIN"}

    assert client.get("/framed").headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]


def test_hsts_is_sent_over_https_only(client: FlaskClient) -> None:
    response = client.get("/", base_url=HTTPS)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("path", HTML_PAGES)
def test_pages_have_no_inline_code_the_policy_would_block(
    client: FlaskClient, path: str
) -> None:
    assert INLINE_CODE.findall(client.get(path).get_data(as_text=True)) == []


def test_production_session_cookie_is_secure(production_app: Flask) -> None:
    @production_app.get("/visit")
    def visit() -> str:
        session["visited"] = True
        return "ok"

    response = production_app.test_client().get("/visit", base_url=HTTPS)
    assert_secure_cookies(response, ["session"])
{%- if cookiecutter.use_wtf %}


def csrf_token(response: TestResponse) -> str:
    """The CSRF token of the form in a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
    assert found is not None, response.text
    return found[1]


@pytest.mark.parametrize(
    "path",
    [
        "/messages/new",
{%- if cookiecutter.use_login %}
        "/auth/login",
        "/auth/register",
        "/auth/logout",
        "/auth/logout-everywhere",
        "/auth/password",
{%- endif %}
    ],
)
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_post_without_a_valid_csrf_token_answers_400(
    production_app: Flask, path: str, token: str | None
) -> None:
    data = {"csrf_token": token} if token else {}
    response = production_app.test_client().post(path, data=data, base_url=HTTPS)
    assert response.status_code == 400
    assert b"This form has expired" in response.data


def test_post_with_the_csrf_token_is_accepted(production_app: Flask) -> None:
    client = production_app.test_client()
    token = csrf_token(client.get("/messages/new", base_url=HTTPS))
    response = client.post(
        "/messages/new",
        data={"csrf_token": token, "author": "Ada", "body": "Hi"},
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/messages/new"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({"body": "x" * (2 * 1024 * 1024)}, None),
        ({"body": "x" * (100 * 1024)}, "multipart/form-data"),
        ({f"field{n}": "x" for n in range(150)}, "multipart/form-data"),
    ],
    ids=["body-over-1MiB", "field-over-64KiB", "150-fields"],
)
def test_oversized_form_answers_413(
    client: FlaskClient, data: dict[str, str], content_type: str | None
) -> None:
    response = client.post("/messages/new", data=data, content_type=content_type)
    assert response.status_code == 413
{%- endif %}
{%- if cookiecutter.use_login %}


def test_production_login_cookies_are_secure(production_app: Flask) -> None:
    with production_app.app_context():
        user = User(email="ada@example.com")
        user.set_password("correct horse")
        db.session.add(user)
        db.session.commit()
    client = production_app.test_client()
    token = csrf_token(client.get("/auth/login", base_url=HTTPS))
    response = client.post(
        "/auth/login",
        data={
            "csrf_token": token,
            "email": "ada@example.com",
            "password": "correct horse",
            "remember": "y",
        },
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/auth/login"},
    )
    assert response.status_code == 302
    assert_secure_cookies(response, ["session", "remember_token"])


def test_session_from_another_browser_is_no_longer_fresh(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    with client.session_transaction() as data:
        assert data["_fresh"] is True
    client.get("/auth/account", headers={"User-Agent": "another browser"})
    with client.session_transaction() as data:
        assert data["_fresh"] is False


def test_login_posts_are_rate_limited_per_client(app: Flask) -> None:
    limited = create_app(
        {**app.config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}
    )
    client = limited.test_client()
    data = {"email": "ada@example.com", "password": "wrong password"}
    statuses = [client.post("/auth/login", data=data).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/auth/login").status_code == 200
    other = {"REMOTE_ADDR": "192.0.2.8"}
    response = client.post("/auth/login", data=data, environ_base=other)
    assert response.status_code == 200
    with limited.app_context():
        db.engine.dispose()
{%- endif %}


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (400, b"could not be understood"),
        (403, b"permission"),
        (405, b"does not accept"),
        (413, b"too large"),
        (429, b"Too many requests"),
    ],
)
def test_error_pages_are_the_sites(app: Flask, code: int, text: bytes) -> None:
    @app.get("/fail/<int:code>")
    def fail(code: int) -> str:
        abort(code)
{%- if cookiecutter.use_api %}

    @app.get("/api/v1/fail/<int:code>")
    def api_fail(code: int) -> str:
        abort(code)
{%- endif %}

    client = app.test_client()
    response = client.get(f"/fail/{code}")
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert text in response.data
    assert b'<link rel="stylesheet"' in response.data
{%- if cookiecutter.use_api %}
    api = client.get(f"/api/v1/fail/{code}")
    assert api.status_code == code
    assert json_of(api)["code"] == code
{%- endif %}


def test_429_page_carries_retry_after(app: Flask) -> None:
    @app.get("/busy")
    def busy() -> str:
        raise TooManyRequests(retry_after=60)

    response = app.test_client().get("/busy")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert b"Please wait a moment" in response.data
{%- if cookiecutter.use_wtf %}


def test_expired_form_page_tells_the_user_to_retry(production_app: Flask) -> None:
    client = production_app.test_client()
    token = csrf_token(client.get("/messages/new", base_url=HTTPS))
    client.delete_cookie("session")  # the session that signed the token is gone
    response = client.post(
        "/messages/new",
        data={"csrf_token": token, "author": "Ada", "body": "Hi"},
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/messages/new"},
    )
    assert response.status_code == 400
    assert b"Reload the page, then send the form again" in response.data
{%- endif %}
{%- if cookiecutter.use_login %}


def limited_client(app: Flask, **settings: object) -> FlaskClient:
    """A client of a copy of `app` whose rate limits are on."""
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True, **settings})
    return limited.test_client()


def test_rate_limited_login_answers_the_429_page(app: Flask) -> None:
    client = limited_client(app, LOGIN_RATE_LIMIT="1 per minute")
    data = {"email": "ada@example.com", "password": "wrong password"}
    client.post("/auth/login", data=data)
    response = client.post("/auth/login", data=data)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert b"Too many requests" in response.data


def test_registration_is_rate_limited_per_client(app: Flask) -> None:
    client = limited_client(app, REGISTER_RATE_LIMIT="2 per hour")
    statuses = []
    for number in range(3):
        data = {
            "email": f"user{number}@example.com",
            "password": "correct horse",
            "confirm_password": "correct horse",
        }
        statuses.append(client.post("/auth/register", data=data).status_code)
        client.post("/auth/logout")
    assert statuses == [302, 302, 429]


# Pages that show account data or carry a token (CSRF, reset link).
PERSONAL_PAGES = [
    "/auth/account",
    "/auth/password",
    "/auth/login",
    "/auth/register",
{%- if cookiecutter.use_mail %}
    "/auth/reset",
{%- endif %}
]


def test_personal_pages_are_never_stored(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    for path in PERSONAL_PAGES:
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    style = client.get("/static/style.css")
    style.close()
    assert "no-store" not in style.headers.get("Cache-Control", "")


def test_production_warns_when_limits_are_counted_per_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("FLASK_SECRET_KEY", "0123456789abcdef0123456789abcdef")
{%- if cookiecutter.use_mail %}
    monkeypatch.setenv("FLASK_SERVER_NAME", "site.example")
{%- endif %}
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    for name in ("FLASK_DEBUG", "FLASK_TESTING"):
        monkeypatch.delenv(name, raising=False)
{%- if cookiecutter.use_celery %}
    monkeypatch.delenv("REDIS_URL", raising=False)
{%- endif %}
    monkeypatch.setenv("FLASK_RATELIMIT_STORAGE_URI", "memory://")
    create_app()
    assert "counted in memory, per process" in caplog.text
{%- if cookiecutter.use_celery %}
    # REDIS_URL, when set, makes the limits shared (and the warning goes).
    caplog.clear()
    monkeypatch.delenv("FLASK_RATELIMIT_STORAGE_URI")
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/1")
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/1"
    assert "per process" not in caplog.text
{%- endif %}
{%- endif %}
