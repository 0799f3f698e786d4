"""The `flask init-db` command creates the tables."""

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import inspect

from {{ cookiecutter.project_slug }}.extensions import db


def test_init_db_creates_the_tables(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        db.drop_all()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "Initialized" in result.output
    with app.app_context():
        assert "messages" in inspect(db.engine).get_table_names()
