"""`flask db`: Flask-Migrate's commands, importing it and Alembic only when used.

Alembic is about a third of the app's import time, yet a web worker never
migrates: the commands load on first use, so every worker starts that much sooner.
"""

import click

from {{ cookiecutter.project_slug }} import migrations
from {{ cookiecutter.project_slug }}.extensions import db


class MigrateCommands(click.Command):
    """Stands in for Flask-Migrate's `db` group until `flask db ...` runs."""

    def __init__(self, app):
        super().__init__("db", help="Migrate the database schema (Flask-Migrate).")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra):
        """Hand the command line to Flask-Migrate's own `db` group, loaded now."""
        from flask_migrate import Migrate
        from flask_migrate.cli import db as flask_migrate_group

        if "migrate" not in self.app.extensions:
            Migrate(self.app, db, directory=migrations.DIRECTORY)
        return flask_migrate_group.make_context(info_name, args, parent, **extra)
