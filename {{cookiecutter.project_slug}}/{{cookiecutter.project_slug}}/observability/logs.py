"""Logs: one JSON object per line in production, request ids on every record."""

import logging
import logging.config
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from flask import Flask, Response, g, request
from flask.logging import default_handler
{%- if cookiecutter.use_login %}
from flask_login import current_user
{%- endif %}

# The id of the request (or of the task a request started) being served.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
# An incoming X-Request-ID is kept only when it looks like an id: anything else
# (long, or with spaces, quotes or newlines) could forge or break log lines.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
REQUEST_ID_HEADER = "X-Request-ID"
# Functions that give more fields for every record (tracing adds the trace id).
RECORD_FIELDS: list[Callable[[], dict[str, str]]] = []
# Keys of the JSON records: python-json-logger's names for LogRecord attributes.
JSON_FORMATTER: dict[str, Any] = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": "timestamp",
}
# One record per request, with its method, path, status and duration.
REQUEST_LOGGER = logging.getLogger("{{ cookiecutter.project_slug }}.request")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(name)s] [%(request_id)s] %(message)s"


def logging_config(json_lines: bool, level: str = "INFO") -> dict[str, Any]:
    """The dictConfig of the app and of gunicorn: every record to stderr."""
    formatter: dict[str, Any] = (
        JSON_FORMATTER
        if json_lines
        else {"format": TEXT_FORMAT, "defaults": {"request_id": "-"}}
    )
    return {
        "version": 1,
        # Loggers made before this call (gunicorn's, libraries') keep working.
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            },
            "discard": {"class": "logging.NullHandler"},
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's own messages go through the same handler.
            "gunicorn.error": {"handlers": [], "propagate": True},
            # Its access log is replaced by the request record, which has the
            # request id and leaves out the query string (it can carry tokens).
            "gunicorn.access": {"handlers": ["discard"], "propagate": False},
        },
    }


class RecordFactory:
    """Make log records as before, plus the request id (and trace id) of the moment."""

    def __init__(self, make_record: Callable[..., logging.LogRecord]) -> None:
        """Wrap the record factory in place."""
        self.make_record = make_record

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        """Make a record and add the current request's fields to it."""
        record = self.make_record(*args, **kwargs)
        request_id = REQUEST_ID.get()
        if request_id is not None:
            record.request_id = request_id
        for fields in RECORD_FIELDS:
            record.__dict__.update(fields())
        return record


def configure_logging(app: Flask) -> None:
    """JSON lines in production, text in development; tests keep pytest's capture."""
    if not isinstance(logging.getLogRecordFactory(), RecordFactory):
        logging.setLogRecordFactory(RecordFactory(logging.getLogRecordFactory()))
    json_lines = app.config["LOG_FORMAT"] == "json" or (
        app.config["LOG_FORMAT"] is None and not (app.debug or app.testing)
    )
    if app.testing and app.config["LOG_FORMAT"] is None:
        return
    logging.config.dictConfig(logging_config(json_lines, app.config["LOG_LEVEL"]))
    # Flask's own handler would print each app record a second time.
    app.logger.removeHandler(default_handler)


def new_request_id() -> str:
    """The incoming X-Request-ID when well formed, else a new random one."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if REQUEST_ID_PATTERN.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def start_request() -> None:
    """Give the request its id and start its clock."""
    g.request_id = new_request_id()
    g.request_id_token = REQUEST_ID.set(g.request_id)
    g.request_started = time.perf_counter()


def log_request(response: Response) -> Response:
    """Return the request id in a header; log the request as one record."""
    request_id = g.get("request_id")
    if request_id is None:  # a request that ended before start_request ran
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    fields: dict[str, Any] = {
        "method": request.method,
        # The path only: a query string can carry tokens.
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 3),
    }
{%- if cookiecutter.use_login %}
    if current_user.is_authenticated:
        # The users table's id: get_id() is the login's session id, a secret.
        fields["user_id"] = current_user.id
{%- endif %}
    REQUEST_LOGGER.info("request", extra=fields)
    return response


def end_request(error: BaseException | None = None) -> None:
    """Forget the request id once the request is over."""
    token = g.pop("request_id_token", None)
    if token is not None:
        REQUEST_ID.reset(token)


def init_logging(app: Flask) -> None:
    """Configure the logs and give every request an id and a record."""
    configure_logging(app)
    app.before_request(start_request)
    app.after_request(log_request)
    app.teardown_request(end_request)
