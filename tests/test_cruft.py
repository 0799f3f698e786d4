"""cruft can bake a project, see that the template moved on, and update it cleanly."""

import json
import shutil

import pytest

from tests.conftest import PYTHON
from tests.conftest import TEMPLATE
from tests.conftest import require
from tests.conftest import run

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
