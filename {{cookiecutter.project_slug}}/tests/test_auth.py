"""Registering, logging in and out, and who may see the account page."""

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from conftest import AuthActions
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import TestResponse
from zxcvbn import zxcvbn

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.auth.forms import ZXCVBN_MAX_LENGTH
from {{ cookiecutter.project_slug }}.auth.routes import is_safe_next
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User, UserSession, utcnow

# Where registering leads, for a new address and a taken one alike.
{%- if cookiecutter.use_mail %}
# With mail, no one is logged in: the answer tells nothing of who has an account.
AFTER_REGISTER = "/auth/login"
{%- else %}
AFTER_REGISTER = "/auth/account"
{%- endif %}


def test_register_creates_a_logged_in_user(
    client: FlaskClient, auth: AuthActions, app: Flask
) -> None:
    assert client.get("/auth/register").status_code == 200
    response = auth.register(email=" Ada@Example.com ")
    assert response.status_code == 302
    assert response.headers["Location"] == AFTER_REGISTER
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.email == "ada@example.com"
        assert user.password_hash != "correct horse"
        assert user.check_password("correct horse")
    assert b"ada@example.com" in client.get("/auth/account").data


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "", "password": "long enough pass"}, "email", b"required"),
        ({"email": "not-email", "password": "long enough pass"}, "email", b"Invalid"),
        ({"email": "a@example.com", "password": "short"}, "password", b"at least 12"),
        ({"email": "a@example.com", "password": "x" * 129}, "password", b"at most"),
    ],
)
def test_register_validates_input(
    client: FlaskClient, data: dict[str, str], field: str, message: bytes
) -> None:
    data["confirm_password"] = data["password"]
    response = client.post("/auth/register", data=data)
    assert response.status_code == 200
    assert message in response.data
    assert f'id="{field}-errors"'.encode() in response.data


def test_register_requires_matching_passwords(client: FlaskClient) -> None:
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


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "123456789012",
        "qwertyuiopas",
        "aaaaaaaaaaaa",
        "iloveyou2024",
        "a@b.example12",
        "hunter2hunter2",
    ],
)
def test_register_refuses_common_passwords(client: FlaskClient, password: str) -> None:
    response = client.post(
        "/auth/register",
        data={
            "email": "a@b.example",
            "password": password,
            "confirm_password": password,
        },
    )
    assert response.status_code == 200
    assert b"too common or easy to guess" in response.data
    assert b'id="password-errors"' in response.data


@pytest.mark.parametrize("length", [12, 64, 128])
def test_register_accepts_long_uncommon_passwords(
    client: FlaskClient, app: Flask, length: int
) -> None:
    password = ("vX9#qL2!mR7$ " * 10)[:length]
    response = client.post(
        "/auth/register",
        data={
            "email": "a@b.example",
            "password": password,
            "confirm_password": password,
        },
    )
    assert response.headers["Location"] == AFTER_REGISTER
    with app.app_context():
        assert db.session.execute(db.select(User)).scalar_one().check_password(password)


def test_taken_email_answers_like_a_new_one(app: Flask, auth: AuthActions) -> None:
    auth.register()
    auth.logout()
    first = app.test_client().post(
        "/auth/register",
        data={
            "email": "new@example.com",
            "password": "another horse",
            "confirm_password": "another horse",
        },
    )
    taken = app.test_client().post(
        "/auth/register",
        data={
            "email": "ADA@example.com",
            "password": "another horse",
            "confirm_password": "another horse",
        },
    )
    assert (taken.status_code, taken.headers["Location"]) == (302, AFTER_REGISTER)
    assert (first.status_code, first.headers["Location"]) == (302, AFTER_REGISTER)
    assert taken.data == first.data
    set_cookies = [
        sorted(c.split("=", 1)[0] for c in r.headers.getlist("Set-Cookie"))
        for r in (first, taken)
    ]
{%- if cookiecutter.use_mail %}
    assert set_cookies[0] == set_cookies[1] == ["session"]
{%- else %}
    assert set_cookies[1] == []  # the one difference left (see the README)
{%- endif %}
    with app.app_context():
        ada = db.session.execute(db.select(User).filter_by(email="ada@example.com"))
        assert ada.scalar_one().check_password("correct horse")


def test_login_and_logout(client: FlaskClient, auth: AuthActions) -> None:
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


def log_in_remembered(client: FlaskClient) -> None:
    """Log in with "Keep me logged in" ticked."""
    data = {"email": "ada@example.com", "password": "correct horse", "remember": "y"}
    client.post("/auth/login", data=data)


def test_remember_me_outlives_the_session_until_logout(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    auth.logout()
    log_in_remembered(client)
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
def test_login_failure_looks_the_same_for_any_cause(
    client: FlaskClient, auth: AuthActions, email: str, password: str
) -> None:
    auth.register()
    auth.logout()
    response = auth.login(email=email, password=password)
    assert response.status_code == 200
    assert b"Invalid email or password." in response.data


def test_account_page_requires_login(client: FlaskClient) -> None:
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_login_follows_a_local_next(client: FlaskClient, auth: AuthActions) -> None:
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
def test_login_never_redirects_off_site(
    client: FlaskClient, auth: AuthActions, target: str
) -> None:
    auth.register()
    auth.logout()
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "ada@example.com", "password": "correct horse"},
    )
    assert response.headers["Location"] == "/auth/account"
    assert not is_safe_next(target)


def test_logged_in_user_skips_register_and_login(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    assert client.get("/auth/register").headers["Location"] == "/auth/account"
    assert client.get("/auth/login").headers["Location"] == "/auth/account"


def test_logout_needs_post(client: FlaskClient) -> None:
    assert client.get("/auth/logout").status_code == 405


def logged_in(client: FlaskClient) -> bool:
    """True when the client's cookies still open the account page."""
    return client.get("/auth/account").status_code == 200


def change_password(
    client: FlaskClient,
    current: str = "correct horse",
    new: str = "battery staple lamp",
) -> TestResponse:
    """Change the logged-in user's password on /auth/password."""
    data = {"current_password": current, "password": new, "confirm_password": new}
    return client.post("/auth/password", data=data)


def copy_cookies(
    source: FlaskClient,
    target: FlaskClient,
    names: Sequence[str] = ("session", "remember_token"),
) -> None:
    """Give `target` the cookies of `source`, as a thief who copied them would."""
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def test_login_starts_a_fresh_session(client: FlaskClient, auth: AuthActions) -> None:
    auth.register()
    auth.logout()
    with client.session_transaction() as data:
        data["planted"] = "by an attacker before login"
    auth.login()
    with client.session_transaction() as data:
        assert "planted" not in data
        assert data["_user_id"] != "1"


def test_copied_cookies_stop_working_at_logout(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    auth.logout()
    log_in_remembered(client)
    thief = app.test_client()
    copy_cookies(client, thief)
    remember_only = app.test_client()
    copy_cookies(client, remember_only, names=["remember_token"])
    assert logged_in(thief)
    assert logged_in(remember_only)
    auth.logout()
    assert not logged_in(thief)
    assert not logged_in(remember_only)
    with app.app_context():
        assert db.session.execute(db.select(UserSession)).first() is None


def test_logout_everywhere_ends_every_session(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    other = app.test_client()
    AuthActions(other).login()
    assert logged_in(other)
    response = client.post("/auth/logout-everywhere")
    assert response.headers["Location"] == "/"
    assert not logged_in(client)
    assert not logged_in(other)


def test_logout_everywhere_needs_login_and_post(client: FlaskClient) -> None:
    assert client.get("/auth/logout-everywhere").status_code == 405
    response = client.post("/auth/logout-everywhere")
    assert response.headers["Location"].startswith("/auth/login")


def unused_for(app: Flask, idle: timedelta) -> None:
    """Make every login look unused for `idle`, as if time had passed."""
    with app.app_context():
        for record in db.session.scalars(db.select(UserSession)):
            record.last_seen_at = utcnow() - idle
        db.session.commit()


@pytest.mark.parametrize(
    ("idle", "still_in"),
    [
        pytest.param(timedelta(days=29, hours=23), True, id="29-days-23-hours"),
        pytest.param(timedelta(days=30, minutes=1), False, id="30-days-1-minute"),
    ],
)
def test_a_login_unused_for_session_idle_days_ends(
    app: Flask, client: FlaskClient, auth: AuthActions, idle: timedelta, still_in: bool
) -> None:
    auth.register()
    auth.logout()
    log_in_remembered(client)
    remember_only = app.test_client()
    copy_cookies(client, remember_only, names=["remember_token"])
    assert app.config["SESSION_IDLE_DAYS"] == 30
    unused_for(app, idle)
    assert logged_in(remember_only) is still_in
    assert logged_in(client) is still_in
    with app.app_context():
        rows = db.session.execute(db.select(UserSession)).all()
        assert len(rows) == (1 if still_in else 0)


def test_remember_me_lasts_as_long_as_an_idle_login(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    auth.logout()
    log_in_remembered(client)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.expires is not None
    lasts = cookie.expires - utcnow()
    assert timedelta(days=29, hours=23) < lasts <= timedelta(days=30)


@pytest.mark.parametrize(
    ("settings", "lasts"),
    [
        pytest.param({"SESSION_IDLE_DAYS": 7}, timedelta(days=7), id="idle-days"),
        pytest.param(
            {"SESSION_IDLE_DAYS": 7, "REMEMBER_COOKIE_DURATION": 3600},
            3600,
            id="set-on-its-own",
        ),
    ],
)
def test_remember_me_follows_session_idle_days_unless_set(
    tmp_path: Path, settings: dict[str, int], lasts: timedelta | int
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'idle.sqlite'}",
            **settings,
        }
    )
    assert app.config["REMEMBER_COOKIE_DURATION"] == lasts


def test_end_idle_sessions_command_ends_only_idle_logins(
    app: Flask,
    runner: FlaskCliRunner,
    auth: AuthActions,
) -> None:
    auth.register()
    unused_for(app, timedelta(days=31))
    other = app.test_client()
    AuthActions(other).login()
    result = runner.invoke(args=["auth", "end-idle-sessions"])
    assert result.exit_code == 0, result.output
    assert result.output == "Ended 1 idle sessions.\n"
    assert logged_in(other)
    with app.app_context():
        assert len(db.session.execute(db.select(UserSession)).all()) == 1


def test_password_change_ends_other_sessions(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    other = app.test_client()
    AuthActions(other).login()
    assert client.get("/auth/password").status_code == 200
    response = change_password(client)
    assert response.headers["Location"] == "/auth/account"
    assert logged_in(client)
    assert not logged_in(other)
    auth.logout()
    assert auth.login(password="correct horse").status_code == 200
    assert auth.login(password="battery staple lamp").status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("wrong password", "battery staple lamp", "current_password", b"not your"),
        ("correct horse", "password1234", "password", b"too common"),
        ("correct horse", "short", "password", b"at least 12"),
    ],
)
def test_password_change_refuses(
    client: FlaskClient,
    auth: AuthActions,
    current: str,
    new: str,
    field: str,
    message: bytes,
) -> None:
    auth.register()
    response = change_password(client, current, new)
    assert response.status_code == 200
    assert message in response.data
    assert f'id="{field}-errors"'.encode() in response.data
    auth.logout()
    assert auth.login().status_code == 302


def test_password_page_requires_login(client: FlaskClient) -> None:
    response = client.get("/auth/password")
    assert response.headers["Location"].startswith("/auth/login?next=")


# zxcvbn's slowest input: many distinct l33t symbols (seconds of CPU at 72).
L33T_WORST = "4@8({[<3&6!1|7+0$5%2" * 6
STRENGTH_CHECK = "{{ cookiecutter.project_slug }}.auth.forms.zxcvbn"


def test_strength_check_judges_a_bounded_prefix(
    client: FlaskClient, auth: AuthActions
) -> None:
    with mock.patch(STRENGTH_CHECK, wraps=zxcvbn) as judge:
        auth.register(password=L33T_WORST[:72])
    [call] = judge.call_args_list
    assert len(call.args[0]) == ZXCVBN_MAX_LENGTH


def test_password_change_checks_the_current_password_first(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.register()
    with mock.patch(STRENGTH_CHECK, wraps=zxcvbn) as judge:
        response = change_password(client, "wrong password", L33T_WORST[:72])
        assert judge.call_count == 0
        assert b"not your" in response.data
        change_password(client, "correct horse", L33T_WORST[:72])
        assert judge.call_count == 1
