"""Database migrations (Alembic, through Flask-Migrate), shipped inside the package.

Inside the package they are installed with it, so a project installed without -e
(a wheel, as the container does) can still run `flask db upgrade`.
"""

import functools
from collections.abc import Iterable
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, MetaData, String, Table, inspect

# Where Flask-Migrate finds alembic.ini, env.py and versions/.
DIRECTORY = str(Path(__file__).resolve().parent)
# The table in which Alembic records the revision a database is at.
VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), primary_key=True),
)


@functools.cache
def revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision id, the newest ones) of this code's migrations, read once."""
    scripts = ScriptDirectory(DIRECTORY)
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return known, frozenset(scripts.get_heads())


def pending(applied: Iterable[str]) -> bool:
    """True when a database at revisions `applied` lacks a migration of this code.

    A database at a revision this code does not know (newer code migrated it,
    during a rolling deploy) is not behind: this code cannot judge it.
    """
    known, heads = revisions()
    revisions_applied = set(applied)
    return revisions_applied != heads and revisions_applied <= known


def missing(connection: Connection, metadata: MetaData) -> list[str]:
    """The tables and columns of `metadata` that the database lacks, by name.

    A database can be at the newest revision and still lack them: a revision
    that was edited after this database ran it (as 0001 once was) adds nothing.
    """
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    gaps = []
    for table in metadata.sorted_tables:
        if table.name not in tables:
            gaps.append(table.name)
            continue
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        gaps += [f"{table.name}.{c.name}" for c in table.c if c.name not in columns]
    return gaps
