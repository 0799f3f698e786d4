"""Settings come from the environment, and production refuses unsafe ones."""

from pathlib import Path

import pytest
from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix

from {{ cookiecutter.project_slug }} import create_app
{%- if (cookiecutter.use_sqlalchemy and cookiecutter.database == "sqlite") or cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.config import (
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database == "sqlite" %}
    SQLITE_FILENAME,
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
    database_url,
{%- endif %}
)
{%- endif %}

GOOD_KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def production_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> pytest.MonkeyPatch:
    """An environment as in production: no debug, no .env, no FLASK_* settings."""
    for name in ("FLASK_DEBUG", "FLASK_SECRET_KEY", "FLASK_PROXY_HOPS"):
        monkeypatch.delenv(name, raising=False)
{%- if cookiecutter.use_sqlalchemy %}
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
{%- endif %}
{%- if cookiecutter.use_mail %}
    monkeypatch.setenv("FLASK_SERVER_NAME", "site.example")
{%- endif %}
    return monkeypatch


def test_test_config_replaces_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_TESTING", "false")
{%- if cookiecutter.use_sqlalchemy %}
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
{%- else %}
    app = create_app({"TESTING": True})
{%- endif %}
    assert app.testing


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "missing"),
        ("dev", "placeholder"),
        ("short", "too short"),
        ("0123456789abcdef0123456789abcde", "31 characters"),
        ("a" * 64, "one character"),
        ("abcabcabcabcabcabcabcabcabcabcabcabc", "three characters"),
        ("0101010101" * 8, "binary digits"),
    ],
)
def test_production_refuses_weak_secret_key(
    production_env: pytest.MonkeyPatch, key: str | None, reason: str
) -> None:
    if key is not None:
        production_env.setenv("FLASK_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY") as error:
        create_app()
    assert "secrets.token_hex(32)" in str(error.value)


def test_production_reads_settings_from_environment(
    production_env: pytest.MonkeyPatch,
) -> None:
    production_env.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    production_env.setenv("FLASK_SECRET_KEY_FALLBACKS", '["an-older-key-for-rotation"]')
    app = create_app()
    assert app.config["SECRET_KEY"] == GOOD_KEY
    assert app.config["SECRET_KEY_FALLBACKS"] == ["an-older-key-for-rotation"]
    assert not app.debug
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_runs_without_a_secret_key(
    production_env: pytest.MonkeyPatch,
) -> None:
    production_env.setenv("FLASK_DEBUG", "1")
    app = create_app()
    assert app.debug
    assert app.config["SECRET_KEY"]
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_proxy_fix_is_off_by_default(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    assert not isinstance(create_app().wsgi_app, ProxyFix)


def test_proxy_hops_trust_forwarded_headers(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    production_env.setenv("FLASK_PROXY_HOPS", "1")
    app = create_app()
    assert isinstance(app.wsgi_app, ProxyFix)

    @app.get("/whoami")
    def whoami() -> dict[str, str | None]:
        return {"remote_addr": request.remote_addr, "scheme": request.scheme}

    response = app.test_client().get(
        "/whoami",
        headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
    )
    assert response.json == {"remote_addr": "203.0.113.7", "scheme": "https"}
    # The security headers see the scheme the proxy was asked for.
    assert "Strict-Transport-Security" in response.headers
{%- if cookiecutter.use_sqlalchemy %}


def test_flask_prefixed_settings_win_over_plain_ones(
    production_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    production_env.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    chosen = f"sqlite:///{tmp_path / 'chosen.sqlite'}"
    production_env.setenv("FLASK_SQLALCHEMY_DATABASE_URI", chosen)
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == chosen
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database == "sqlite" %}


def test_database_url_defaults_to_sqlite_in_instance_folder(tmp_path: Path) -> None:
    url = database_url(None, str(tmp_path / "instance"))
    assert url == f"sqlite:///{tmp_path / 'instance' / SQLITE_FILENAME}"
    assert (tmp_path / "instance").is_dir()
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database == "postgresql" %}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:///data.sqlite", "sqlite:///data.sqlite"),
    ],
)
def test_database_url_maps_short_schemes_to_the_driver(
    given: str, expected: str
) -> None:
    assert database_url(given) == expected


def test_test_config_database_url_is_mapped_too() -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgres://u@db/a"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/a"
{%- elif cookiecutter.use_sqlalchemy and cookiecutter.database == "mysql" %}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("mysql://u:p@db:3306/app", "mysql+pymysql://u:p@db:3306/app"),
        ("mysql+pymysql://u@db/app", "mysql+pymysql://u@db/app"),
        ("sqlite:///data.sqlite", "sqlite:///data.sqlite"),
    ],
)
def test_database_url_maps_short_schemes_to_the_driver(
    given: str, expected: str
) -> None:
    assert database_url(given) == expected


def test_test_config_database_url_is_mapped_too() -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "mysql://u@db/a"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "mysql+pymysql://u@db/a"
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database != "sqlite" %}


def test_no_silent_fallback_to_sqlite(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("FLASK_SECRET_KEY", GOOD_KEY)
    production_env.delenv("DATABASE_URL")
    with pytest.raises(RuntimeError, match="DATABASE_URL is not set"):
        create_app()
{%- endif %}
