"""Request ids, the request log, metrics and error reports, in-process."""

import json
import logging
import os
import subprocess
import sys
from typing import Any

import pytest
{%- if cookiecutter.use_login %}
from conftest import AuthActions
{%- endif %}
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY
from pythonjsonlogger.json import JsonFormatter

from {{ cookiecutter.project_slug }}.observability.logs import JSON_FORMATTER, REQUEST_ID

REQUEST_LOGGER = "{{ cookiecutter.project_slug }}.request"
# Secrets the tests send: none may reach a log record.
PASSWORD = "correct horse"
TOKEN = "tok-3f9a1c0d5e7b2a4c6e8f0a1b2c3d4e5f"
COOKIE = "cookie-value-9d8c7b6a5f4e3d2c1b0a"


def json_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every captured record as the production formatter writes it."""
    options = {key: value for key, value in JSON_FORMATTER.items() if key != "()"}
    formatter = JsonFormatter(**options)
    return [formatter.format(record) for record in caplog.records]


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The request log's records among those captured."""
    return [record for record in caplog.records if record.name == REQUEST_LOGGER]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("trace.id:42_A", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("has space", False),
        ('quote"d', False),
        ("", False),
    ],
)
def test_a_well_formed_request_id_is_kept_and_returned(
    client: FlaskClient, sent: str, kept: bool
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    returned = response.headers["X-Request-ID"]
    if kept:
        assert returned == sent
    else:
        assert returned != sent
        assert len(returned) == 32 and int(returned, 16) >= 0


def test_error_pages_return_a_request_id_too(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"X-Request-ID": "abc-404"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "abc-404"


def test_each_request_gets_a_new_id(client: FlaskClient) -> None:
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first != second
    # The id is the request's alone: none is left behind for what runs next.
    assert REQUEST_ID.get() is None


def test_the_request_record_has_its_fields(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client.get("/healthz?page=2", headers={"X-Request-ID": "abc-123"})
    [record] = request_records(caplog)
    [line] = [line for line in json_lines(caplog) if REQUEST_LOGGER in line]
    fields = json.loads(line)
    assert fields["logger"] == REQUEST_LOGGER
    assert fields["level"] == "INFO"
    assert fields["message"] == "request"
    assert fields["timestamp"].endswith("+00:00")
    assert fields["request_id"] == "abc-123"
    assert fields["method"] == "GET"
    assert fields["path"] == "/healthz"  # without the query string
    assert fields["status"] == 200
    assert isinstance(fields["duration_ms"], float) and fields["duration_ms"] >= 0
    assert "user_id" not in fields
    assert record.request_id == "abc-123"  # type: ignore[attr-defined]


def test_records_written_during_a_request_carry_its_id(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/logs-something")
    def logs_something() -> str:
        app.logger.warning("something happened")
        return "ok"

    caplog.set_level(logging.INFO)
    app.test_client().get("/logs-something", headers={"X-Request-ID": "abc-777"})
    [record] = [r for r in caplog.records if r.getMessage() == "something happened"]
    assert record.request_id == "abc-777"  # type: ignore[attr-defined]
{%- if cookiecutter.use_login %}


def test_the_request_record_names_the_user_and_no_secret(
    client: FlaskClient, auth: AuthActions, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    auth.register(password=PASSWORD)
    auth.login(password=PASSWORD)
    session = client.get_cookie("session")
    assert session is not None
    client.get(f"/healthz?token={TOKEN}", headers={"Authorization": f"Bearer {TOKEN}"})
    records = [line for line in json_lines(caplog) if '"request"' in line]
    last = json.loads(records[-1])
    assert last["user_id"]
    logged = "\n".join(json_lines(caplog))
    for secret in (PASSWORD, TOKEN, session.value):
        assert secret not in logged
{%- endif %}


def test_no_record_holds_a_cookie_or_a_token(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.set_cookie("session", COOKIE)
    client.post(
        f"/healthz?token={TOKEN}&password={PASSWORD}",
        headers={"Authorization": f"Bearer {TOKEN}", "X-Api-Key": TOKEN},
        data={"password": PASSWORD},
    )
    client.get("/no-such-page", headers={"Cookie": f"remember_token={COOKIE}"})
    assert len(request_records(caplog)) == 2
    logged = "\n".join(json_lines(caplog))
    for secret in (PASSWORD, TOKEN, COOKIE):
        assert secret not in logged


{%- if cookiecutter.use_celery %}


def test_tasks_log_with_the_request_id_that_sent_them(app: Flask) -> None:
    from celery.app.task import Context

    from {{ cookiecutter.project_slug }}.observability.tasks import (
        drop_request_id,
        send_request_id,
        take_request_id,
    )
    from {{ cookiecutter.project_slug }}.tasks import ping

    headers: dict[str, Any] = {}
    token = REQUEST_ID.set("abc-task")
    try:
        send_request_id(sender=ping.name, headers=headers)
    finally:
        REQUEST_ID.reset(token)
    assert headers == {"request_id": "abc-task"}
    # In the worker, the message's headers become the task's request.
    ping.request_stack.push(Context(id="task-1", **headers))
    try:
        take_request_id(task_id="task-1", task=ping)
        assert REQUEST_ID.get() == "abc-task"
        drop_request_id(task_id="task-1")
        assert REQUEST_ID.get() is None
    finally:
        ping.request_stack.pop()
{%- endif %}


def requests_counted(method: str, endpoint: str, status: str) -> float:
    """The http_requests_total sample of these labels (0 before the first)."""
    labels = {"method": method, "endpoint": endpoint, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


def test_requests_are_counted_per_endpoint_and_status(client: FlaskClient) -> None:
    healthz = requests_counted("GET", "main.healthz", "200")
    missing = requests_counted("GET", "none", "404")
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    assert requests_counted("GET", "main.healthz", "200") == healthz + 3
    assert requests_counted("GET", "none", "404") == missing + 1
    latency = REGISTRY.get_sample_value(
        "http_request_duration_seconds_count",
        {"method": "GET", "endpoint": "main.healthz"},
    )
    assert latency is not None and latency >= 3


@pytest.mark.slow
def test_tracing_and_sentry_are_not_imported_unless_asked_for() -> None:
    code = (
        "import sys\n"
        "from {{ cookiecutter.project_slug }} import create_app\n"
        "app = create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "app.test_client().get('/healthz')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('opentelemetry', 'sentry_sdk')))\n"
    )
    # As in a shell where neither OTEL_EXPORTER_OTLP_* nor SENTRY_DSN is set.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OTEL_", "SENTRY_"))
    }
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_sentry_reports_carry_no_personal_data() -> None:
    from {{ cookiecutter.project_slug }}.observability.error_reports import (
        strip_personal_data,
    )

    event: Any = {
        "message": "Database unavailable",
        "user": {"id": "7", "email": "ada@example.com", "ip_address": "203.0.113.9"},
        "request": {
            "url": "https://example.com/auth/login",
            "method": "POST",
            "query_string": f"token={TOKEN}",
            "cookies": {"session": COOKIE},
            "data": {"email": "ada@example.com", "password": PASSWORD},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {
                "Cookie": f"session={COOKIE}",
                "Authorization": f"Bearer {TOKEN}",
                "X-Forwarded-For": "203.0.113.9",
                "User-Agent": "Mozilla/5.0",
            },
        },
    }
    sent = json.dumps(strip_personal_data(event, {}))
    for personal in ("ada@example.com", "203.0.113.9", PASSWORD, TOKEN, COOKIE):
        assert personal not in sent
    assert "Mozilla/5.0" in sent and "Database unavailable" in sent
