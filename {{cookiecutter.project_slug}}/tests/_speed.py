"""Test databases made faster: SQLite skips fsync, loaded by conftest.py."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


# Each commit would wait for the disk (twice, with the journal) for data that
# the run throws away: without it the suite takes half as long again.
@event.listens_for(Engine, "connect")
def skip_fsync(connection: object, record: object) -> None:
    """Have SQLite neither sync to disk nor write its journal to a file."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA journal_mode = MEMORY")
