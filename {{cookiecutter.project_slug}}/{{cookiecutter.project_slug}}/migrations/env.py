"""Alembic environment: runs migrations against the Flask app's database."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from logging.config import fileConfig
from pathlib import Path
from typing import Any

from alembic import context
from alembic.script import ScriptDirectory
from alembic.script.revision import MultipleHeads
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import Connection, text

config = context.config
# Keep the app's own loggers working when migrations run inside it.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# The database and its models come from the Flask app (see extensions.py).
target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url",
    target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)


# Several hosts may run `flask db upgrade` at the same moment (the container
# entrypoint runs it at every start). The first to take this lock migrates; the
# others wait for it, then find nothing left to do. SQLite needs no lock.
MIGRATION_LOCK_ID = 7_246_813_901  # any number, the same for every host
MIGRATION_LOCK_WAIT_SECONDS = 600


@contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    """Hold a lock on the whole database while the migrations run, where one exists."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        lock = text("SELECT pg_advisory_lock(:id)").bindparams(id=MIGRATION_LOCK_ID)
        unlock = text("SELECT pg_advisory_unlock(:id)").bindparams(id=MIGRATION_LOCK_ID)
    elif dialect in {"mysql", "mariadb"}:
        name = "LEFT(CONCAT('alembic:', DATABASE()), 64)"
        lock = text(f"SELECT GET_LOCK({name}, :wait)").bindparams(
            wait=MIGRATION_LOCK_WAIT_SECONDS
        )
        unlock = text(f"SELECT RELEASE_LOCK({name})")
    else:
        yield
        return
    locked = connection.execute(lock).scalar()
    if dialect != "postgresql" and locked != 1:
        raise RuntimeError("Another host has been migrating for too long; try again.")
    # Both locks belong to the session: they outlive this commit and the
    # migrations' own transactions, and end with the connection at the latest.
    connection.commit()
    try:
        yield
    finally:
        connection.rollback()
        connection.execute(unlock)
        connection.commit()


MERGE_HEADS = "flask db merge heads -m 'Merge the template revisions'"


def check_revisions_in_place() -> None:
    """Stop, saying what to do, where the revisions cannot all be followed.

    Projects made before 2026-11-30 kept their migrations in a top-level
    migrations/ folder; a revision of the user's own left there after the update
    is unknown here. Two heads (the template's new revisions beside the user's
    own) need one merge revision before `flask db upgrade` knows where to go.
    """
    versions = Path(config.get_main_option("script_location", ".")) / "versions"
    root = Path.cwd()
    old = Path(current_app.root_path).parent / "migrations" / "versions"
    stranded = sorted(
        path.name for path in old.glob("*.py") if path.name != "0001_initial_tables.py"
    )
    if stranded:
        moves = "\n".join(
            f"  git mv {relative(old / name, root)} {relative(versions, root)}/"
            for name in stranded
        )
        raise CommandError(
            f"{len(stranded)} revision(s) of your own are still in"
            f" {relative(old, root)}/, where projects made before 2026-11-30 kept"
            f" them; migrations now live in {relative(versions, root)}/. Move them:"
            f"\n{moves}\n  rm -r {relative(old.parent, root)}\n"
            f"then run `{MERGE_HEADS}` and `flask db upgrade` (see CHANGELOG.md"
            " of the template, 2026-12-07)."
        )
    try:
        context.get_revision_argument()  # resolves "head" for upgrade, downgrade
    except KeyError:  # `flask db check`, `migrate` and others name no revision
        pass
    except CommandError as error:
        if not isinstance(error.__cause__, MultipleHeads):
            raise
        heads = ScriptDirectory.from_config(config).get_heads()
        raise CommandError(
            f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))}):"
            " the template's new revisions and your own both follow the same one."
            " Join them with one merge revision, then upgrade:\n"
            f"  {MERGE_HEADS}\n  flask db upgrade"
        ) from None


def relative(path: Path, root: Path) -> str:
    """`path` as the user would type it from `root`, where it lies inside."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def run_migrations_offline() -> None:
    """Print the migrations' SQL instead of running it: `flask db upgrade --sql`."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_db.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection to the database."""

    def skip_empty_migration(
        context: Any, revision: Any, directives: list[Any]
    ) -> None:
        """Write no migration file when `flask db migrate` finds no change."""
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    configure_args = current_app.extensions["migrate"].configure_args
    configure_args.setdefault("process_revision_directives", skip_empty_migration)
    with target_db.engine.connect() as connection, migration_lock(connection):
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            **configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()


check_revisions_in_place()
if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
