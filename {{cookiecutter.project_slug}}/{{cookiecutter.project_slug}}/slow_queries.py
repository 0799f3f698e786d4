"""Log every SQL statement slower than SLOW_QUERY_MS, with the request it served."""

import time

from flask import has_request_context, request
from sqlalchemy import event

from {{ cookiecutter.project_slug }}.extensions import db


def register_slow_query_log(app):
    """Time each statement the app's database runs; log those over SLOW_QUERY_MS."""
    threshold = float(app.config["SLOW_QUERY_MS"]) / 1000
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def start_timer(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("query_started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def log_if_slow(conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - conn.info["query_started"].pop()
        if elapsed >= threshold:
            path = request.path if has_request_context() else "(no request)"
            app.logger.warning(
                "Slow query: %.0f ms on %s: %s", elapsed * 1000, path, statement
            )
