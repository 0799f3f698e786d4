"""Database migrations (Alembic, through Flask-Migrate), shipped inside the package.

Inside the package they are installed with it, so a project installed without -e
(a wheel, as the container does) can still run `flask db upgrade`.
"""

import functools
from collections.abc import Iterable
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, Table

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
