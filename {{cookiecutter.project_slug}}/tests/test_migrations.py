"""The migrations build the same schema as models.py, undo cleanly, and /readyz
tells whether they have run."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import inspect

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.migrations import VERSION_TABLE, revisions

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Every table of the models (create_app imports them all), and Alembic's own.
TABLES = {*db.metadata.tables, VERSION_TABLE.name}


def drop_tables(app: Flask) -> None:
    """Drop every table of the app's database, Alembic's too."""
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            VERSION_TABLE.drop(connection, checkfirst=True)


@pytest.fixture
def empty_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The test app with no tables at all, run from the project root.

    The database is shared by the whole run: migrate it again after the test.
    """
    monkeypatch.chdir(PROJECT_ROOT)
    drop_tables(app)
    yield app
    drop_tables(app)
    with app.app_context():
        upgrade()


def table_names(app: Flask) -> set[str]:
    """The tables that exist in the app's database now."""
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_upgrade_check_downgrade_round_trip(
    empty_app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert table_names(empty_app) == TABLES

    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output

    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert table_names(empty_app) == {"alembic_version"}

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert table_names(empty_app) == TABLES
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output


def test_readyz_answers_503_until_the_migrations_ran(
    empty_app: Flask, runner: FlaskCliRunner
) -> None:
    client = empty_app.test_client()
    pending = (503, {"status": "unavailable", "database": "migrations pending"})
    ready = (200, {"status": "ready", "database": "up"})
    response = client.get("/readyz")
    assert (response.status_code, response.json) == pending

    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    response = client.get("/readyz")
    assert (response.status_code, response.json) == ready

    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    response = client.get("/readyz")
    assert (response.status_code, response.json) == pending


def test_readyz_answers_503_when_a_table_of_the_models_is_missing(
    empty_app: Flask,
) -> None:
    # At the newest revision, yet without a table: what a database that ran an
    # earlier version of a revision looks like. Sign-in would fail on it.
    with empty_app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            db.metadata.tables["messages"].drop(connection)
    response = empty_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "database": "schema differs from models",
    }


def test_the_migrations_have_one_head() -> None:
    # `flask db upgrade` and `flask db migrate` need one; each option's branch
    # of revisions is joined to the others by a merge revision.
    assert len(revisions()[1]) == 1


def test_flask_db_lists_the_migrate_commands(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    for command in ("upgrade", "downgrade", "migrate", "check", "current"):
        assert command in result.output


def test_migrations_run_from_code(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade()
    assert table_names(empty_app) == TABLES
