"""The project's own `flask` commands that belong to no area of the site."""

import click
from flask import Blueprint

from {{ cookiecutter.project_slug }}.extensions import db

# A blueprint without views: its commands are `flask <name>`, with no group.
bp = Blueprint("commands", __name__, cli_group=None)


@bp.cli.command("init-db")
def init_db_command() -> None:
    """Create every table of models.py that does not exist yet."""
    db.create_all()
    click.echo("Initialized the database.")
