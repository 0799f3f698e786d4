"""Each generated README says only what is true of its own project.

README.md alone is rendered, as cookiecutter renders it, for every valid answer
set (a few milliseconds each), and read for text that belongs to an option not
chosen, to another database, or to the template's own test lab, and for
paragraphs under the wrong heading.
"""

import itertools
import json
import re

import pytest
from cookiecutter.environment import StrictEnvironment

from tests.conftest import TEMPLATE
from tests.conftest import answers
from tests.conftest import load_hook

HOOK = load_hook("pre_gen_project")
README = (TEMPLATE / "{{cookiecutter.project_slug}}" / "README.md").read_text()


def valid_answer_sets():
    """Every combination of the yes/no options and the database that the
    pre-generation hook accepts, with the other answers at their defaults.

    (A local helper: tests/combinations.py derives the same sets for baking.)
    """
    defaults = answers()
    options = HOOK.BOOLEAN_OPTIONS
    found = []
    for values in itertools.product((True, False), repeat=len(options)):
        for database in HOOK.CHOICES["database"]:
            chosen = dict(zip(options, values, strict=True))
            candidate = {**defaults, **chosen, "database": database}
            if not candidate["use_sqlalchemy"] and database != "sqlite":
                continue  # the database answer is unused without SQLAlchemy
            if not HOOK.problems(candidate):
                found.append(candidate)
    return found


ANSWER_SETS = valid_answer_sets()

# (option, its value) -> phrases that must not appear when the option has that
# value; (None, None) applies to every answer set.
FORBIDDEN = {
    (None, None): [
        "The template's own test suite",
        "network namespaces",
        "cookiecutter.",
    ],
    ("use_sqlalchemy", False): [
        "DATABASE_URL",
        "SQLite",
        "flask db",
        "init-db",
        "models.py",
        "requests/s",  # measured on a project with a database
    ],
    ("use_migrate", False): ["flask db ", "migrations/", "RUN_MIGRATIONS"],
    ("use_wtf", False): ["FlaskForm", "_form.html", "CSRF"],
    ("use_login", False): [
        "## Accounts",
        "user_sessions",
        "FLASK_LOGIN_RATE_LIMIT",
        "auth/",
        "Log out everywhere",
    ],
    ("use_login", True): ["Sessions live in signed cookies"],
    ("use_mail", False): ["FLASK_MAIL_", "## Mail", "mailer.py", "Flask-Mailman"],
    ("use_docker", False): [
        "Dockerfile",
        "docker ",
        "compose.yaml",
        "dev container",
        ".devcontainer",
    ],
    ("use_kubernetes", False): ["kubectl", "deploy/kubernetes", "### Kubernetes"],
    ("use_debugtoolbar", False): ["DebugToolbar"],
    ("use_api", False): ["/api/v1", "## JSON API", "flask-smorest", "marshmallow"],
    ("use_celery", False): ["Celery", "REDIS_URL", "celery "],
    ("use_observability", False): [
        "## Observability",
        "METRICS_BIND",
        "SENTRY_DSN",
        "OTEL_",
        "X-Request-ID",
    ],
    ("database", "sqlite"): [
        "createdb",
        "mysql -h",
        "TEST_DATABASE_URL",
        "psycopg",
        "PyMySQL",
    ],
    ("database", "postgresql"): [
        "queries SQLite",
        "SQLite file in",
        "SQLite is a file",
        "requests/s on",  # the serving figures were measured on SQLite
        "mysql",
        "MySQL",
    ],
    ("database", "mysql"): [
        "queries SQLite",
        "SQLite file in",
        "SQLite is a file",
        "requests/s on",
        "postgresql",
        "PostgreSQL",
        "psycopg",
    ],
}

# Paragraphs that belong under one heading: (phrase, the `## ` heading above it).
HEADINGS = [
    ("pre-commit runs ruff", "Develop"),
    ("Or work in a dev container", "Develop"),
    ('`pytest -m "not slow"` leaves out', "Develop"),
    ("Registration, login, logout", "Accounts"),
    ("Forgot your password", "Mail: password reset and address confirmation"),
]


def readme_template():
    """README.md compiled once, in the environment cookiecutter renders it in."""
    context = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    env = StrictEnvironment(
        context={"cookiecutter": context}, keep_trailing_newline=True
    )
    return env.from_string(README)


def heading_of(readme, phrase):
    """The `## ` heading of the section where `phrase` first appears."""
    before = readme[: readme.index(phrase)]
    return re.findall(r"^## (.+)$", before, re.M)[-1]


def test_every_valid_answer_set_is_read():
    # The counts the options allow today; a new option or rule changes them:
    # 480 valid yes/no combinations, 1120 with each database where it is used.
    yes_no = {tuple(a[option] for option in HOOK.BOOLEAN_OPTIONS) for a in ANSWER_SETS}
    assert (len(yes_no), len(ANSWER_SETS)) == (480, 1120)


@pytest.fixture(scope="module")
def rendered():
    """(answer set, README) for every valid answer set."""
    template = readme_template()
    return [(a, template.render(cookiecutter=a)) for a in ANSWER_SETS]


@pytest.mark.parametrize(("option", "value"), list(FORBIDDEN), ids=lambda v: str(v))
def test_readme_names_only_what_the_project_has(rendered, option, value):
    wrong = []
    for answer_set, readme in rendered:
        if option is not None and answer_set[option] != value:
            continue
        if option == "database" and not answer_set["use_sqlalchemy"]:
            continue
        for phrase in FORBIDDEN[option, value]:
            if phrase in readme:
                chosen = {k: v for k, v in answer_set.items() if k.startswith("use_")}
                wrong.append(
                    f"{phrase!r} with {option}={value}, database="
                    f"{answer_set['database']}, {chosen}"
                )
    assert not wrong, f"{len(wrong)} misplaced phrases, e.g.:\n" + "\n".join(wrong[:5])


def test_paragraphs_sit_under_their_heading(rendered):
    wrong = []
    for _, readme in rendered:
        for phrase, heading in HEADINGS:
            if phrase in readme and heading_of(readme, phrase) != heading:
                wrong.append(f"{phrase!r} under {heading_of(readme, phrase)!r}")
    assert not wrong, sorted(set(wrong))
