"""cruft can bake a project, see that the template moved on, and update it cleanly."""

import json
import shutil

import pytest

from tests.support.baking import TEMPLATE
from tests.support.database_servers import SERVERS
from tests.support.machine import PYTHON
from tests.support.machine import require
from tests.support.machine import run

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Template Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}
# Copied into the throwaway template repository: what cruft reads of the template.
TEMPLATE_PARTS = (
    "cookiecutter.json",
    "hooks",
    "local_extensions.py",
    "{{cookiecutter.project_slug}}",
)
CHANGELOG = "{{cookiecutter.project_slug}}/CHANGELOG.md"
PRUNED_FILE = (
    "{{cookiecutter.project_slug}}/{{cookiecutter.project_slug}}/auth/routes.py"
)


def git(cwd, *args):
    """Run git in `cwd` and fail the test if it fails."""
    done = run(["git", *args], cwd=cwd, **GIT_IDENTITY)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def cruft(cwd, *args):
    """Run cruft in `cwd`; return the completed process."""
    return run([shutil.which("cruft") or "cruft", *args], cwd=cwd, **GIT_IDENTITY)


@pytest.fixture
def template_repo(tmp_path):
    """A git repository holding a copy of this template, at its first commit."""
    repo = tmp_path / "template"
    repo.mkdir()
    for part in TEMPLATE_PARTS:
        source = TEMPLATE / part
        if source.is_dir():
            shutil.copytree(
                source, repo / part, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, repo / part)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "template v1")
    return repo


@pytest.mark.slow  # a project's whole suite after the update
@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({}, id="defaults"),
        pytest.param(
            {
                "use_login": False,
                "use_migrate": False,
                "use_docker": False,
                "ci": "none",
            },
            id="pruned",
        ),
    ],
)
def test_cruft_create_check_update_round_trip(tmp_path, template_repo, answers):
    require(shutil.which("cruft"), "cruft is not installed (pip install cruft)")
    out = tmp_path / "out"
    created = cruft(
        tmp_path,
        "create",
        str(template_repo),
        "--no-input",
        "--output-dir",
        str(out),
        "--extra-context",
        json.dumps(answers),
    )
    assert created.returncode == 0, created.stdout + created.stderr
    project = out / "my_flask_app"
    assert json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"][
        "use_login"
    ] == answers.get("use_login", True)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "baked")
    assert cruft(project, "check").returncode == 0

    # The template moves on: a new file, and a change inside a file that the
    # "pruned" answers remove, which must stay removed after the update.
    (template_repo / CHANGELOG).write_text("# Changelog\n\n- Template v2.\n")
    pruned = template_repo / PRUNED_FILE
    pruned.write_text(pruned.read_text() + "\n\n# Template v2.\n")
    git(template_repo, "add", "-A")
    git(template_repo, "commit", "-q", "-m", "template v2")

    outdated = cruft(project, "check")
    assert outdated.returncode != 0, outdated.stdout
    updated = cruft(project, "update", "--skip-apply-ask", "--not-strict")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "Template v2." in (project / "CHANGELOG.md").read_text()
    routes = project / "my_flask_app" / "auth" / "routes.py"
    assert routes.exists() == answers.get("use_login", True)
    if routes.exists():
        assert "# Template v2." in routes.read_text()
    assert not list(project.rglob("*.rej"))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "cruft update")
    assert cruft(project, "check").returncode == 0

    tests = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


# A project keeps up with the template: made at an earlier commit (or with fewer
# options), given rows and edits of its own, then updated as its README says.
# The update goes to this repository's HEAD commit: commit before running these.
FIRST_PUBLIC_COMMIT = "fabedb2"  # 2026-11-22: migrations/ at the top level
PASSWORD = "correct horse battery staple"
SECRET_KEY = "a3652118c1f87a3ac1d821e32a35bd906a200fc577cc1081a47900367898d906"
OWN_COLUMN = """    password_hash: Mapped[str] = mapped_column(String(255))
"""
NICKNAME = "    nickname: Mapped[str | None] = mapped_column(String(40))\n"
# The project's test modules about its schema, rows and sign-in.
SERVER_MODULES = (
    "tests/test_migrations.py",
    "tests/test_models.py",
    "tests/test_auth.py",
    "tests/test_api.py",
    "tests/test_mail.py",
)
ADD_OPTIONS = {"use_api": True, "use_celery": True, "use_mail": True}
ADD_ROWS = f"""
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash
engine = create_engine(__import__("os").environ["DATABASE_URL"])
with engine.begin() as connection:
    connection.execute(
        text("INSERT INTO users (email, password_hash, created_at, nickname)"
             " VALUES ('ann@example.com', :hash, CURRENT_TIMESTAMP, 'Ann')"),
        {{"hash": generate_password_hash({PASSWORD!r})}},
    )
    connection.execute(
        text("INSERT INTO messages (author, body, created_at)"
             " VALUES ('Ann', 'Kept across updates', CURRENT_TIMESTAMP)")
    )
"""
CHECK_ROWS_AND_SIGN_IN = f"""
from sqlalchemy import text
from my_flask_app import create_app
from my_flask_app.extensions import db
import os
app = create_app({{
    "SECRET_KEY": os.environ["FLASK_SECRET_KEY"],
    "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"],
    "SERVER_NAME": os.environ["FLASK_SERVER_NAME"],
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
}})
with app.app_context():
    rows = db.session.execute(text(
        "SELECT u.nickname, m.body FROM users u"
        " JOIN messages m ON m.author = u.nickname"
    )).all()
    assert [tuple(row) for row in rows] == [("Ann", "Kept across updates")], rows
client = app.test_client()
response = client.post(
    "/auth/login", data={{"email": "ann@example.com", "password": {PASSWORD!r}}}
)
assert response.status_code == 302, response.status_code
assert "Log out" in client.get("/").text
ready = client.get("/readyz")
assert ready.status_code == 200, ready.json
"""


def template_head():
    """The commit this repository is at: what `cruft update` updates to."""
    return git(TEMPLATE, "rev-parse", "HEAD").strip()


class Project:
    """A project made with cruft, driven as its user would, on one database."""

    def __init__(self, path, database_url):
        self.path = path
        # Production settings, as a deployed project has them (mail's links need
        # the site's name: CHANGELOG.md, 2026-12-07).
        self.env = {
            "DATABASE_URL": database_url,
            "FLASK_SECRET_KEY": SECRET_KEY,
            "FLASK_SERVER_NAME": "localhost",
        }
        self.own_work = False

    def attempt(self, *command):
        """Run a command in the project; return the completed process."""
        return run(list(command), cwd=self.path, **self.env, **GIT_IDENTITY)

    def run(self, *command):
        """Run a command in the project; fail the test if it fails."""
        done = self.attempt(*command)
        assert done.returncode == 0, (command, done.stdout[-3000:], done.stderr[-3000:])
        return done.stdout + done.stderr

    def flask(self, *args):
        """`flask <args>` in the project."""
        return self.run(PYTHON, "-m", "flask", *args)

    def python(self, code):
        """Run Python `code` in the project."""
        return self.run(PYTHON, "-c", code)

    def commit(self, message):
        """Commit everything, as a user does before `cruft update`."""
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", message)

    def edit(self, relative, old, new):
        """Replace `old` (which must be there) by `new` in one file."""
        path = self.path / relative
        text = path.read_text()
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1))

    def add_own_work(self):
        """A column of the user's own with its migration, a page edit, rows."""
        self.edit(
            "my_flask_app/models.py",
            OWN_COLUMN,
            OWN_COLUMN + NICKNAME,
        )
        self.flask("db", "migrate", "-m", "Add users.nickname")
        self.flask("db", "upgrade")
        self.edit(
            "my_flask_app/templates/main/index.html",
            "{% endblock %}\n",
            "{% endblock %}\n{# Our own page edit. #}\n",
        )
        self.python(ADD_ROWS)
        self.commit("Our own column, page and rows")
        self.own_work = True

    def update(self, *args):
        """`cruft update` to this repository's HEAD; no .rej, no conflict markers."""
        self.run(
            shutil.which("cruft") or "cruft",
            "update",
            "--skip-apply-ask",
            "--not-strict",
            "--checkout",
            template_head(),
            *args,
        )
        assert not list(self.path.rglob("*.rej"))
        conflict = ["-e", "^<<<<<<< ", "-e", "^>>>>>>> "]
        markers = run(["git", "grep", "-l", *conflict], self.path)
        assert markers.stdout == "", markers.stdout
        if self.own_work:
            assert NICKNAME in (self.path / "my_flask_app/models.py").read_text()
            page = self.path / "my_flask_app/templates/main/index.html"
            assert "Our own page edit" in page.read_text()

    def migrate_as_documented(self):
        """README, "Keeping up with the template": join two heads, upgrade, check."""
        heads = self.flask("db", "heads")
        assert heads.count("(head)") == 2, heads  # the template's and the user's
        refused = self.attempt(PYTHON, "-m", "flask", "db", "upgrade")
        assert refused.returncode != 0
        assert "flask db merge heads" in refused.stdout + refused.stderr
        self.flask("db", "merge", "heads", "-m", "Merge the template revisions")
        self.flask("db", "upgrade")
        assert "No new upgrade operations detected" in self.flask("db", "check")

    def check_everything(self, fresh_database_url, test_database_url):
        """Rows, sign-in, lint, a fresh database from the migrations, the tests."""
        self.python(CHECK_ROWS_AND_SIGN_IN)
        self.run(PYTHON, "-m", "ruff", "check", ".")
        self.run(PYTHON, "-m", "ruff", "format", "--check", ".")
        fresh = Project(self.path, fresh_database_url)
        fresh.flask("db", "upgrade")
        assert "No new upgrade operations detected" in fresh.flask("db", "check")
        # On SQLite the whole suite, in two workers (a file per test). On a server
        # the project's tests share one database, so one worker, and only the
        # modules that use it: tests/test_databases.py runs every module of fresh
        # bakes of the same answers on PostgreSQL already.
        # pytest-benchmark, where the machine's Python carries it, warns under
        # xdist, and the project's filterwarnings = error makes that fatal.
        selection = ["-n", "2", "-p", "no:benchmark"]
        if test_database_url:
            modules = [m for m in SERVER_MODULES if (self.path / m).exists()]
            selection = ["-n", "0", *modules]
        tests = run(
            [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection],
            cwd=self.path,
            TEST_DATABASE_URL=test_database_url,
        )
        assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.server)])
def databases(request, tmp_path):
    """(the project's, a fresh one, the tests') database URLs on one server."""
    if request.param == "sqlite":
        yield (
            f"sqlite:///{tmp_path / 'project.sqlite'}",
            f"sqlite:///{tmp_path / 'fresh.sqlite'}",
            "",
        )
        return
    server = SERVERS["postgresql"]
    require(server.problem() is None, server.problem())
    with (
        server.fresh_database() as project,
        server.fresh_database() as fresh,
        server.fresh_database() as tests,
    ):
        yield server.url(project), server.url(fresh), server.url(tests)


def cruft_create(tmp_path, database_url, *args, **answers):
    """A project made by `cruft create` from this repository, committed in git."""
    database = database_url.split(":")[0].split("+")[0]
    if database != "sqlite":
        answers["database"] = database
    out = tmp_path / "out"
    created = cruft(
        tmp_path,
        "create",
        str(TEMPLATE),
        "--no-input",
        "--output-dir",
        str(out),
        "--extra-context",
        json.dumps(answers),
        *args,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    project = Project(out / "my_flask_app", database_url)
    git(project.path, "init", "-q", "-b", "main")
    project.commit("Baked")
    return project


@pytest.mark.slow  # a project's whole suite after the update
def test_a_project_of_the_first_public_commit_catches_up(tmp_path, databases):
    require(shutil.which("cruft"), "cruft is not installed (pip install cruft)")
    project_url, fresh_url, tests_url = databases
    project = cruft_create(tmp_path, project_url, "--checkout", FIRST_PUBLIC_COMMIT)
    project.flask("db", "upgrade")
    project.add_own_work()
    assert (project.path / "migrations/versions").is_dir()

    project.update()
    project.commit("cruft update")
    # The user's revision stayed where that template kept migrations: the
    # upgrade refuses and says exactly what to move (CHANGELOG.md, 2026-12-07).
    refused = project.attempt(PYTHON, "-m", "flask", "db", "upgrade")
    assert refused.returncode != 0
    moves = [
        line.split()
        for line in (refused.stdout + refused.stderr).splitlines()
        if line.startswith(("  git mv ", "  rm -r "))
    ]
    assert [move[:2] for move in moves] == [["git", "mv"], ["rm", "-r"]], moves
    for move in moves:
        project.run(*move)
    project.migrate_as_documented()
    project.check_everything(fresh_url, tests_url)


@pytest.mark.slow  # a project's whole suite after the update
def test_options_added_to_a_project_later(tmp_path, databases):
    require(shutil.which("cruft"), "cruft is not installed (pip install cruft)")
    project_url, fresh_url, tests_url = databases
    project = cruft_create(tmp_path, project_url, "--checkout", template_head())
    project.flask("db", "upgrade")
    project.add_own_work()

    project.update("--variables-to-update", json.dumps(ADD_OPTIONS))
    assert (project.path / "my_flask_app/api").is_dir()
    project.commit("Add the API, Celery and mail")
    project.migrate_as_documented()
    project.check_everything(fresh_url, tests_url)


API_ROWS = """
import os
from sqlalchemy import create_engine, text
with create_engine(os.environ["DATABASE_URL"]).begin() as connection:
    connection.execute(text(
        "INSERT INTO users (email, password_hash, created_at, api_token_hash)"
        " VALUES ('ann@example.com', 'x', CURRENT_TIMESTAMP, 'old-token')"
    ))
    connection.execute(text(
        "INSERT INTO notes (title, body, created_at, updated_at)"
        " VALUES ('Kept', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    ))
"""
API_ROWS_KEPT = """
import os
from sqlalchemy import create_engine, text
with create_engine(os.environ["DATABASE_URL"]).connect() as connection:
    rows = connection.execute(text(
        "SELECT n.title, u.email FROM notes n JOIN users u ON u.id = n.owner_id"
    )).all()
assert [tuple(row) for row in rows] == [("Kept", "ann@example.com")], rows
"""


def test_an_api_project_of_the_first_public_commit_keeps_its_notes(tmp_path, databases):
    # Notes had no owner then, and a user one token in users.api_token_hash:
    # the "api" branch gives each note the first user and drops the old column.
    require(shutil.which("cruft"), "cruft is not installed (pip install cruft)")
    project_url = databases[0]
    project = cruft_create(
        tmp_path, project_url, "--checkout", FIRST_PUBLIC_COMMIT, use_api=True
    )
    project.flask("db", "upgrade")
    project.python(API_ROWS)
    project.update()
    project.flask("db", "upgrade")
    assert "No new upgrade operations detected" in project.flask("db", "check")
    project.python(API_ROWS_KEPT)
