"""Log every SQL statement slower than SLOW_QUERY_MS, with the request it served."""

import time

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import DBAPICursor

from {{ cookiecutter.project_slug }}.extensions import db


def register_slow_query_log(app: Flask) -> None:
    """Time each statement the app's database runs; log those over SLOW_QUERY_MS."""
    threshold = float(app.config["SLOW_QUERY_MS"]) / 1000
    # The listeners hold the logger, never the app: Flask-SQLAlchemy maps each app
    # to its engine weakly, and an engine whose listener held its app would keep
    # both alive for good (every app a test suite makes).
    logger = app.logger
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def start_timer(conn: Connection, *args: object) -> None:
        conn.info.setdefault("query_started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def log_if_slow(
        conn: Connection, cursor: DBAPICursor, statement: str, *args: object
    ) -> None:
        elapsed = time.perf_counter() - conn.info["query_started"].pop()
        if elapsed >= threshold:
            path = request.path if has_request_context() else "(no request)"
            logger.warning(
                "Slow query: %.0f ms on %s: %s", elapsed * 1000, path, statement
            )
