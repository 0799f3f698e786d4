"""Settings: safe defaults here, overridden by the environment or by tests."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy or cookiecutter.use_celery or cookiecutter.use_observability %}
import os
{%- endif %}
{%- if cookiecutter.use_mail %}
import re
{%- endif %}
from collections.abc import Mapping
{%- if cookiecutter.use_login %}
from datetime import timedelta
{%- endif %}
from typing import Any

from flask import Flask

# Values that look like a secret key but protect nothing.
PLACEHOLDER_SECRET_KEYS = {"dev", "secret", "change-me", "changeme"}
MIN_SECRET_KEY_LENGTH = 32
# A random key of 32 characters has far more distinct ones than this.
MIN_SECRET_KEY_DISTINCT = 10
{%- if cookiecutter.use_mail %}
# A host name or address, and a port: nothing that could end a URL's host early.
SERVER_NAME = re.compile(r"([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?")
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database == "sqlite" %}
SQLITE_FILENAME = "{{ cookiecutter.project_slug }}.sqlite"
{%- endif %}
{%- if cookiecutter.use_celery %}
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
{%- endif %}

# Setting values are of many types, as in app.config itself.
DEFAULTS: dict[str, Any] = {
    # Shown on every page (templates read config.PROJECT_NAME). Quotes are written
    # as \u0022 so that the text stays exactly as typed at the prompt.
    "PROJECT_NAME": "{{ cookiecutter.project_name | replace('\\', '\\\\') | replace('"', '\\u0022') }}",
    "PROJECT_DESCRIPTION": "{{ cookiecutter.description | replace('\\', '\\\\') | replace('"', '\\u0022') }}",
    "SECRET_KEY": None,
    # Old keys still accepted when reading sessions, so a key can be rotated.
    "SECRET_KEY_FALLBACKS": [],
    # Number of reverse proxies in front of the app whose X-Forwarded-For and
    # X-Forwarded-Proto to trust (the only forwarded headers read; see the README).
    "PROXY_HOPS": 0,
    # A request body larger than 1 MiB answers 413 Request Entity Too Large, and
    # so does a multipart form with a field over 64 KiB or more than 100 parts.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 64 * 1024,
    "MAX_FORM_PARTS": 100,
    # None means: Secure in production, plain in development and tests.
    "SESSION_COOKIE_SECURE": None,
{%- if cookiecutter.use_login %}
    "REMEMBER_COOKIE_SECURE": None,
    # How passwords are hashed (Werkzeug's method name); the tests use a fast one.
    "PASSWORD_HASH_METHOD": "scrypt",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # A login unused for this many days ends on the server: its next request is
    # anonymous, and `flask auth end-idle-sessions` deletes such logins in bulk.
    # "Remember me" lasts as long, unless FLASK_REMEMBER_COOKIE_DURATION (seconds)
    # says otherwise (see configure).
    "SESSION_IDLE_DAYS": 30,
    # Failed and successful login POSTs allowed per client address (Flask-Limiter);
    # password changes count against it too.
    "LOGIN_RATE_LIMIT": "10 per minute",
    # Failed logins allowed per account, from all addresses together. A browser
    # that logged in to the account before is exempt (a signed "known device"
    # cookie), so guessing cannot lock its owner out.
    "ACCOUNT_LOGIN_RATE_LIMIT": "10 per hour",
    # Registration POSTs allowed per client address: each one costs a hash.
    "REGISTER_RATE_LIMIT": "10 per hour",
    # Anonymous messages (the /messages/new form) per client address.
    "MESSAGE_RATE_LIMIT": "10 per minute",
    # "memory://" counts per process: gunicorn.conf.py then runs one process
    # (with threads); for several servers, point FLASK_RATELIMIT_STORAGE_URI at
    # a shared store (Flask-Limiter's URIs).
{%- if cookiecutter.use_celery %}
    # REDIS_URL, when set, is used (see unprefixed_settings).
{%- endif %}
    "RATELIMIT_STORAGE_URI": "memory://",
    # NIST SP 800-63B asks for 8 at least; common passwords are refused too.
    "PASSWORD_MIN_LENGTH": 12,
    # X-RateLimit-* headers on limited views, and Retry-After on a 429.
    "RATELIMIT_HEADERS_ENABLED": True,
{%- endif %}
{%- if cookiecutter.use_mail %}
    # Outgoing mail (Flask-Mailman): FLASK_MAIL_SERVER, FLASK_MAIL_PORT,
    # FLASK_MAIL_USERNAME, FLASK_MAIL_PASSWORD, FLASK_MAIL_USE_TLS set these.
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_DEFAULT_SENDER": "noreply@localhost",
    # Seconds to wait for the mail server before giving up on a mail.
    "MAIL_TIMEOUT": 10,
    # None: printed to the console in development, kept in memory in tests,
    # sent over SMTP in production. FLASK_MAIL_BACKEND=smtp sends in development.
    "MAIL_BACKEND": None,
    # Seconds a password reset link works, and an address confirmation link.
    "RESET_TOKEN_MAX_AGE": 3600,
    "CONFIRM_TOKEN_MAX_AGE": 7 * 24 * 3600,
    # Password reset and confirmation mails asked per client address.
    "MAIL_RATE_LIMIT": "5 per hour",
    # Mails sent to one address, whoever asks: reset, confirmation and "someone
    # tried to register" mails together. Over it, the page answers the same and
    # no mail goes out.
    "MAIL_ADDRESS_RATE_LIMIT": "3 per hour",
    # The links in mails name the site by SERVER_NAME and PREFERRED_URL_SCHEME
    # only (FLASK_SERVER_NAME=example.com, FLASK_PREFERRED_URL_SCHEME=https),
    # never by a request header; production refuses to start without them.
{%- endif %}
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
{%- if cookiecutter.use_sqlalchemy %}
    # SQL statements slower than this many milliseconds are logged.
    "SLOW_QUERY_MS": 200,
{%- endif %}
{%- if cookiecutter.use_observability %}
    # Observability (observability/). Logs: JSON lines on stderr in production,
    # text in development, or as LOG_FORMAT says ("json" or "text"); LOG_LEVEL is
    # the root logger's level. Sentry reports errors when SENTRY_DSN is set, tagged
    # with SENTRY_RELEASE and SENTRY_ENVIRONMENT (None: production or development).
    # Each is read from its variable with or without the FLASK_ prefix.
    "LOG_LEVEL": "INFO",
    "LOG_FORMAT": None,
    "SENTRY_DSN": None,
    "SENTRY_RELEASE": "{{ cookiecutter.project_slug }}@{{ cookiecutter.version }}",
    "SENTRY_ENVIRONMENT": None,
    "SENTRY_TRACES_SAMPLE_RATE": 0.0,
{%- endif %}
{%- if cookiecutter.use_api %}
    # The JSON API (flask-smorest): OpenAPI document at /api/openapi.json.
    "API_TITLE": "{{ cookiecutter.project_slug }} API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
{%- if cookiecutter.use_login %}
    # Days an API token made by `flask api create-token` stays valid.
    "API_TOKEN_DAYS": 30,
    # Requests with a wrong or expired bearer token allowed per client address.
    "API_TOKEN_RATE_LIMIT": "10 per minute",
{%- elif cookiecutter.use_sqlalchemy %}
    # The bearer token the API's writes need; None keeps the API read-only.
    # Production refuses one shorter than 32 characters or plainly not random.
    "API_WRITE_TOKEN": None,
{%- endif %}
{%- endif %}
}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database == "postgresql" %}

# Hosting providers hand out short URL schemes; map them to the installed driver.
DRIVER_SCHEMES = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg"}
EXAMPLE_DATABASE_URL = "postgresql://postgres@localhost:5432/{{ cookiecutter.project_slug }}"
{%- elif cookiecutter.use_sqlalchemy and cookiecutter.database == "mysql" %}

# Hosting providers hand out short URL schemes; map them to the installed driver.
DRIVER_SCHEMES = {"mysql": "mysql+pymysql"}
EXAMPLE_DATABASE_URL = "mysql://root@localhost:3306/{{ cookiecutter.project_slug }}"
{%- endif %}


def configure(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill app.config: defaults, then the environment (or test_config), then checks."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
{%- if cookiecutter.use_sqlalchemy or cookiecutter.use_celery or cookiecutter.use_observability %}
        # Variables that hosting platforms set without the FLASK_ prefix.
        app.config.from_mapping(unprefixed_settings())
{%- endif %}
        # FLASK_SECRET_KEY sets SECRET_KEY, FLASK_PROXY_HOPS sets PROXY_HOPS, ...
        # and wins over everything above.
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
{%- if cookiecutter.use_celery %}
        app.config.setdefault("CELERY", celery_settings(DEFAULT_REDIS_URL))
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database == "sqlite" %}
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
        app.config.get("SQLALCHEMY_DATABASE_URI"), app.instance_path
    )
{%- elif cookiecutter.use_sqlalchemy %}
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
        app.config.get("SQLALCHEMY_DATABASE_URI")
    )
{%- endif %}
    production = not (app.debug or app.testing)
    if production:
        check_secret_key(app.config.get("SECRET_KEY"))
{%- if cookiecutter.use_api and cookiecutter.use_sqlalchemy and not cookiecutter.use_login %}
        check_write_token(app.config.get("API_WRITE_TOKEN"))
{%- endif %}
    elif not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = "dev"
{%- if cookiecutter.use_login %}
    if production and app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        app.logger.warning(
            "Rate limits are counted in memory, per process: gunicorn.conf.py runs"
            " one process (with threads) for them, and several hosts each count"
            " apart. Set FLASK_RATELIMIT_STORAGE_URI"
{%- if cookiecutter.use_celery %}
            " (or REDIS_URL)"
{%- endif %}
            " to a shared store."
        )
{%- endif %}
{%- if cookiecutter.use_mail %}
    if production:
        check_mail_settings(app)
    elif app.debug and not app.config["MAIL_BACKEND"]:
        app.config["MAIL_BACKEND"] = "console"
{%- endif %}
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(key, False) is None:
            app.config[key] = production
{%- if cookiecutter.use_login %}
    # Flask-Login's own default for "remember me" is a year: a login is kept as
    # long as it may go unused instead.
    app.config.setdefault(
        "REMEMBER_COOKIE_DURATION", timedelta(days=app.config["SESSION_IDLE_DAYS"])
    )
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
    )
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_debugtoolbar %}
    # The debug toolbar's SQL panel lists the queries recorded in development.
    app.config.setdefault("SQLALCHEMY_RECORD_QUERIES", app.debug)
{%- endif %}
{%- if cookiecutter.use_sqlalchemy or cookiecutter.use_celery or cookiecutter.use_observability %}


def unprefixed_settings() -> dict[str, Any]:
    """The settings whose variables are named without FLASK_, where they are set."""
    settings: dict[str, Any] = {}
{%- if cookiecutter.use_sqlalchemy %}
    if os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SLOW_QUERY_MS"):
        settings["SLOW_QUERY_MS"] = int(os.environ["SLOW_QUERY_MS"])
{%- endif %}
{%- if cookiecutter.use_celery %}
    settings["CELERY"] = celery_settings(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
{%- if cookiecutter.use_login %}
    if os.environ.get("REDIS_URL"):
        # Limits counted in Redis are shared by every worker and host.
        settings["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
{%- endif %}
{%- endif %}
{%- if cookiecutter.use_observability %}
    for name in ("LOG_LEVEL", "LOG_FORMAT", "SENTRY_DSN", "SENTRY_ENVIRONMENT"):
        if os.environ.get(name):
            settings[name] = os.environ[name]
    if os.environ.get("SENTRY_RELEASE"):
        settings["SENTRY_RELEASE"] = os.environ["SENTRY_RELEASE"]
    if os.environ.get("SENTRY_TRACES_SAMPLE_RATE"):
        rate = float(os.environ["SENTRY_TRACES_SAMPLE_RATE"])
        settings["SENTRY_TRACES_SAMPLE_RATE"] = rate
{%- endif %}
    return settings
{%- endif %}
{%- if cookiecutter.use_celery %}


def celery_settings(redis_url: str) -> dict[str, str | bool]:
    """Celery's settings: Redis carries the jobs and keeps their results."""
    return {
        "broker_url": redis_url,
        "result_backend": redis_url,
        "task_ignore_result": True,
        "broker_connection_retry_on_startup": True,
    }
{%- endif %}


def looks_random(key: str | None) -> bool:
    """True for a long key of many distinct characters, not a known placeholder."""
    return bool(
        key
        and key not in PLACEHOLDER_SECRET_KEYS
        and len(key) >= MIN_SECRET_KEY_LENGTH
        and len(set(key)) >= MIN_SECRET_KEY_DISTINCT
    )


def check_secret_key(key: str | None) -> None:
    """Refuse to serve in production without a long, random SECRET_KEY."""
    if not looks_random(key):
        raise RuntimeError(
            "SECRET_KEY is missing, short or not random enough for production: set"
            f" FLASK_SECRET_KEY to {MIN_SECRET_KEY_LENGTH} random characters or more,"
            " for example the output of:"
            ' python3 -c "import secrets; print(secrets.token_hex(32))"'
        )
{%- if cookiecutter.use_api and cookiecutter.use_sqlalchemy and not cookiecutter.use_login %}


def check_write_token(token: str | None) -> None:
    """Refuse a write token that can be guessed; unset keeps the API read-only."""
    if token is not None and not looks_random(token):
        raise RuntimeError(
            "API_WRITE_TOKEN is short or not random enough: set"
            f" FLASK_API_WRITE_TOKEN to {MIN_SECRET_KEY_LENGTH} random characters or"
            " more, for example the output of:"
            ' python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
{%- endif %}
{%- if cookiecutter.use_mail %}


def check_mail_settings(app: Flask) -> None:
    """Refuse to start without the site's address; warn of other mail settings."""
    server_name = app.config.get("SERVER_NAME") or ""
    if not SERVER_NAME.fullmatch(server_name):
        raise RuntimeError(
            f"SERVER_NAME is {server_name!r}: the links in mails name the site by it,"
            " never by a request header. Set FLASK_SERVER_NAME to the host name users"
            " visit, with its port if not the default (e.g. example.com), and"
            " FLASK_PREFERRED_URL_SCHEME=https when the site is served over HTTPS."
        )
    if app.config["PREFERRED_URL_SCHEME"] not in {"http", "https"}:
        raise RuntimeError("PREFERRED_URL_SCHEME must be https (or http).")
    if app.config["PREFERRED_URL_SCHEME"] != "https":
        app.logger.warning(
            "Links in mails start with %s://: set FLASK_PREFERRED_URL_SCHEME=https"
            " when the site is served over HTTPS.",
            app.config["PREFERRED_URL_SCHEME"],
        )
    if app.config["MAIL_DEFAULT_SENDER"] == DEFAULTS["MAIL_DEFAULT_SENDER"]:
        app.logger.warning(
            "Mail goes out from %s: set FLASK_MAIL_DEFAULT_SENDER to an address"
            " of your domain.",
            DEFAULTS["MAIL_DEFAULT_SENDER"],
        )
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.database == "sqlite" %}


def database_url(url: str | None, instance_path: str) -> str:
    """Return the SQLAlchemy URL from DATABASE_URL, or a SQLite file in instance/."""
    if not url:
        os.makedirs(instance_path, exist_ok=True)
        return "sqlite:///" + os.path.join(instance_path, SQLITE_FILENAME)
    return url
{%- elif cookiecutter.use_sqlalchemy %}


def database_url(url: str | None) -> str:
    """Return the SQLAlchemy URL from DATABASE_URL, naming the installed driver."""
    if not url:
        raise RuntimeError(
            "DATABASE_URL is not set: point it at your database in .env or in the"
            f" environment, for example DATABASE_URL={EXAMPLE_DATABASE_URL}"
        )
    scheme, separator, rest = url.partition("://")
    return DRIVER_SCHEMES.get(scheme, scheme) + separator + rest
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}


def engine_options(url: str) -> dict[str, Any]:
    """Fail fast when a database server is down, so /readyz answers 503 quickly."""
    if url.startswith("sqlite"):
        return {}
    return {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}}
{%- endif %}
