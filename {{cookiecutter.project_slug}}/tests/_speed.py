"""Speed-ups for the test suite alone, loaded by conftest.py."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy %}
import sqlite3
{# blank line #}
{%- endif %}
from flask import Flask
from jinja2 import FileSystemBytecodeCache
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy import event
from sqlalchemy.engine import Engine
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}

# Each test builds a new app, which would compile every template again, and
# SQLite would wait for the disk at each commit of data that the run throws away.
{%- else %}

# Each test builds a new app, which would compile every template again.
{%- endif %}
Flask.jinja_options = {
    **Flask.jinja_options,
    "bytecode_cache": FileSystemBytecodeCache(),
}
{%- if cookiecutter.use_sqlalchemy %}


@event.listens_for(Engine, "connect")
def skip_fsync(connection: object, record: object) -> None:
    """Have SQLite neither sync to disk nor write its journal to a file."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA journal_mode = MEMORY")
{%- endif %}
