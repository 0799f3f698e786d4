"""Database migrations (Alembic, through Flask-Migrate), shipped inside the package.

Inside the package they are installed with it, so a project installed without -e
(a wheel, as the container does) can still run `flask db upgrade`.
"""

import ast
import functools
import re
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Column
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table

# Where Flask-Migrate finds alembic.ini, env.py and versions/.
DIRECTORY = str(Path(__file__).resolve().parent)
# The table in which Alembic records the revision a database is at.
VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), primary_key=True),
)
# `revision = "..."` and `down_revision = ...` lines, with or without a type.
REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$", re.M)


@functools.cache
def revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(every revision id, the newest ones), read from versions/ once per process.

    The files are parsed, not loaded by Alembic, so web workers never import it.
    """
    known: set[str] = set()
    parents: set[str | None] = set()
    for path in Path(DIRECTORY, "versions").glob("*.py"):
        found = dict(REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        known.add(ast.literal_eval(found["revision"]))
        down = ast.literal_eval(found.get("down_revision", "None"))
        parents.update(down if isinstance(down, tuple | list) else [down])
    return frozenset(known), frozenset(known - parents)


def pending(applied: Iterable[str]) -> bool:
    """True when a database at revisions `applied` lacks a migration of this code.

    A database at a revision this code does not know (newer code migrated it,
    during a rolling deploy) is not behind: this code cannot judge it.
    """
    known, heads = revisions()
    revisions_applied = set(applied)
    return revisions_applied != heads and revisions_applied <= known
