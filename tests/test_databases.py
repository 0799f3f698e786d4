"""The PostgreSQL and MySQL choices, proven against this machine's real servers."""

import importlib
import re
import shutil
import subprocess
import sys
import time

import pytest

from tests.support.baking import bake
from tests.support.database_servers import SERVERS
from tests.support.database_servers import Relay
from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.machine import require
from tests.support.machine import run

pytestmark = pytest.mark.server

SECRET_KEY = "0123456789abcdef0123456789abcdef"
TABLES = {"messages", "users", "user_sessions"}
ZOE = "zoë@example.com"


@pytest.fixture(params=sorted(SERVERS))
def server(request):
    """One reachable database server (skipped, or failed under CI, when it is not)."""
    server = SERVERS[request.param]
    problem = server.problem()
    require(problem is None, problem)
    return server


@pytest.fixture
def database(server):
    """A fresh, empty database on `server`, dropped after the test."""
    with server.fresh_database() as name:
        yield name


@pytest.fixture(scope="session")
def baked(tmp_path_factory):
    """baked(kind, migrate=True, **options): the default project for a database,
    with or without Flask-Migrate, baked once per session under a package name of
    its own so several import side by side; (path, slug)."""
    root = tmp_path_factory.mktemp("databases")
    projects = {}

    def bake_once(kind, migrate=True, **options):
        slug = f"ff_{kind}_{'migrate' if migrate else 'initdb'}"
        slug += "".join(f"_{name.removeprefix('use_')}" for name in sorted(options))
        if slug not in projects:
            projects[slug] = bake(
                root,
                database=kind,
                use_migrate=migrate,
                project_slug=slug,
                **options,
            )
        return projects[slug], slug

    return bake_once


def flask(project, url, *args):
    """Run `flask *args` in `project` in production mode with DATABASE_URL=url."""
    result = run(
        [PYTHON, "-m", "flask", *args],
        cwd=project,
        timeout=120,
        DATABASE_URL=url,
        FLASK_SECRET_KEY=SECRET_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture
def load_app(database):
    """Import a baked project's app into this process, in testing mode; close its
    pooled connections after the test, before its database is dropped."""
    apps = []

    def load(project, slug, url):
        sys.path.insert(0, str(project))
        try:
            factory = importlib.import_module(slug).create_app
        finally:
            sys.path.remove(str(project))
        config = {"TESTING": True, "SECRET_KEY": SECRET_KEY, "WTF_CSRF_ENABLED": False}
        apps.append(factory({**config, "SQLALCHEMY_DATABASE_URI": url}))
        return apps[-1]

    yield load
    for app in apps:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


def test_migrations_round_trip_on_an_empty_database(server, database, baked):
    project, _ = baked(server.kind)
    url = server.url(database, short=True)  # as a hosting provider writes it
    flask(project, url, "db", "upgrade")
    assert server.tables(database) == TABLES | {"alembic_version"}
    assert "No new upgrade operations detected" in flask(project, url, "db", "check")
    flask(project, url, "db", "downgrade", "base")
    assert server.tables(database) == {"alembic_version"}
    flask(project, url, "db", "upgrade")
    assert server.tables(database) == TABLES | {"alembic_version"}


def test_hosts_started_together_migrate_once(server, database, baked):
    """Three `flask db upgrade` at once, as three hosts' entrypoints run it: the
    migrations' database lock lets one migrate while the others wait, then find
    nothing to do. Without it they race to create the same tables (on MariaDB,
    whose DDL commits at once, this then fails with "Table 'messages' already
    exists"; tests/test_multihost.py races hosts on PostgreSQL)."""
    project, _ = baked(server.kind)
    url = server.url(database)
    env = clean_env(DATABASE_URL=url, FLASK_SECRET_KEY=SECRET_KEY)
    upgrades = [
        subprocess.Popen(
            [PYTHON, "-m", "flask", "db", "upgrade"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [upgrade.communicate(timeout=180)[0] for upgrade in upgrades]
    for upgrade, output in zip(upgrades, outputs, strict=True):
        assert upgrade.returncode == 0, output
    applied = [output.count("Running upgrade") for output in outputs]
    revisions = len(list(project.glob("*/migrations/versions/*.py")))
    assert sorted(applied) == [0, 0, revisions], outputs
    assert server.tables(database) == TABLES | {"alembic_version"}
    assert len(server.query(database, "SELECT version_num FROM alembic_version")) == 1


def test_init_db_creates_the_tables(server, database, baked):
    project, _ = baked(server.kind, migrate=False)
    assert "Initialized" in flask(project, server.url(database, short=True), "init-db")
    assert server.tables(database) == TABLES


@pytest.mark.parametrize(
    ("migrate", "short", "options"),
    [
        pytest.param(True, False, {}, id="migrate"),
        pytest.param(False, True, {}, id="init-db"),
        # Every table there is: API tokens, mail confirmation, sessions.
        pytest.param(True, False, {"use_mail": True, "use_api": True}, id="mail-api"),
    ],
)
def test_project_suite_passes_and_leaves_nothing(
    server, database, baked, migrate, short, options
):
    project, _ = baked(server.kind, migrate, **{name: True for name in options})
    url = server.url(database, short=short)
    tests = run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        TEST_DATABASE_URL=url,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    summary = tests.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed in [\d.]+s( \([\d:]+\))?", summary), summary
    print(f"{server.kind}, {project.name}: {summary}")
    assert server.tables(database) == set()


def test_non_ascii_text_round_trips_through_the_app(server, database, baked, load_app):
    project, slug = baked(server.kind)
    flask(project, server.url(database), "db", "upgrade")
    app = load_app(project, slug, server.url(database))
    client = app.test_client()
    password = "correct horse"
    form = {"email": ZOE, "password": password, "confirm_password": password}
    assert client.post("/auth/register", data=form).status_code == 302
    client.post("/auth/logout")
    login = {"email": "ZOË@example.com", "password": password}
    assert client.post("/auth/login", data=login).status_code == 302
    assert ZOE.encode() in client.get("/auth/account").data
    message = {"author": "Zoë", "body": "Grüße, 世界 🙂"}
    assert client.post("/messages/new", data=message).status_code == 302
    assert "Grüße, 世界 🙂".encode() in client.get("/").data
    emails = server.query(database, "SELECT email FROM users")
    assert [tuple(row) for row in emails] == [(ZOE,)]
    if server.kind == "mysql":
        columns = server.query(
            database,
            "SELECT table_name, column_name, character_set_name"
            " FROM information_schema.columns"
            " WHERE table_schema = %s AND data_type = 'varchar'",
            database,
        )
        charsets = {(t, c): charset for t, c, charset in columns if t in TABLES}
        assert set(charsets.values()) == {"utf8mb4"}, charsets
        (stored,) = server.query(database, "SELECT HEX(email) FROM users")
        assert stored[0] == ZOE.encode().hex().upper()


def test_readyz_follows_the_server_without_a_restart(server, database, baked, load_app):
    project, slug = baked(server.kind)
    flask(project, server.url(database), "db", "upgrade")  # else: migrations pending
    relay = Relay(server.port)
    relay.start()
    try:
        app = load_app(project, slug, server.url(database, port=relay.port))
        client = app.test_client()
        assert client.get("/readyz").status_code == 200
        relay.stop()
        for _ in range(2):  # a pooled connection, then a refused new one
            started = time.monotonic()
            response = client.get("/readyz")
            seconds = time.monotonic() - started
            assert response.status_code == 503
            assert response.json == {"status": "unavailable", "database": "down"}
            assert seconds < 10, f"/readyz hung for {seconds:.1f} s"
            print(f"{server.kind}: /readyz 503 in {seconds:.3f} s")
        relay.start()
        started = time.monotonic()
        response = client.get("/readyz")
        print(f"{server.kind}: /readyz 200 again in {time.monotonic() - started:.3f} s")
        assert response.status_code == 200
        assert response.json == {"status": "ready", "database": "up"}
    finally:
        relay.stop()


# A model as the README's "Where to add" shows it, with text columns given no
# length of their own (MySQL's VARCHAR needs one; the models' type map gives it).
TAG_MODEL = '''

class Tag(Model):
    """A label that messages can carry."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    note: Mapped[str | None]
'''


def test_text_without_a_length_migrates(server, database, baked, tmp_path):
    shipped, slug = baked(server.kind)
    project = tmp_path / slug
    shutil.copytree(shipped, project, ignore=shutil.ignore_patterns("__pycache__"))
    models = project / slug / "models.py"
    models.write_text(models.read_text() + TAG_MODEL)
    url = server.url(database)
    flask(project, url, "db", "upgrade")
    flask(project, url, "db", "migrate", "-m", "add tags")
    (written,) = (project / slug / "migrations" / "versions").glob("*add_tags.py")
    assert written.read_text().count("sa.String(length=255)") == 2
    flask(project, url, "db", "upgrade")
    assert "No new upgrade operations detected" in flask(project, url, "db", "check")
    assert "tags" in server.tables(database)
