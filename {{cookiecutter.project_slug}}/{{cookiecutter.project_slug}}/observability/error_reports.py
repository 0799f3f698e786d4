"""Error reports to Sentry, when SENTRY_DSN is set: without personal data."""

import logging

import sentry_sdk
from flask import Flask
{%- if cookiecutter.use_celery %}
from sentry_sdk.integrations.celery import CeleryIntegration
{%- endif %}
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
{%- if cookiecutter.use_sqlalchemy %}
from sentry_sdk.integrations.sqlalchemy import SqlalchemyIntegration
{%- endif %}
from sentry_sdk.types import Event, Hint

# Request headers worth a report: none names a person, a session or a secret.
HEADERS_KEPT = [
    "Accept",
    "Accept-Language",
    "Content-Length",
    "Content-Type",
    "User-Agent",
]


def init_sentry(app: Flask) -> None:
    """Send errors (and ERROR log records) to Sentry, tagged with release and environment."""
    production = not (app.debug or app.testing)
    sentry_sdk.init(
        dsn=app.config["SENTRY_DSN"],
        release=app.config["SENTRY_RELEASE"],
        environment=app.config["SENTRY_ENVIRONMENT"]
        or ("production" if production else "development"),
        traces_sample_rate=float(app.config["SENTRY_TRACES_SAMPLE_RATE"]),
        integrations=[
            FlaskIntegration(),
{%- if cookiecutter.use_sqlalchemy %}
            SqlalchemyIntegration(),
{%- endif %}
{%- if cookiecutter.use_celery %}
            CeleryIntegration(),
{%- endif %}
            # Off by default in sentry-sdk 3: an ERROR record becomes an event,
            # INFO and up are breadcrumbs, and no record goes to Sentry's log stream.
            LoggingIntegration(level=None, event_level=logging.ERROR),
        ],
        # sentry-sdk 3 collects users, cookies, bodies and query strings unless told
        # otherwise: none of them, nor the values of local variables.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": HEADERS_KEPT}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        before_send=strip_personal_data,
    )


def strip_personal_data(event: Event, hint: Hint) -> Event:
    """Drop what names a person from an event, whatever the SDK collected."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            kept = {name.lower() for name in HEADERS_KEPT}
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in kept
            }
    return event
