"""A client span per SQL statement, from SQLAlchemy's documented cursor events.

opentelemetry-instrumentation-sqlalchemy declares support below SQLAlchemy 2.1,
which this project uses: a few listeners with the OpenTelemetry API alone do
the same for every engine of the process.
"""

from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExceptionContext

TRACER = trace.get_tracer(__name__)
SPANS = "otel_spans"  # key of the open spans in a connection's info dict


def trace_queries() -> None:
    """Listen to every engine's statements (once, however many apps are made)."""
    if not event.contains(Engine, "before_cursor_execute", start_span):
        event.listen(Engine, "before_cursor_execute", start_span)
        event.listen(Engine, "after_cursor_execute", end_span)
        event.listen(Engine, "handle_error", fail_span)


def start_span(conn: Connection, cursor: Any, statement: str, *args: Any) -> None:
    """Open a span named after the statement's verb (SELECT, INSERT...)."""
    words = statement.split(None, 1)
    operation = words[0].upper() if words else "SQL"
    url = conn.engine.url
    attributes: dict[str, str | int] = {
        "db.system.name": url.get_backend_name(),
        "db.namespace": url.database or "",
        "db.operation.name": operation,
        # The statement as prepared: the values travel apart, as parameters.
        "db.query.text": statement,
    }
    if url.host:
        attributes["server.address"] = url.host
    if url.port:
        attributes["server.port"] = url.port
    span = TRACER.start_span(operation, kind=SpanKind.CLIENT, attributes=attributes)
    conn.info.setdefault(SPANS, []).append(span)


def end_span(conn: Connection, *args: Any) -> None:
    """End the statement's span."""
    spans = conn.info.get(SPANS)
    if spans:
        spans.pop().end()


def fail_span(context: ExceptionContext) -> None:
    """End the span of a statement that failed, with its error."""
    spans = context.connection.info.get(SPANS) if context.connection else None
    if spans:
        span = spans.pop()
        span.record_exception(context.original_exception)
        error = type(context.original_exception).__name__
        span.set_status(Status(StatusCode.ERROR, error))
        span.end()
