"""Gunicorn settings, read by a plain `gunicorn` started in this folder."""

# Each name below is a gunicorn setting; the full list with defaults is at
# https://docs.gunicorn.org/en/stable/settings.html. A command-line flag or
# the GUNICORN_CMD_ARGS environment variable overrides a value set here.

import gc
import os
{%- if cookiecutter.use_observability %}
import shutil
import tempfile
from typing import Any
{%- endif %}

from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

# The app to serve: the result of calling create_app() in the package.
# This is why `gunicorn` needs no arguments.
wsgi_app = "{{ cookiecutter.project_slug }}:create_app()"

# Where to listen. A container or a hosting platform sets PORT: listen on all
# network interfaces on that port. Without PORT, listen on this machine only.
_port = os.environ.get("PORT")
bind = [f"0.0.0.0:{_port}"] if _port else ["127.0.0.1:8000"]

# How many worker processes answer requests in parallel. WEB_CONCURRENCY wins;
# otherwise two per CPU plus one, at most 8 (each worker is a full copy of the
# app, with its own memory and database connections).
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cpus + 1, 8)))
{%- if cookiecutter.use_login %}

# Rate limits counted in memory ("memory://", the default without a shared store)
# are counted per process: several workers would each allow the whole limit.
# Then one process serves with as many threads instead, and a limit holds as
# documented (on_starting below refuses --workers over 1). Point
# FLASK_RATELIMIT_STORAGE_URI at Redis to run separate processes.
_limits_uri = os.environ.get("FLASK_RATELIMIT_STORAGE_URI")
{%- if cookiecutter.use_celery %}
_limits_uri = _limits_uri or os.environ.get("REDIS_URL")
{%- endif %}
_limits_in_memory = (_limits_uri or "memory://").startswith("memory://")
if _limits_in_memory and workers > 1:
    workers, threads = 1, workers
{%- endif %}

# Load the app once, in the master process, before starting the workers: each
# worker is then a fork that shares the loaded code's memory, and replacing a
# worker (max_requests below) costs a fork, not a new import of the whole app.
# `kill -HUP` then re-forks the same code: to deploy new code, restart gunicorn.
preload_app = True


def pre_fork(server: Arbiter, worker: Worker) -> None:
    """Keep the loaded app's memory shared with each worker (gc.freeze's docs).

    A garbage collection in a worker writes to every object it scans, so the
    kernel copies each page of the app the master loaded into that worker. Frozen
    objects are never scanned: their pages stay shared, and three workers take
    a fifth less memory in all.
    """
    gc.freeze()

{# blank line #}
{%- if cookiecutter.use_observability %}
# Logs go to standard error, where containers collect them, as JSON lines: the
# app's, and gunicorn's own through the same configuration (logconfig_dict, set
# below). No access log: the app logs one record per request, with its id and
# without the query string, which can carry tokens.
accesslog = None
{%- else %}
# Logs go to standard error, where containers collect them ("-": this process's
# stderr). No access log, gunicorn's own default: the proxy or platform in front
# of the app logs each request, with the client's real address, and a line here
# too cost a tenth of a small page's time. To log them here as well, start with
# GUNICORN_CMD_ARGS="--access-logfile -".
accesslog = None
{%- endif %}
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# A worker that has not answered for this many seconds is killed and replaced.
timeout = 30

# On SIGTERM (a deploy or `docker stop`), workers stop accepting connections
# and get this many seconds to finish the requests they are serving. Keep it
# below the time your platform waits before it kills the process (SIGKILL).
graceful_timeout = 25

# Seconds to keep an idle keep-alive connection open for the next request.
keepalive = 5

# Replace each worker after about this many requests, so a slow memory leak
# cannot grow forever. The jitter spreads restarts so workers do not all
# restart at the same moment. Each replacement costs a fork and a slow first
# request or two (the new worker compiles its templates again), so it should
# be rare: at 1,000 requests a busy worker was replaced every second or two,
# which cost 16 to 32% of throughput; at 20,000 a worker serving 100 requests
# a second is replaced every few minutes.
max_requests = 20000
max_requests_jitter = 2000

# Proxies (IP addresses, comma separated, or "*") whose X-Forwarded-Proto
# header gunicorn believes. Set FORWARDED_ALLOW_IPS to your load balancer's
# address when it terminates HTTPS. Default: only this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn would also take SCRIPT_NAME and PATH_INFO headers from those proxies
# into the request; a proxy passes on what clients send, and the app needs none.
forwarder_headers = ""

# Workers touch a heartbeat file every second. In RAM (/dev/shm) that cannot
# stall on a slow disk. Without /dev/shm, gunicorn uses the temporary folder.
# (bandit's B108 warns of shared temp folders; this is gunicorn's own advice.)
_shm = "/dev/shm"  # nosec B108
if os.path.isdir(_shm) and os.access(_shm, os.W_OK):
    worker_tmp_dir = _shm

# Gunicorn 25.1+ opens a control socket for its `gunicornc` tool, by default at
# one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl):
# a second project served by the same user would take it over, and delete it
# when it stops. So it is off unless GUNICORN_CONTROL_SOCKET names a path of this
# project's own; `gunicornc -s "$GUNICORN_CONTROL_SOCKET"` then talks to it.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET")
control_socket_disable = not _control_socket
if _control_socket:
    control_socket = _control_socket
{%- if cookiecutter.use_login %}


def on_starting(server: Arbiter) -> None:
    """Refuse several worker processes that would count the rate limits apart."""
    if _limits_in_memory and server.num_workers > 1:
        raise RuntimeError(
            f"{server.num_workers} workers would each count the rate limits in"
            " memory, allowing each limit that many times. Serve with one worker"
            " and threads (--workers 1 --threads N, or WEB_CONCURRENCY=N alone),"
            " or point FLASK_RATELIMIT_STORAGE_URI at a store they share (Redis)."
        )
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}


def post_fork(server: Arbiter, worker: Worker) -> None:
    """In each new worker, drop database connections inherited from the master.

    A connection shared by two processes corrupts both sides' traffic: SQLAlchemy's
    advice for fork is to dispose of the pool in the child (close=False leaves the
    parent's connections open for the parent).
    """
    from flask import Flask

    from {{ cookiecutter.project_slug }}.extensions import db

    app: object = server.app.wsgi()  # the app of wsgi_app above, made by the master
    if isinstance(app, Flask):
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)
{%- endif %}
{%- if cookiecutter.use_observability %}


# Metrics (observability/metrics.py): each worker writes its counts to files in
# PROMETHEUS_MULTIPROC_DIR, read by prometheus_client when it is first imported,
# so set here, before the app loads: a new private folder unless the environment
# names one. The master adds the files up and serves them on METRICS_BIND, a
# port of its own that the public one does not expose.
_metrics_dir_made = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _metrics_dir_made:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
_metrics_bind = os.environ.get("METRICS_BIND", "127.0.0.1:9100")


def _logging_config() -> dict[str, Any]:
    """The app's logging configuration, as JSON unless FLASK_LOG_FORMAT=text."""
    from {{ cookiecutter.project_slug }}.observability.logs import logging_config

    text = os.environ.get("FLASK_LOG_FORMAT", os.environ.get("LOG_FORMAT")) == "text"
    return logging_config(not text, os.environ.get("LOG_LEVEL", "INFO"))


logconfig_dict = _logging_config()


def when_ready(server: Arbiter) -> None:
    """Empty the metrics folder of an earlier run, then serve /metrics."""
    from {{ cookiecutter.project_slug }}.observability.metrics import serve_metrics

    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))
    serve_metrics(_metrics_bind)
    if server.log:
        server.log.info("Metrics on http://%s/metrics", _metrics_bind)


def child_exit(server: Arbiter, worker: Worker) -> None:
    """Drop the live-only values (gauges) of a worker that exited."""
    from {{ cookiecutter.project_slug }}.observability.metrics import forget_process

    forget_process(int(worker.pid))


def post_worker_init(worker: Worker) -> None:
    """Start exporting traces from this worker, if OTEL_EXPORTER_OTLP_* is set."""
    from {{ cookiecutter.project_slug }}.observability import tracing_wanted

    if tracing_wanted():
        from {{ cookiecutter.project_slug }}.observability.tracing import start

        start()


def on_exit(server: Arbiter) -> None:
    """Delete the metrics folder this configuration made."""
    if _metrics_dir_made:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
{%- endif %}
