"""The project's own `flask` commands."""

import click
from flask.cli import with_appcontext

from {{ cookiecutter.project_slug }}.extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create every table of models.py that does not exist yet."""
    db.create_all()
    click.echo("Initialized the database.")
