"""Generated CI and dependency-update files match their published schemas."""

import shutil

import pytest

from tests.support.baking import TEMPLATE
from tests.support.baking import bake
from tests.support.machine import require
from tests.support.machine import run

# (answers, file, schema built into check-jsonschema)
CI_FILES = [
    pytest.param(
        {}, ".github/workflows/ci.yml", "vendor.github-workflows", id="gh-sqlite"
    ),
    pytest.param(
        {"database": "postgresql"},
        ".github/workflows/ci.yml",
        "vendor.github-workflows",
        id="gh-postgresql",
    ),
    pytest.param(
        {"database": "mysql", "use_docker": False},
        ".github/dependabot.yml",
        "vendor.dependabot",
        id="dependabot-nodocker",
    ),
    pytest.param({}, ".github/dependabot.yml", "vendor.dependabot", id="dependabot"),
    pytest.param(
        {"ci": "gitlab", "database": "mysql"},
        ".gitlab-ci.yml",
        "vendor.gitlab-ci",
        id="gitlab-mysql",
    ),
    pytest.param(
        {"ci": "gitlab", "database": "postgresql"},
        ".gitlab-ci.yml",
        "vendor.gitlab-ci",
        id="gitlab-postgresql",
    ),
    pytest.param({"ci": "gitlab"}, "renovate.json", "vendor.renovate", id="renovate"),
    pytest.param(
        {"ci": "gitlab", "use_docker": False},
        "renovate.json",
        "vendor.renovate",
        id="renovate-nodocker",
    ),
]


@pytest.mark.parametrize(("answers", "path", "schema"), CI_FILES)
def test_file_matches_its_schema(tmp_path, answers, path, schema):
    checker = shutil.which("check-jsonschema")
    require(checker, "check-jsonschema is not installed (pip install check-jsonschema)")
    project = bake(tmp_path, **answers)
    checked = run(
        [checker, "--builtin-schema", schema, str(project / path)], cwd=project
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({}, id="gh-sqlite-docker"),
        pytest.param({"database": "postgresql", "use_docker": False}, id="gh-pg"),
        pytest.param({"database": "mysql", "use_celery": True}, id="gh-mysql"),
    ],
)
def test_github_files_pass_zizmor(tmp_path, answers):
    zizmor = shutil.which("zizmor")
    require(zizmor, "zizmor is not installed (pip install zizmor)")
    project = bake(tmp_path, **answers)
    audit = run([zizmor, "--offline", "--no-progress", "."], cwd=project)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "No findings to report" in audit.stdout + audit.stderr


def test_template_workflow_passes_zizmor():
    zizmor = shutil.which("zizmor")
    require(zizmor, "zizmor is not installed (pip install zizmor)")
    audit = run([zizmor, "--offline", "--no-progress", ".github"], cwd=TEMPLATE)
    assert audit.returncode == 0, audit.stdout + audit.stderr
