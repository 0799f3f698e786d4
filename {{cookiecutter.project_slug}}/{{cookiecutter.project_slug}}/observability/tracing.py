"""Traces with OpenTelemetry, sent over OTLP/HTTP: imported only when asked for.

The standard OTEL_* variables configure everything: OTEL_EXPORTER_OTLP_ENDPOINT
(or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) where to send, OTEL_SERVICE_NAME (default:
the package name), OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_HEADERS, ...
"""

from flask import Flask
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
{%- if cookiecutter.use_celery %}
from opentelemetry.instrumentation.celery import CeleryInstrumentor
{%- endif %}
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.urllib import URLLibInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
{# blank line #}
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.observability.database_spans import trace_queries
{%- endif %}
from {{ cookiecutter.project_slug }}.observability.logs import RECORD_FIELDS


def instrument(app: Flask) -> None:
    """Make spans for requests, queries, tasks and outgoing HTTP requests."""
    # Every log record written inside a span carries its ids.
    if current_ids not in RECORD_FIELDS:
        RECORD_FIELDS.append(current_ids)
    FlaskInstrumentor.instrument_app(app)  # type: ignore[no-untyped-call]
{%- if cookiecutter.use_sqlalchemy %}
    trace_queries()
{%- endif %}
    for instrumentor in (
{%- if cookiecutter.use_celery %}
        # Tasks continue the trace of the request that sent them.
        CeleryInstrumentor(),  # type: ignore[no-untyped-call]
{%- endif %}
        # urllib.request, which needs no other dependency; add the instrumentation
        # of the HTTP client you install (requests, httpx) the same way.
        URLLibInstrumentor(),
    ):
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument()


def start() -> None:
    """Export this process's spans in batches over OTLP/HTTP (once per process).

    gunicorn calls it in each worker after the fork (gunicorn.conf.py): a batch
    exporter's thread and connections belong to one process.
    """
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: "{{ cookiecutter.project_slug }}"}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def current_ids() -> dict[str, str]:
    """The trace and span ids of the current span, as OTLP writes them (hex)."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {
        "trace_id": trace.format_trace_id(context.trace_id),
        "span_id": trace.format_span_id(context.span_id),
    }
