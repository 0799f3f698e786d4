"""Prune the generated project down to the options chosen, then print next steps."""

import json
import shutil
import sys
from pathlib import Path

# The answers, rendered by cookiecutter as JSON so any text survives intact.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

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
    ],
    "use_migrate": {
        True: [
            "{slug}/db_command.py",
            "migrations",
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
    ],
    "use_wtf": [
        "{slug}/main/forms.py",
        "{slug}/templates/_form.html",
        "{slug}/templates/main/new_message.html",
        "tests/test_messages.py",
    ],
    "use_docker": [
        "Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "docker-entrypoint.sh",
    ],
    "use_debugtoolbar": ["tests/test_debugtoolbar.py"],
    "use_api": ["{slug}/api", "tests/test_api.py"],
    "use_celery": ["{slug}/tasks.py", "tests/test_tasks.py"],
    "ci": {
        "github": [".github"],
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


def next_steps(answers):
    """The commands a user runs next, as text."""
    slug = answers["project_slug"]
    lines = [
        f"Your project is ready in ./{slug}. Next steps:",
        f"  cd {slug}",
        "  python -m venv .venv && . .venv/bin/activate",
        "  pip install --require-hashes -r requirements-dev.lock"
        " && pip install --no-deps -e .",
        "  cp .env.example .env",
    ]
    if answers["use_migrate"]:
        lines.append("  flask db upgrade")
    elif answers["use_sqlalchemy"]:
        lines.append("  flask init-db")
    lines += [
        "  pytest",
        "  flask run",
        "See README.md for testing, migrations and deployment.",
    ]
    return "\n".join(lines)


def main():
    """Prune what the answers did not choose and print the next steps."""
    root = Path.cwd()
    for path in unwanted_paths(MANIFEST, ANSWERS):
        remove(root / path)
    remove_empty_folders(root)
    print(next_steps(ANSWERS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
