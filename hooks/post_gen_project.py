"""Prune the generated project down to the options chosen, then print next steps."""

import json
import os
import shlex
import shutil
import sys
from pathlib import Path

# The answers, rendered by cookiecutter as JSON so any text survives intact.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# The options given to the `cookiecutter` command (local_extensions.py).
COMMAND_LINE = json.loads(r"""{{ command_line | tojson }}""")

# Each option owns the paths listed under it. A list is owned by a yes/no option
# and kept when the answer is yes; a dict maps each answer of an option to the
# paths it keeps. A path listed under several options survives only when every
# one of them keeps it. "{slug}" stands for the package name.
MANIFEST = {
    "use_sqlalchemy": [
        "{slug}/models.py",
        "{slug}/slow_queries.py",
        "{slug}/templates/errors/503.html",
        "tests/test_slow_queries.py",
        "{slug}/commands.py",
        "tests/test_models.py",
        "tests/test_commands.py",
        "deploy/kubernetes/migrate-job.yaml",
    ],
    "use_migrate": {
        True: [
            "{slug}/migrations",
            "tests/test_migrations.py",
            "docker-entrypoint.sh",
        ],
        False: ["{slug}/commands.py", "tests/test_commands.py"],
    },
    "use_login": [
        "{slug}/api/tokens.py",
        "{slug}/auth",
        "{slug}/templates/auth",
        "tests/test_auth.py",
        "tests/test_limits.py",
        "deploy/kubernetes/session-cleanup.yaml",
    ],
    "use_mail": [
        "{slug}/mailer.py",
        "{slug}/auth/emails.py",
        "{slug}/auth/recovery.py",
        "{slug}/templates/mail",
        "{slug}/templates/auth/_email_status.html",
        "{slug}/templates/auth/_forgot.html",
        "{slug}/templates/auth/reset_request.html",
        "{slug}/templates/auth/reset_password.html",
        "tests/test_mail.py",
        "{slug}/migrations/versions/mail_0001_email_confirmed_at.py",
        "{slug}/migrations/versions/0003_merge_api_mail.py",
    ],
    "use_wtf": [
        "{slug}/main/forms.py",
        "{slug}/templates/_form.html",
        "{slug}/templates/main/new_message.html",
        "{slug}/templates/main/_nav.html",
        "{slug}/templates/main/_write_button.html",
        "tests/test_messages.py",
        "tests/test_extensions.py",
    ],
    "use_docker": [
        "Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "docker-entrypoint.sh",
        ".devcontainer",
    ],
    "use_debugtoolbar": ["tests/test_debugtoolbar.py"],
    "use_api": [
        "{slug}/api",
        "tests/test_api.py",
        "{slug}/migrations/versions/api_0001_notes.py",
        "{slug}/migrations/versions/0003_merge_api_mail.py",
    ],
    "use_celery": [
        "{slug}/tasks.py",
        "tests/test_tasks.py",
        "deploy/kubernetes/worker.yaml",
    ],
    "use_kubernetes": ["deploy"],
    "ci": {
        "github": [".github", ".github/workflows/template-update.yml"],
        "gitlab": [".gitlab-ci.yml", "renovate.json"],
    },
}


def owned_paths(manifest, slug):
    """Map every path named in the manifest to the (option, answer) pairs keeping it."""
    owners = {}
    for option, entry in manifest.items():
        by_answer = entry if isinstance(entry, dict) else {True: entry}
        for answer, paths in by_answer.items():
            for path in paths:
                owners.setdefault(path.format(slug=slug), []).append((option, answer))
    return owners


def unwanted_paths(manifest, answers):
    """Return the paths whose owning options were not chosen, sorted."""
    owners = owned_paths(manifest, answers["project_slug"])
    return sorted(
        path
        for path, keepers in owners.items()
        if any(answers[option] != answer for option, answer in keepers)
    )


def remove(path):
    """Delete a file or a whole folder, if it is there."""
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def remove_empty_folders(root):
    """Delete folders left empty by the pruning, deepest first."""
    for folder in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


# How to create the project's database on a local server, per database choice:
# the URL that .env.example sets, and the command that creates what it names.
CREATE_DATABASE = {
    "postgresql": "createdb -h 127.0.0.1 -U postgres {slug}",
    "mysql": (
        'mysql -h 127.0.0.1 -u root -e "CREATE DATABASE {slug} CHARACTER SET utf8mb4"'
    ),
}

DATABASE_NAMES = {"postgresql": "PostgreSQL", "mysql": "MySQL"}


def project_path(answers, command_line):
    """The project folder as the user reaches it from where they typed the command.

    `-o` as they typed it, joined with the folder's name, unless that is a
    relative path longer than the absolute one; then (and when cookiecutter ran
    as a library, so that `-o` is unknown) the absolute path.
    """
    slug = answers["project_slug"]
    absolute = os.getcwd()  # cookiecutter runs this hook in the project folder
    typed = (command_line or {}).get("output_dir")
    if typed is None:
        return absolute
    as_typed = os.path.normpath(os.path.join(typed, slug))
    if not os.path.isabs(as_typed) and len(as_typed) > len(absolute):
        return absolute
    return as_typed


def shown_path(path):
    """`path` as a sentence shows it: `./name` rather than a bare `name`."""
    return path if path.startswith((".", os.sep)) else os.path.join(".", path)


def python3():
    """The name of the user's Python 3: `python3`, which Debian and Ubuntu have
    without `python`; `python` where only that exists."""
    if shutil.which("python3") or not shutil.which("python"):
        return "python3"
    return "python"


def next_steps(answers, command_line=None):
    """The commands a user runs next, as text: each command on a line indented
    by two spaces, exactly as it is to be typed; notes unindented."""
    slug = answers["project_slug"]
    database = answers["database"] if answers["use_sqlalchemy"] else None
    folder = project_path(answers, command_line)
    lines = [
        f"Your project is ready in {shown_path(folder)}. Next steps:",
        f"  cd {shlex.quote(folder)}",
        f"  {python3()} -m venv .venv && . .venv/bin/activate",
        "  pip install --require-hashes -r requirements-dev.lock"
        " && pip install --no-deps -e .",
        "  cp .env.example .env",
    ]
    if database in CREATE_DATABASE:
        lines += [
            "  " + CREATE_DATABASE[database].format(slug=slug),
            f"(DATABASE_URL in .env names this {DATABASE_NAMES[database]} database:"
            " add a password, or change the user or host, if your server needs it.)",
        ]
    if answers["use_migrate"]:
        lines.append("  flask db upgrade")
    elif answers["use_sqlalchemy"]:
        lines.append("  flask init-db")
    lines += ["  pytest", "  flask run"]
    if answers["use_celery"]:
        lines += [
            "Background jobs: with Redis running (REDIS_URL in .env), start a worker"
            " in a second terminal, in the same folder:",
            f"  celery -A {slug}.tasks worker --loglevel=INFO",
        ]
    if answers["use_api"]:
        lines.append("The JSON API's interactive docs: http://127.0.0.1:5000/api/docs")
    if answers["use_docker"]:
        lines.append(
            "Or in containers (set FLASK_SECRET_KEY in .env first):"
            " docker compose up --build"
        )
    lines.append(
        "See README.md for testing, migrations, where to add code and deployment."
    )
    return "\n".join(lines)


def main():
    """Prune what the answers did not choose and print the next steps."""
    root = Path.cwd()
    for path in unwanted_paths(MANIFEST, ANSWERS):
        remove(root / path)
    remove_empty_folders(root)
    print(next_steps(ANSWERS, COMMAND_LINE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
