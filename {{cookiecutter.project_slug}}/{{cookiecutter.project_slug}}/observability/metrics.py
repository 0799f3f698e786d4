"""Metrics for Prometheus: requests per endpoint and status, their latency, and more.

Under gunicorn each worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR
(set by gunicorn.conf.py before the app loads) and the master adds them up and
serves them on METRICS_BIND: the totals are exact whichever worker answered.
"""

import os
import time
{%- if cookiecutter.use_sqlalchemy %}
from typing import Any
{%- endif %}

from flask import Flask, Response, g, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
{%- if cookiecutter.use_sqlalchemy %}
    Gauge,
{%- endif %}
    Histogram,
    multiprocess,
    start_http_server,
)
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy import event
from sqlalchemy.pool import Pool
{%- endif %}

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, per Flask endpoint (none: no route) and status.",
    ["method", "endpoint", "status"],
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Seconds from the start of a request to its response, per Flask endpoint.",
    ["method", "endpoint"],
)
{%- if cookiecutter.use_sqlalchemy %}
# Summed over the live workers ("livesum"): a dead worker's connections drop out.
POOL_CHECKED_OUT = Gauge(
    "db_pool_checked_out",
    "Database connections taken from the pool and in use.",
    multiprocess_mode="livesum",
)
{%- endif %}
{%- if cookiecutter.use_celery %}
TASKS = Counter(
    "celery_tasks",
    "Celery tasks sent (by the web app) and ended (in a worker), per state.",
    ["task", "state"],
)
{%- endif %}


def count_request(response: Response) -> Response:
    """Count the request under its endpoint (a bounded set of names) and status."""
    started = g.get("metrics_started")
    if started is None:
        return response
    endpoint = request.endpoint or "none"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
    return response


def start_clock() -> None:
    """Note when the request started."""
    g.metrics_started = time.perf_counter()
{%- if cookiecutter.use_sqlalchemy %}


def checked_out(*args: Any) -> None:
    """A connection left the pool."""
    POOL_CHECKED_OUT.inc()


def checked_in(*args: Any) -> None:
    """A connection came back to the pool."""
    POOL_CHECKED_OUT.dec()
{%- endif %}


def init_metrics(app: Flask) -> None:
    """Count every request the app answers."""
    app.before_request(start_clock)
    app.after_request(count_request)
{%- if cookiecutter.use_sqlalchemy %}
    # Every pool of the process (the app has one), listened to once.
    if not event.contains(Pool, "checkout", checked_out):
        event.listen(Pool, "checkout", checked_out)
        event.listen(Pool, "checkin", checked_in)
{%- endif %}


def collecting_registry() -> CollectorRegistry:
    """The registry to serve: every process's files in multiprocess mode."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def serve_metrics(bind: str) -> None:
    """Serve /metrics on `bind` (host:port) from a thread of this process."""
    host, _, port = bind.rpartition(":")
    start_http_server(int(port), host.strip("[]"), registry=collecting_registry())


def forget_process(pid: int) -> None:
    """Drop the live-only values of a process that ended (gunicorn's child_exit)."""
    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
