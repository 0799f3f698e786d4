"""The migrations build the same schema as models.py, and undo cleanly."""

from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect

from {{ cookiecutter.project_slug }}.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "alembic_version",
    "messages",
{%- if cookiecutter.use_api %}
    "notes",
{%- endif %}
{%- if cookiecutter.use_login %}
    "users",
    "user_sessions",
{%- endif %}
{%- if cookiecutter.use_login and cookiecutter.use_api %}
    "api_tokens",
{%- endif %}
}


@pytest.fixture
def empty_app(app, monkeypatch):
    """The test app with no tables at all, run from the project root."""
    monkeypatch.chdir(PROJECT_ROOT)
    with app.app_context():
        db.drop_all()
    yield app
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def table_names(app):
    """The tables that exist in the app's database now."""
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_upgrade_check_downgrade_round_trip(empty_app, runner):
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


def test_flask_db_lists_the_migrate_commands(runner):
    result = runner.invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    for command in ("upgrade", "downgrade", "migrate", "check", "current"):
        assert command in result.output


def test_migrations_run_from_code(empty_app):
    with empty_app.app_context():
        upgrade()
    assert table_names(empty_app) == TABLES
