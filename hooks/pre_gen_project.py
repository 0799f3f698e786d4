"""Refuse bad answers and impossible combinations before anything is written."""

import json
import keyword
import re
import sys

# The answers, rendered by cookiecutter as JSON so any text survives intact.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

BOOLEAN_OPTIONS = (
    "use_sqlalchemy",
    "use_migrate",
    "use_login",
    "use_wtf",
    "use_docker",
    "use_debugtoolbar",
    "use_api",
    "use_celery",
)

# (option, what it needs): each option set to yes needs every option it names.
REQUIREMENTS = {
    "use_migrate": ("use_sqlalchemy",),
    "use_login": ("use_sqlalchemy", "use_wtf"),
}

WHY = {
    ("use_migrate", "use_sqlalchemy"): "migrations describe Flask-SQLAlchemy models",
    ("use_login", "use_sqlalchemy"): "accounts are stored in a users table",
    ("use_login", "use_wtf"): "the login and register forms need CSRF protection",
}

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# Names the package would shadow: the standard library, the project's own
# dependencies, and the folders the generated project itself contains.
RESERVED_SLUGS = set(sys.stdlib_module_names) | {
    "alembic",
    "apispec",
    "celery",
    "click",
    "dotenv",
    "email_validator",
    "flask",
    "flask_debugtoolbar",
    "flask_login",
    "flask_migrate",
    "flask_smorest",
    "flask_sqlalchemy",
    "flask_wtf",
    "gunicorn",
    "instance",
    "itsdangerous",
    "jinja2",
    "kombu",
    "marshmallow",
    "migrations",
    "psycopg",
    "pymysql",
    "pytest",
    "redis",
    "sqlalchemy",
    "static",
    "templates",
    "tests",
    "werkzeug",
    "wtforms",
}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# PEP 440, as given in its appendix (canonical public versions).
VERSION_PATTERN = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*"
    r"((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$"
)
CHOICES = {
    "python_version": ("3.11", "3.12", "3.13"),
    "database": ("sqlite", "postgresql", "mysql"),
    "ci": ("github", "gitlab", "none"),
    "license": ("MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"),
}


def yes_no(value):
    """Show a boolean answer the way the prompts ask it."""
    return "yes" if value else "no"


def check_slug(slug):
    """Return why `slug` cannot name the package, or None if it can."""
    accepted = "a lowercase ASCII Python name: a letter, then letters, digits or _"
    if not SLUG_PATTERN.match(slug):
        return f"project_slug={slug!r} is not {accepted}."
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return f"project_slug={slug!r} is a Python keyword: choose another name."
    if slug in RESERVED_SLUGS:
        return (
            f"project_slug={slug!r} would shadow the module or folder {slug!r}:"
            f" choose another name, e.g. {slug}_app."
        )
    return None


def problems(answers):
    """List every reason the answers cannot make a working project."""
    found = []
    slug_problem = check_slug(answers["project_slug"])
    if slug_problem:
        found.append(slug_problem)
    if not answers["project_name"].strip():
        found.append("project_name is empty: give the project a name.")
    if not EMAIL_PATTERN.match(answers["author_email"]):
        found.append(
            f"author_email={answers['author_email']!r} is not an email address"
            " such as you@example.com."
        )
    if not VERSION_PATTERN.match(answers["version"]):
        found.append(
            f"version={answers['version']!r} is not a PEP 440 version such as 0.1.0."
        )
    for option in BOOLEAN_OPTIONS:
        if not isinstance(answers[option], bool):
            found.append(f"{option}={answers[option]!r} must be yes or no (true/false).")
    for option, accepted in CHOICES.items():
        if answers[option] not in accepted:
            found.append(
                f"{option}={answers[option]!r} is not one of: {', '.join(accepted)}."
            )
    for option, needs in REQUIREMENTS.items():
        for needed in needs:
            if answers[option] is True and answers[needed] is not True:
                found.append(
                    f"{option}=yes needs {needed}=yes: {WHY[option, needed]}."
                    f" Set {needed}=yes, or {option}=no."
                )
    return found


def main():
    """Print every problem and exit non-zero, or exit 0 when all is well."""
    found = problems(ANSWERS)
    for problem in found:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
