"""Refuse bad answers and impossible combinations before anything is written."""

import json
import keyword
import re
import shlex
import sys
import unicodedata
from typing import NamedTuple

# The answers, rendered by cookiecutter as JSON so any text survives intact.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# The options given to the `cookiecutter` command (local_extensions.py).
COMMAND_LINE = json.loads(r"""{{ command_line | tojson }}""")
# cookiecutter.json as written (local_extensions.py), the one list of options:
# a yes/no option's value is a boolean, a choice's the list of its values. It is
# missing in one case: `cruft update` of a project made before local_extensions.py
# gave it. cruft renders the project's own template version first, in the same
# process, and Python keeps the local_extensions.py imported then; the answers
# it replays were checked when the project was made.
QUESTIONS = dict(json.loads(r"""{{ cookiecutter_json | default([]) | tojson }}"""))
BOOLEAN_OPTIONS = tuple(
    name for name, value in QUESTIONS.items() if isinstance(value, bool)
)
CHOICES = {
    name: tuple(value) for name, value in QUESTIONS.items() if isinstance(value, list)
}

# (option, needs, why): the option answered yes needs the other one answered yes.
RULES = (
    ("use_migrate", "use_sqlalchemy", "migrations describe Flask-SQLAlchemy models"),
    ("use_login", "use_sqlalchemy", "accounts are stored in a users table"),
    ("use_login", "use_wtf", "the login and register forms need CSRF protection"),
    ("use_kubernetes", "use_docker", "the manifests run the Dockerfile's image"),
    ("use_mail", "use_login", "the mails reset and confirm accounts of users"),
)


class Refusal(NamedTuple):
    """One refused answer: its option, the message, the answer to bake with instead."""

    option: str
    message: str
    fix: str | bool | None = None  # None: leave the answer out, its default applies


SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# The package's name is typed in every import and command, and names what is
# made from it: the database, the Docker image and, with dashes, the Kubernetes
# objects. The longest of those, the CronJob `<slug>-session-cleanup`, may have
# 52 characters (Kubernetes adds 11 to name its Jobs), which allows 36; 32 keeps
# room for a longer object name and is still more than a name people type.
MAX_SLUG_LENGTH = 32
# Names the package would shadow: the standard library, the modules the project
# installs (its dependencies and theirs), and the folders the project contains.
RESERVED_SLUGS = set(sys.stdlib_module_names) | {
    "alembic",
    "apispec",
    "blinker",
    "celery",
    "certifi",
    "charset_normalizer",
    "click",
    "conftest",
    "coverage",
    "deprecated",
    "dns",
    "dotenv",
    "email_validator",
    "flask",
    "flask_debugtoolbar",
    "flask_limiter",
    "flask_login",
    "flask_mailman",
    "flask_migrate",
    "flask_smorest",
    "flask_sqlalchemy",
    "flask_wtf",
    "google",
    "greenlet",
    "gunicorn",
    "hatchling",
    "idna",
    "iniconfig",
    "instance",
    "itsdangerous",
    "jinja2",
    "kombu",
    "limits",
    "mako",
    "markupsafe",
    "marshmallow",
    "migrations",
    "opentelemetry",
    "ordered_set",
    "packaging",
    "pluggy",
    "prometheus_client",
    "psycopg",
    "psycopg_binary",
    "pygments",
    "pymysql",
    "pytest",
    "pytest_cov",
    "pythonjsonlogger",
    "redis",
    "requests",
    "ruff",
    "sentry_sdk",
    "sqlalchemy",
    "static",
    "templates",
    # The standard library's own tests: not in sys.stdlib_module_names, yet a
    # package named `test` is shadowed by it, so the project's tests cannot import.
    "test",
    "tests",
    "typing_extensions",
    "tzdata",
    "urllib3",
    "werkzeug",
    "wrapt",
    "wtforms",
}
# A plausible address: the characters RFC 5322 allows unquoted before the @, then
# a domain of dot-separated labels of ASCII letters, digits and inner hyphens.
EMAIL_LOCAL = r"[A-Za-z0-9.!#$%&'*+/=?^_`|~{}-]+"
EMAIL_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL_PATTERN = re.compile(
    EMAIL_LOCAL + "@" + EMAIL_LABEL + r"(\." + EMAIL_LABEL + ")+"
)
MAX_EMAIL_LENGTH = 254
# Free text lands in pyproject.toml, README.md, LICENSE and the HTML pages: one
# line of printable text, of a length that fits a title or a summary.
MAX_TEXT_LENGTHS = {"project_name": 80, "author_name": 100, "description": 300}
# Unicode categories refused in free text: control characters (tab, newline,
# NUL, DEL, ...), lone surrogates, line and paragraph separators.
REFUSED_CATEGORIES = {
    "Cc": "control character",
    "Cs": "lone surrogate",
    "Zl": "line separator",
    "Zp": "paragraph separator",
}
# PEP 440, the regular expression its appendix gives for any valid version (as
# written: `1.0-beta`, `v2.0`, `1.0.post1`, `2!1.0`, `1.0+local`), without the
# surrounding whitespace it tolerates. The packaging library may be missing here.
VERSION_PATTERN = re.compile(
    r"""
    v?
    (?:
        (?:(?P<epoch>[0-9]+)!)?
        (?P<release>[0-9]+(?:\.[0-9]+)*)
        (?P<pre>[-_\.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?P<pre_n>[0-9]+)?)?
        (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?
        (?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?
    )
    (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?
    """,
    re.VERBOSE | re.IGNORECASE,
)


def yes_no(value):
    """Show a boolean answer the way the prompts ask it."""
    return "yes" if value else "no"


def shown(value, limit=60):
    """The answer as the message quotes it: its repr, cut short when long."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(value)} characters)"


def check_slug(slug):
    """Return a Refusal of `slug` as the package's name, or None if it can be."""
    accepted = "a lowercase ASCII Python name: a letter, then letters, digits or _"
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        return Refusal("project_slug", f"project_slug={shown(slug)} is not {accepted}.")
    if len(slug) > MAX_SLUG_LENGTH:
        return Refusal(
            "project_slug",
            f"project_slug={shown(slug)} is {len(slug)} characters long:"
            f" use at most {MAX_SLUG_LENGTH}.",
        )
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        why = "is a Python keyword"
    elif slug in RESERVED_SLUGS:
        why = f"would shadow the module or folder {slug!r}"
    else:
        return None
    fix = f"{slug}_app"
    return Refusal(
        "project_slug",
        f"project_slug={slug!r} {why}: choose another name, e.g. {fix}.",
        fix,
    )


def check_text(option, value, max_length):
    """Return a Refusal of free text `value`, or None if it can be baked in."""
    accepted = f"one line of printable text, at most {max_length} characters"
    if not isinstance(value, str):
        return Refusal(option, f"{option}={shown(value)} is not text: give {accepted}.")
    for char in value:
        kind = REFUSED_CATEGORIES.get(unicodedata.category(char))
        if kind:
            return Refusal(
                option,
                f"{option}={shown(value)} contains the {kind} U+{ord(char):04X}:"
                f" give {accepted}.",
            )
    if len(value) > max_length:
        return Refusal(
            option,
            f"{option}={shown(value)} is {len(value)} characters long:"
            f" give {accepted}.",
        )
    return None


def refusals(answers):
    """Every reason the answers cannot make a working project, as Refusals."""
    found = [check_slug(answers["project_slug"])]
    for option, max_length in MAX_TEXT_LENGTHS.items():
        found.append(check_text(option, answers[option], max_length))
    name = answers["project_name"]
    if isinstance(name, str) and not name.strip():
        found.append(
            Refusal(
                "project_name",
                f"project_name={shown(name)} is empty: give the project a name.",
            )
        )
    email = answers["author_email"]
    if not (
        isinstance(email, str)
        and len(email) <= MAX_EMAIL_LENGTH
        and EMAIL_PATTERN.fullmatch(email)
    ):
        found.append(
            Refusal(
                "author_email",
                f"author_email={shown(email)} is not an email address such as"
                f" you@example.com (ASCII, at most {MAX_EMAIL_LENGTH} characters).",
            )
        )
    version = answers["version"]
    if not (isinstance(version, str) and VERSION_PATTERN.fullmatch(version)):
        found.append(
            Refusal(
                "version",
                f"version={shown(version)} is not a PEP 440 version such as 0.1.0,"
                " 1.0rc1 or 2.0.post1.",
            )
        )
    for option in BOOLEAN_OPTIONS:
        if not isinstance(answers[option], bool):
            found.append(
                Refusal(
                    option,
                    f"{option}={shown(answers[option])} must be yes or no"
                    " (true/false).",
                )
            )
    for option, accepted in CHOICES.items():
        if answers[option] not in accepted:
            found.append(
                Refusal(
                    option,
                    f"{option}={shown(answers[option])} is not one of:"
                    f" {', '.join(accepted)}.",
                )
            )
    for option, needed, why in RULES:
        if answers[option] is True and answers[needed] is not True:
            found.append(
                Refusal(
                    option,
                    f"{option}=yes needs {needed}=yes: {why}."
                    f" Set {needed}=yes, or {option}=no.",
                    False,  # turned off with what it needs
                )
            )
    if (
        answers["use_kubernetes"] is True
        and answers["use_sqlalchemy"] is True
        and answers["database"] == "sqlite"
    ):
        found.append(
            Refusal(
                "use_kubernetes",
                "use_kubernetes=yes with database=sqlite: SQLite is a file on one"
                " host, which the replicas of a Kubernetes deployment cannot share."
                " Set database=postgresql or database=mysql, or use_kubernetes=no.",
            )
        )
    return [refusal for refusal in found if refusal]


def problems(answers):
    """The message of every refusal, each starting with `<option>=`."""
    return [refusal.message for refusal in refusals(answers)]


def kept_answers(answers):
    """The answers to bake with next time: each refused one fixed, or left out."""
    kept = {
        key: value
        for key, value in answers.items()
        if not key.startswith("_") and isinstance(value, str | bool)
    }
    for refusal in refusals(answers):
        if refusal.fix is None:
            kept.pop(refusal.option, None)
        else:
            kept[refusal.option] = refusal.fix
    return kept


def rerun_command(answers, command_line=None):
    """One shell command that bakes again with every answer and option the user
    gave (`command_line`: the `cookiecutter` command's options, when known)."""
    words = ["cookiecutter", answers.get("_template") or "<template>", "--no-input"]
    if command_line and command_line.get("options") is not None:
        words += command_line["options"]
    elif answers.get("_checkout"):
        words += ["--checkout", answers["_checkout"]]
    for key, value in kept_answers(answers).items():
        words.append(f"{key}={yes_no(value) if isinstance(value, bool) else value}")
    return shlex.join(words)


def main():
    """Print every problem and a command that keeps the other answers; exit 1."""
    found = problems(ANSWERS)
    if not found:
        return 0
    command = rerun_command(ANSWERS, COMMAND_LINE)
    lines = [f"ERROR: {problem}" for problem in found]
    lines += [
        "Nothing was written. To bake again with your other answers kept, run:",
        f"  {command}",
        "cookiecutter's report of the stopped hook follows. The command again:",
        command,
    ]
    print("\n".join(lines), file=sys.stderr, flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
