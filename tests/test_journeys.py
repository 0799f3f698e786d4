"""A user's first weeks with a baked project, as data: each journey is a list of
steps (tests/support/journeys.py runs them) and what must hold afterwards."""

import contextlib
import json
import re
import shlex
import subprocess
import sys

import pytest

from tests.support.baking import TEMPLATE
from tests.support.database_servers import SERVERS
from tests.support.journeys import Journey
from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.machine import redis_answers
from tests.support.machine import require

CHECKS = [
    ("sh", "ruff check ."),
    ("sh", "ruff format --check ."),
    ("sh", "pytest -q -p no:cacheprovider"),
]

# Follow the next steps the bake printed.
FIRST_DAY = [("printed",)]
# Or follow the README instead, section by section.
FIRST_DAY_BY_THE_README = [
    ("readme", "Install"),
    ("readme", "Set up the database"),
    ("readme", "Run"),
    ("readme", "Develop"),
]

# A column on a model and a new model, migrated; the project's own checks pass.
FIRST_MODEL_CHANGE = [
    (
        "edit",
        "{slug}/models.py",
        "body: Mapped[str] = mapped_column(String(500))",
        "    topic: Mapped[str | None] = mapped_column(String(40))\n",
    ),
    (
        "append",
        "{slug}/models.py",
        '\n\nclass Tag(db.Model):\n    """A label that messages can carry."""\n\n'
        '    __tablename__ = "tags"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    name: Mapped[str] = mapped_column(String(40), unique=True)\n",
    ),
    ("sh", 'flask db migrate -m "add message topics and tags"'),
    ("get", "/readyz", 503, "migrations pending"),
    ("sh", "flask db upgrade"),
    ("get", "/readyz", 200, '"ready"'),
    ("sh", "flask db check"),
    *CHECKS,
]

# A page, a form and a blueprint, where the README's "Where to add" says.
PAGE_FORM_BLUEPRINT = [
    (
        "append",
        "{slug}/main/routes.py",
        '\n\n@bp.get("/about")\ndef about():\n    """Say what this site is for."""\n'
        '    return render_template("main/about.html")\n',
    ),
    (
        "write",
        "{slug}/templates/main/about.html",
        '{% extends "base.html" %}\n{% block title %}About{% endblock %}\n'
        "{% block content %}\n<h1>About</h1>\n<p>What this site is for.</p>\n"
        "{% endblock %}\n",
    ),
    (
        "append",
        "tests/test_main.py",
        '\n\ndef test_about_page(client):\n    response = client.get("/about")\n'
        '    assert b"<h1>About</h1>" in response.data\n',
    ),
    (
        "append",
        "{slug}/main/forms.py",
        "\n\nclass ContactForm(FlaskForm):\n"
        '    """A question for the site\'s owner."""\n\n'
        '    email = StringField("Your email", validators=[DataRequired()])\n'
        '    question = TextAreaField("Question", validators=[DataRequired()])\n'
        '    submit = SubmitField("Ask")\n',
    ),
    (
        "edit",
        "{slug}/main/routes.py",
        ".main.forms import MessageForm",
        "from {slug}.main.forms import ContactForm\n",
    ),
    (
        "append",
        "{slug}/main/routes.py",
        '\n\n@bp.route("/contact", methods=["GET", "POST"])\ndef contact():\n'
        '    """Show the contact form; on a valid POST, thank the visitor."""\n'
        "    form = ContactForm()\n    if form.validate_on_submit():\n"
        '        flash("Thanks! We will answer soon.", "success")\n'
        '        return redirect(url_for("main.index"))\n'
        '    return render_template("main/contact.html", form=form)\n',
    ),
    (
        "write",
        "{slug}/templates/main/contact.html",
        '{% extends "base.html" %}\n{% from "_form.html" import field %}\n'
        "{% block title %}Contact{% endblock %}\n{% block content %}\n"
        '<form method="post" novalidate>\n  {{ form.hidden_tag() }}\n'
        '  {{ field(form.email, autocomplete="email") }}\n'
        "  {{ field(form.question) }}\n"
        '  {{ form.submit(class_="button") }}\n</form>\n{% endblock %}\n',
    ),
    (
        "append",
        "tests/test_main.py",
        "\n\ndef test_contact_form(client):\n"
        '    assert b\'<label for="question">\' in client.get("/contact").data\n'
        '    form = {"email": "a@b.c", "question": "?"}\n'
        '    answer = client.post("/contact", data=form)\n'
        "    assert answer.status_code == 302\n",
    ),
    (
        "write",
        "{slug}/blog/__init__.py",
        '"""The blog: posts and their pages."""\n\nfrom flask import Blueprint\n\n'
        'bp = Blueprint("blog", __name__)\n\n'
        "from {slug}.blog import routes  # noqa: E402, F401\n",
    ),
    (
        "write",
        "{slug}/blog/routes.py",
        '"""Views of the blog blueprint."""\n\nfrom flask import render_template\n\n'
        "from {slug}.blog import bp\n\n\n"
        '@bp.get("/")\ndef index():\n'
        '    """List the posts."""\n    return render_template("blog/index.html")\n',
    ),
    (
        "write",
        "{slug}/templates/blog/index.html",
        '{% extends "base.html" %}\n{% block title %}Blog{% endblock %}\n'
        "{% block content %}\n<h1>Blog</h1>\n{% endblock %}\n",
    ),
    (
        "edit",
        "{slug}/__init__.py",
        ".main import bp as main_bp",
        "from {slug}.blog import bp as blog_bp\n",
    ),
    (
        "edit",
        "{slug}/__init__.py",
        "app.register_blueprint(main_bp)",
        '    app.register_blueprint(blog_bp, url_prefix="/blog")\n',
    ),
    (
        "write",
        "tests/test_blog.py",
        '"""The blog blueprint."""\n\n\ndef test_blog_index(client):\n'
        '    assert b"<h1>Blog</h1>" in client.get("/blog/").data\n',
    ),
    # A person's editor (or they) sort the imports and format before checking.
    ("sh", "ruff check --fix --quiet . && ruff format --quiet ."),
    *CHECKS,
    ("get", "/about", 200, "<h1>About</h1>"),
    ("get", "/contact", 200, 'for="question"'),
    ("get", "/blog/", 200, "<h1>Blog</h1>"),
]

# A task where the README says; a worker started as printed runs it with the web
# app's settings (read from .env by both).
A_TASK_ON_THE_WORKER = [
    # Redis database 12: no other test's worker takes these jobs.
    ("replace", ".env", "REDIS_URL=", "REDIS_URL=redis://127.0.0.1:6379/12\n"),
    (
        "edit",
        "{slug}/tasks.py",
        "from celery import ",
        "from flask import current_app\n",
    ),
    (
        "append",
        "{slug}/tasks.py",
        "\n\n@shared_task(ignore_result=False)\ndef database_in_use():\n"
        '    """The database this worker\'s app uses."""\n'
        '    return current_app.config["SQLALCHEMY_DATABASE_URI"]\n',
    ),
    # The editor sorts the new import in with the others, as with the page above.
    ("sh", "ruff check --fix --quiet . && ruff format --quiet ."),
    ("worker", "database_in_use", 'app.config["SQLALCHEMY_DATABASE_URI"]'),
]

# (id, answers, database server or None, journeys in the order a user meets them).
PROJECTS = [
    pytest.param(
        {},
        None,
        [FIRST_DAY, FIRST_MODEL_CHANGE, PAGE_FORM_BLUEPRINT],
        id="sqlite",
    ),
    pytest.param(
        {"database": "postgresql", "use_celery": True, "use_api": True},
        "postgresql",
        [FIRST_DAY, A_TASK_ON_THE_WORKER, FIRST_MODEL_CHANGE],
        id="postgresql-celery-api",
    ),
    pytest.param(
        {"database": "mysql", "use_docker": False},
        "mysql",
        [FIRST_DAY_BY_THE_README, FIRST_MODEL_CHANGE],
        id="mysql",
    ),
]


@contextlib.contextmanager
def dropped_before_and_after(kind, name):
    """The user's database `name` on the `kind` server: absent at the start (the
    user creates it), dropped at the end."""
    if kind is None:
        yield
        return
    server = SERVERS[kind]
    problem = server.problem()
    require(problem is None, problem)
    server.drop(name)
    try:
        yield server
    finally:
        server.drop(name)


@pytest.mark.server
@pytest.mark.parametrize(("answers", "kind", "journeys"), PROJECTS)
def test_first_weeks(tmp_path, answers, kind, journeys):
    if answers.get("use_celery"):
        require(
            redis_answers("redis://127.0.0.1:6379/12"),
            "no Redis server answers on 127.0.0.1:6379",
        )
    slug = f"journey_{kind or 'sqlite'}"
    with dropped_before_and_after(kind, slug) as server:
        journey = Journey.start(tmp_path, project_slug=slug, **answers)
        project = journey.project
        for steps in journeys:
            journey.run(steps)
        print(f"{slug}: " + " | ".join(journey.log))
        # The steps migrated the chosen server, never a SQLite file on the side.
        assert list(project.glob("instance/*.sqlite")) == (
            [] if server else [project / "instance" / f"{slug}.sqlite"]
        )
        if server:
            assert {"alembic_version", "messages", "users", "tags"} <= server.tables(
                slug
            )


@pytest.mark.server
def test_a_wheel_install_applies_its_migrations(tmp_path):
    # As the container does: `pip install .`, then run from anywhere else.
    journey = Journey.start(tmp_path, project_slug="journey_wheel")
    venv = tmp_path / "venv"
    journey.sh(f"{PYTHON} -m venv --system-site-packages {venv}")
    journey.sh(f"{venv}/bin/pip install -q --no-deps --no-build-isolation .")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    journey.project = elsewhere  # nothing of the source tree is importable here
    journey.flask = "python -m flask"  # the virtualenv's Python, not a system script
    journey.env = clean_env(
        FLASK_APP="journey_wheel",
        FLASK_SECRET_KEY="0123456789abcdef" * 4,
        DATABASE_URL=f"sqlite:///{elsewhere / 'app.sqlite'}",
        PATH=f"{venv}/bin:{clean_env()['PATH']}",
    )
    where = journey.sh(
        "python -c 'import journey_wheel; print(journey_wheel.__file__)'"
    )
    assert where.startswith(str(venv)), where
    journey.step_get("/readyz", 503, "migrations pending")
    journey.sh("python -m flask db upgrade")
    journey.step_get("/readyz", 200, '"ready"')
    print(" | ".join(journey.log))


def bake_interactively(cwd, answers, *options, **env):
    """Run `cookiecutter <template> *options` and answer its questions, as typed
    lines on its standard input, from `answers` (Enter, for the default, where it
    has none); return the exit status and what the user saw.

    The questions must come in cookiecutter.json's order: each one is looked for
    after the previous one in the output.
    """
    prompts = json.loads((TEMPLATE / "cookiecutter.json").read_text())["__prompts__"]
    typed = "".join(f"{answers.get(key, '')}\n" for key in prompts)
    done = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(TEMPLATE), *options],
        input=typed,
        cwd=cwd,
        env=clean_env(COLUMNS="500", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stdout).replace("\r", "")
    position = 0
    for prompt in prompts.values():
        text = prompt if isinstance(prompt, str) else prompt["__prompt__"]
        position = shown.index(text, position)  # in this order, or ValueError
    return done.returncode, shown


def test_interactive_bake_keeps_the_answers_of_a_refusal(tmp_path):
    prompts = json.loads((TEMPLATE / "cookiecutter.json").read_text())["__prompts__"]
    # The order a user meets the questions in: each after what it depends on.
    asked = list(prompts)
    assert asked.index("use_sqlalchemy") < asked.index("database")
    assert asked.index("use_sqlalchemy") < asked.index("use_migrate")
    assert asked.index("use_wtf") < asked.index("use_login")
    answers = {"project_name": "Test", "author_email": "ada at example", "use_api": "y"}
    # Options the next command must keep: where to write, and to overwrite there.
    (tmp_path / "out" / "test_app").mkdir(parents=True)
    status, shown = bake_interactively(tmp_path, answers, "-o", "out", "-f")
    assert status == 1
    lines = [line for line in shown.splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if "ERROR: " in line)
    lines[first] = lines[first][lines[first].index("ERROR: ") :]  # after the prompts
    # What the user reads first: the reasons, then the command that keeps the rest.
    assert lines[first].startswith("ERROR: project_slug='test' would shadow")
    assert lines[first + 1].startswith("ERROR: author_email='ada at example'")
    command = lines[first + 3].strip()
    assert command.startswith("cookiecutter ")
    assert lines[first + 5] == command  # repeated as the hook's last line
    # What follows is cookiecutter's own report, ending its output.
    assert "Traceback" in lines[first + 6] or "hook script" in lines[first + 6]
    print("\n".join(lines[first:]))
    words = shlex.split(command)
    assert words[1] == str(TEMPLATE)
    assert words[2:6] == ["--no-input", "-f", "-o", "out"]
    assert "project_name=Test" in words and "use_api=yes" in words
    again = subprocess.run(
        words,
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Your project is ready in ./out/test_app" in again.stdout
    assert (tmp_path / "out" / "test_app" / "test_app" / "api").is_dir()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # No database: no migrations, no accounts, and so no mail.
        pytest.param(
            {"use_sqlalchemy": "n"},
            {"use_migrate": False, "use_login": False, "use_mail": False},
            id="no-sqlalchemy",
        ),
        # No forms: no accounts (their forms need CSRF); migrations stay.
        pytest.param(
            {"use_wtf": "n"},
            {"use_migrate": True, "use_login": False, "use_mail": False},
            id="no-wtf",
        ),
    ],
)
def test_interactive_defaults_follow_earlier_answers(tmp_path, answer, expected):
    prompts = json.loads((TEMPLATE / "cookiecutter.json").read_text())["__prompts__"]
    # Enter at every later question: its default follows the answers it needs.
    home = tmp_path / "home"  # cookiecutter's replay of the answers goes here
    status, shown = bake_interactively(
        tmp_path, {"project_slug": "follows", **answer}, HOME=str(home)
    )
    assert status == 0, shown
    for option, value in expected.items():  # the default each question offered
        question = prompts[option]
        offered = re.search(re.escape(question) + r" \[y/n\] \((y|n)\)", shown)
        assert offered and offered[1] == ("y" if value else "n"), option
    (replay,) = (home / ".cookiecutter_replay").glob("*.json")
    answers = json.loads(replay.read_text())["cookiecutter"]
    # Real booleans, as .cruft.json and `cruft update` keep them.
    assert {key: answers[key] for key in expected} == expected
    project = tmp_path / "follows"
    assert (project / "follows" / "auth").exists() is False
    assert (project / "follows" / "migrations").exists() is expected["use_migrate"]


def test_a_name_starting_with_a_digit_bakes(tmp_path):
    journey = Journey.start(tmp_path, project_name="2048 Game")
    assert journey.project.name == "app_2048_game"
    assert "cd app_2048_game" in journey.printed
    journey.sh("python -c 'import app_2048_game' && ruff check .")
