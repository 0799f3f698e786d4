"""Refuse bad answers and impossible combinations before anything is written."""

import json
import keyword
import re
import shlex
import sys
import unicodedata

# The answers, rendered by cookiecutter as JSON so any text survives intact.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# The options given to the `cookiecutter` command (local_extensions.py).
COMMAND_LINE = json.loads(r"""{{ command_line | tojson }}""")

BOOLEAN_OPTIONS = (
    "use_sqlalchemy",
    "use_migrate",
    "use_login",
    "use_mail",
    "use_wtf",
    "use_docker",
    "use_debugtoolbar",
    "use_api",
    "use_celery",
    "use_kubernetes",
    "use_observability",
)

# (option, what it needs): each option set to yes needs every option it names.
REQUIREMENTS = {
    "use_migrate": ("use_sqlalchemy",),
    "use_login": ("use_sqlalchemy", "use_wtf"),
    "use_kubernetes": ("use_docker",),
    "use_mail": ("use_login",),
}

WHY = {
    ("use_migrate", "use_sqlalchemy"): "migrations describe Flask-SQLAlchemy models",
    ("use_login", "use_sqlalchemy"): "accounts are stored in a users table",
    ("use_login", "use_wtf"): "the login and register forms need CSRF protection",
    ("use_kubernetes", "use_docker"): "the manifests run the Dockerfile's image",
    ("use_mail", "use_login"): "the mails reset and confirm accounts of users",
}

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# Longer names push lines such as `from <slug>.slow_queries import ...` past 88.
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
CHOICES = {
    "python_version": ("3.11", "3.12", "3.13", "3.14", "3.15"),
    "database": ("sqlite", "postgresql", "mysql"),
    "ci": ("github", "gitlab", "none"),
    "license": ("MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"),
}


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
    """Return why `slug` cannot name the package, or None if it can."""
    accepted = "a lowercase ASCII Python name: a letter, then letters, digits or _"
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        return f"project_slug={shown(slug)} is not {accepted}."
    if len(slug) > MAX_SLUG_LENGTH:
        return (
            f"project_slug={shown(slug)} is {len(slug)} characters long:"
            f" use at most {MAX_SLUG_LENGTH}."
        )
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return (
            f"project_slug={slug!r} is a Python keyword: choose another name,"
            f" e.g. {slug}_app."
        )
    if slug in RESERVED_SLUGS:
        return (
            f"project_slug={slug!r} would shadow the module or folder {slug!r}:"
            f" choose another name, e.g. {slug}_app."
        )
    return None


def check_text(option, value, max_length):
    """Return why free text `value` cannot be baked in, or None if it can."""
    accepted = f"one line of printable text, at most {max_length} characters"
    if not isinstance(value, str):
        return f"{option}={shown(value)} is not text: give {accepted}."
    for char in value:
        kind = REFUSED_CATEGORIES.get(unicodedata.category(char))
        if kind:
            return (
                f"{option}={shown(value)} contains the {kind} U+{ord(char):04X}:"
                f" give {accepted}."
            )
    if len(value) > max_length:
        return (
            f"{option}={shown(value)} is {len(value)} characters long: give {accepted}."
        )
    return None


def problems(answers):
    """List every reason the answers cannot make a working project."""
    found = [check_slug(answers["project_slug"])]
    for option, max_length in MAX_TEXT_LENGTHS.items():
        found.append(check_text(option, answers[option], max_length))
    if isinstance(answers["project_name"], str) and not answers["project_name"].strip():
        found.append(
            f"project_name={shown(answers['project_name'])} is empty:"
            " give the project a name."
        )
    email = answers["author_email"]
    if not (
        isinstance(email, str)
        and len(email) <= MAX_EMAIL_LENGTH
        and EMAIL_PATTERN.fullmatch(email)
    ):
        found.append(
            f"author_email={shown(email)} is not an email address such as"
            f" you@example.com (ASCII, at most {MAX_EMAIL_LENGTH} characters)."
        )
    version = answers["version"]
    if not (isinstance(version, str) and VERSION_PATTERN.fullmatch(version)):
        found.append(
            f"version={shown(version)} is not a PEP 440 version such as 0.1.0,"
            " 1.0rc1 or 2.0.post1."
        )
    for option in BOOLEAN_OPTIONS:
        if not isinstance(answers[option], bool):
            found.append(
                f"{option}={shown(answers[option])} must be yes or no (true/false)."
            )
    for option, accepted in CHOICES.items():
        if answers[option] not in accepted:
            found.append(
                f"{option}={shown(answers[option])} is not one of:"
                f" {', '.join(accepted)}."
            )
    for option, needs in REQUIREMENTS.items():
        for needed in needs:
            if answers[option] is True and answers[needed] is not True:
                found.append(
                    f"{option}=yes needs {needed}=yes: {WHY[option, needed]}."
                    f" Set {needed}=yes, or {option}=no."
                )
    if (
        answers["use_kubernetes"] is True
        and answers["use_sqlalchemy"] is True
        and answers["database"] == "sqlite"
    ):
        found.append(
            "use_kubernetes=yes with database=sqlite: SQLite is a file on one host,"
            " which the replicas of a Kubernetes deployment cannot share."
            " Set database=postgresql or database=mysql, or use_kubernetes=no."
        )
    return [problem for problem in found if problem]


def option_of(problem):
    """The option a problem's message starts with: `use_login` of `use_login=yes`."""
    return problem.partition("=")[0]


def kept_answers(answers, found):
    """The answers to bake with next time: each refused one fixed, or left out.

    A refused slug becomes the fix its message suggests; an option that needs
    another one the user turned off is turned off too; any other refused answer
    is left out, so the template's default applies.
    """
    kept = {
        key: value
        for key, value in answers.items()
        if not key.startswith("_") and isinstance(value, str | bool)
    }
    for problem in found:
        option = option_of(problem)
        if option == "project_slug" and ", e.g. " in problem:
            kept[option] = problem.rpartition(", e.g. ")[2].rstrip(".")
        elif option in REQUIREMENTS and " needs " in problem:
            kept[option] = False
        else:
            kept.pop(option, None)
    return kept


def rerun_command(answers, found, command_line=None):
    """One shell command that bakes again with every answer and option the user
    gave (`command_line`: the `cookiecutter` command's options, when known)."""
    words = ["cookiecutter", answers.get("_template") or "<template>", "--no-input"]
    if command_line and command_line.get("options") is not None:
        words += command_line["options"]
    elif answers.get("_checkout"):
        words += ["--checkout", answers["_checkout"]]
    for key, value in kept_answers(answers, found).items():
        words.append(f"{key}={yes_no(value) if isinstance(value, bool) else value}")
    return shlex.join(words)


def main():
    """Print every problem and a command that keeps the other answers; exit 1."""
    found = problems(ANSWERS)
    if not found:
        return 0
    command = rerun_command(ANSWERS, found, COMMAND_LINE)
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
