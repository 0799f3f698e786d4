"""Registering, logging in and out, and who may see the account page."""

import pytest

from {{ cookiecutter.project_slug }}.auth.routes import is_safe_next
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User


def test_register_creates_a_logged_in_user(client, auth, app):
    assert client.get("/auth/register").status_code == 200
    response = auth.register(email=" Ada@Example.com ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/account"
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.email == "ada@example.com"
        assert user.password_hash != "correct horse"
        assert user.check_password("correct horse")
    assert b"ada@example.com" in client.get("/auth/account").data


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "password": "long enough"}, "email", b"required"),
        ({"email": "not-an-email", "password": "long enough"}, "email", b"Invalid"),
        ({"email": "a@example.com", "password": "short"}, "password", b"between 8"),
    ],
)
def test_register_validates_input(client, data, field, message):
    data["confirm_password"] = data["password"]
    response = client.post("/auth/register", data=data)
    assert response.status_code == 200
    assert message in response.data
    assert f'id="{field}-errors"'.encode() in response.data


def test_register_requires_matching_passwords(client):
    response = client.post(
        "/auth/register",
        data={
            "email": "a@example.com",
            "password": "correct horse",
            "confirm_password": "battery staple",
        },
    )
    assert b"The two passwords must match." in response.data
    assert b'id="confirm_password-errors"' in response.data


def test_register_refuses_a_taken_email(client, auth):
    auth.register()
    auth.logout()
    response = auth.register(email="ADA@example.com")
    assert response.status_code == 200
    assert b"already exists" in response.data


def test_login_and_logout(client, auth):
    auth.register()
    auth.logout()
    assert client.get("/auth/login").status_code == 200
    response = auth.login()
    assert response.headers["Location"] == "/auth/account"
    page = client.get("/").data
    assert b"Logged in as" in page
    assert b"ada@example.com" in page
    response = auth.logout()
    assert response.headers["Location"] == "/"
    assert b"Log in" in client.get("/").data
    assert client.get("/auth/account").status_code == 302


def test_remember_me_outlives_the_session_until_logout(client, auth):
    auth.register()
    auth.logout()
    client.post(
        "/auth/login",
        data={"email": "ada@example.com", "password": "correct horse", "remember": "y"},
    )
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    assert b"ada@example.com" in client.get("/").data
    auth.logout()
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert b"Log in" in client.get("/").data


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", "wrong password"),
        ("nobody@example.com", "correct horse"),
    ],
)
def test_login_failure_looks_the_same_for_any_cause(client, auth, email, password):
    auth.register()
    auth.logout()
    response = auth.login(email=email, password=password)
    assert response.status_code == 200
    assert b"Invalid email or password." in response.data


def test_account_page_requires_login(client):
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_login_follows_a_local_next(client, auth):
    auth.register()
    auth.logout()
    response = client.post(
        "/auth/login?next=/auth/account",
        data={"email": "ada@example.com", "password": "correct horse"},
    )
    assert response.headers["Location"] == "/auth/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\tevil",
        "",
    ],
)
def test_login_never_redirects_off_site(client, auth, target):
    auth.register()
    auth.logout()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "ada@example.com", "password": "correct horse"},
    )
    assert response.headers["Location"] == "/auth/account"
    assert not is_safe_next(target)


def test_logged_in_user_skips_register_and_login(client, auth):
    auth.register()
    assert client.get("/auth/register").headers["Location"] == "/auth/account"
    assert client.get("/auth/login").headers["Location"] == "/auth/account"


def test_logout_needs_post(client):
    assert client.get("/auth/logout").status_code == 405
