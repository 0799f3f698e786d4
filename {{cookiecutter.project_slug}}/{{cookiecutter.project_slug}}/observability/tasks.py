"""Celery: a task logs with the request id of the request that sent it, and is counted."""

import os
from contextvars import Token
from typing import Any

from celery import Task
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    task_success,
    worker_init,
    worker_process_shutdown,
)

from {{ cookiecutter.project_slug }}.observability.logs import REQUEST_ID
from {{ cookiecutter.project_slug }}.observability.metrics import (
    TASKS,
    forget_process,
    serve_metrics,
)

# The message header that carries the request id to the worker.
HEADER = "request_id"
# The request id tokens of the tasks running in this process, by task id.
RUNNING: dict[str, Token[str | None]] = {}


def connect_task_signals() -> None:
    """Connect the handlers below (each once, however many apps are made)."""
    setup_logging.connect(keep_app_logging, dispatch_uid=HEADER)
    before_task_publish.connect(send_request_id, dispatch_uid=HEADER)
    task_prerun.connect(take_request_id, dispatch_uid=HEADER)
    task_postrun.connect(drop_request_id, dispatch_uid=HEADER)
    task_success.connect(count_success, dispatch_uid=HEADER)
    task_failure.connect(count_failure, dispatch_uid=HEADER)
    task_retry.connect(count_retry, dispatch_uid=HEADER)
    worker_init.connect(serve_worker_metrics, dispatch_uid=HEADER)
    worker_process_shutdown.connect(forget_worker_process, dispatch_uid=HEADER)


def keep_app_logging(**kwargs: Any) -> None:
    """Keep the logging the app set up (JSON in production) in the worker too.

    Celery leaves logging alone when this signal has a receiver; otherwise it
    would replace the root logger's handlers with its own text ones.
    """


def send_request_id(
    sender: str, headers: dict[str, Any] | None = None, **kwargs: Any
) -> None:
    """Put the current request id in the headers of the task being sent."""
    request_id = REQUEST_ID.get()
    if headers is not None and request_id is not None:
        headers[HEADER] = request_id
    TASKS.labels(sender, "sent").inc()


def take_request_id(task_id: str, task: Task[Any, Any], **kwargs: Any) -> None:
    """Make the sender's request id the current one while the task runs."""
    request_id = getattr(task.request, HEADER, None)
    if isinstance(request_id, str):
        RUNNING[task_id] = REQUEST_ID.set(request_id)


def drop_request_id(task_id: str, **kwargs: Any) -> None:
    """Forget the request id of a task that ended."""
    token = RUNNING.pop(task_id, None)
    if token is not None:
        REQUEST_ID.reset(token)


def count_success(sender: Task[Any, Any], **kwargs: Any) -> None:
    """Count a task that returned."""
    TASKS.labels(sender.name, "succeeded").inc()


def count_failure(sender: Task[Any, Any], **kwargs: Any) -> None:
    """Count a task that raised."""
    TASKS.labels(sender.name, "failed").inc()


def count_retry(sender: Task[Any, Any], **kwargs: Any) -> None:
    """Count a task that will be tried again."""
    TASKS.labels(sender.name, "retried").inc()


def serve_worker_metrics(**kwargs: Any) -> None:
    """Serve the worker's counts on METRICS_BIND, with PROMETHEUS_MULTIPROC_DIR set.

    The pool's processes count the tasks: without the folder they share, the
    main process would serve none of their counts.
    """
    bind = os.environ.get("METRICS_BIND")
    if bind and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        serve_metrics(bind)


def forget_worker_process(**kwargs: Any) -> None:
    """Drop the live-only values of a pool process that stops."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        forget_process(os.getpid())
