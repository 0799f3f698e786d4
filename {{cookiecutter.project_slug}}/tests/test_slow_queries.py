"""Statements slower than SLOW_QUERY_MS are logged with the request's path."""

import gc
import logging
import weakref
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.extensions import db


def make_app(tmp_path: Path, slow_query_ms: int) -> Flask:
    """A test app whose slow-query threshold is `slow_query_ms`."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'slow.sqlite'}",
            "SLOW_QUERY_MS": slow_query_ms,
        }
    )


def test_slow_query_is_logged_with_statement_and_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path, 0)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        # No tables here: /readyz may answer 503; its queries are what matter.
        app.test_client().get("/readyz")
    messages = [r.getMessage() for r in caplog.records if "Slow query" in r.message]
    assert messages
    assert "SELECT " in messages[0]
    assert "on /readyz" in messages[0]


def test_query_outside_a_request_is_logged_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path, 0)
    with app.app_context(), caplog.at_level(logging.WARNING, logger=app.logger.name):
        db.session.execute(text("SELECT 2"))
    assert any("(no request): SELECT 2" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("threshold", [200, 60_000])
def test_fast_queries_are_not_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, threshold: int
) -> None:
    app = make_app(tmp_path, threshold)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        app.test_client().get("/readyz")
    assert not [r for r in caplog.records if "Slow query" in r.getMessage()]


def test_threshold_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SLOW_QUERY_MS", "350")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert create_app().config["SLOW_QUERY_MS"] == 350


def test_an_app_is_freed_once_unused(tmp_path: Path) -> None:
    # The log's listeners live on the engine, which Flask-SQLAlchemy maps to its app
    # weakly: a listener that held the app would keep every test's app alive.
    app = make_app(tmp_path, 0)
    with app.app_context():
        db.session.execute(text("SELECT 1"))
    with app.app_context():
        # Close the pooled connection now: left to the collector, Python 3.13's
        # sqlite3 warns about it. The engine and its listeners stay.
        db.engine.dispose()
    freed = weakref.ref(app)
    del app
    # Some extensions keep the last app they were bound to: bind them anew.
    make_app(tmp_path, 0)
    gc.collect()
    assert freed() is None
