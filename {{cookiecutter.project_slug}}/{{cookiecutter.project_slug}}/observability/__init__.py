"""Logs, metrics, traces and error reports of the app, each on when it is set up.

JSON logs with request ids and Prometheus metrics are always on; traces when
OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, error
reports when SENTRY_DSN is: without them, neither OpenTelemetry nor the Sentry
SDK is imported.
"""

import os

from flask import Flask

from {{ cookiecutter.project_slug }}.observability.logs import init_logging
from {{ cookiecutter.project_slug }}.observability.metrics import init_metrics
{%- if cookiecutter.use_celery %}
from {{ cookiecutter.project_slug }}.observability.tasks import connect_task_signals
{%- endif %}

TRACES_ENDPOINTS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def tracing_wanted() -> bool:
    """True when the environment names where to send traces."""
    return any(os.environ.get(name) for name in TRACES_ENDPOINTS)


def init_app(app: Flask) -> None:
    """Set up each signal for `app`; call it before other request hooks exist."""
    if tracing_wanted():
        from {{ cookiecutter.project_slug }}.observability import tracing

        # First, so that the request's span is open while the hooks below log.
        tracing.instrument(app)
        # gunicorn (which sets SERVER_SOFTWARE) starts it in each worker instead.
        if not os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/"):
            tracing.start()
    init_logging(app)
    init_metrics(app)
{%- if cookiecutter.use_celery %}
    connect_task_signals()
{%- endif %}
    if app.config["SENTRY_DSN"]:
        from {{ cookiecutter.project_slug }}.observability.error_reports import (
            init_sentry,
        )

        init_sentry(app)
