"""The inner loop of a baked project: pre-commit, the dev container, the suite's time.

The suite's times are figures, printed in the terminal summary and written to
artifacts/suite-times.txt, never asserted (see benchmarks/test_time.py).
"""

import json
import shutil
import time

import pytest
import yaml

from tests.support.baking import TEMPLATE
from tests.support.baking import answers as derived_answers
from tests.support.baking import bake
from tests.support.machine import PYTHON
from tests.support.machine import require
from tests.support.machine import run

FULLEST = {"use_api": True, "use_celery": True, "database": "postgresql"}
LOOP_COMBINATIONS = [
    pytest.param({}, id="default"),
    pytest.param(FULLEST, id="fullest"),
]
# Where the dev container's database setup differs: no migrations, no database.
DEVCONTAINER_COMBINATIONS = [
    *LOOP_COMBINATIONS,
    pytest.param({"database": "mysql", "use_migrate": False}, id="mysql-init-db"),
    pytest.param(
        {
            "use_sqlalchemy": False,
            "use_migrate": False,
            "use_login": False,
            "use_wtf": False,
        },
        id="no-database",
    ),
]
# What the dev container specification allows at the top level of a Docker
# Compose dev container (containers.dev/implementors/json_reference), with
# the types it gives: a misspelt or misplaced property fails here.
DEVCONTAINER_SCHEMA = {
    "type": "object",
    "required": ["dockerComposeFile", "service", "workspaceFolder"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "dockerComposeFile": {
            "type": ["string", "array"],
            "items": {"type": "string"},
            "minItems": 1,
        },
        "service": {"type": "string"},
        "runServices": {"type": "array", "items": {"type": "string"}},
        "workspaceFolder": {"type": "string"},
        "overrideCommand": {"type": "boolean"},
        "shutdownAction": {"enum": ["none", "stopCompose"]},
        "features": {"type": "object"},
        "postCreateCommand": {"type": ["string", "array", "object"]},
        "forwardPorts": {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "integer", "minimum": 0, "maximum": 65535},
                    {"type": "string", "pattern": "^([a-z0-9-]+):(\\d{1,5})$"},
                ]
            },
        },
        "portsAttributes": {"type": "object"},
        "customizations": {"type": "object"},
    },
}


def git_copy(project, tmp_path):
    """A copy of `project` in a fresh git repository, every file staged."""
    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        done = run(command, cwd=copy)
        assert done.returncode == 0, done.stderr
    return copy


def pre_commit(copy):
    """Run every hook on every file of `copy`; return the completed process."""
    return run(
        ["pre-commit", "run", "--all-files", "--show-diff-on-failure", "--color=never"],
        cwd=copy,
        timeout=900,
    )


@pytest.mark.network
@pytest.mark.xdist_group("pre-commit")
@pytest.mark.parametrize("answers", LOOP_COMBINATIONS)
def test_pre_commit_passes_on_a_fresh_bake(tmp_path, answers):
    require(shutil.which("pre-commit"), "pre-commit is not installed")
    require(shutil.which("git"), "git is not installed")
    copy = git_copy(bake(tmp_path / "bake", **answers), tmp_path)
    done = pre_commit(copy)
    assert done.returncode == 0, done.stdout + done.stderr
    for hook in ("ruff check", "ruff format", "mypy", "trim trailing whitespace"):
        assert hook in done.stdout


@pytest.mark.network
@pytest.mark.xdist_group("pre-commit")
def test_pre_commit_fixes_and_refuses(tmp_path):
    require(shutil.which("pre-commit"), "pre-commit is not installed")
    require(shutil.which("git"), "git is not installed")
    copy = git_copy(bake(tmp_path / "bake"), tmp_path)
    (copy / "scratch.py").write_text('"""Scratch."""\nx = {  "a":1}   \n')
    (copy / "notes.txt").write_text("trailing   \nno final newline")
    (copy / "broken.yaml").write_text("key: [unclosed\n")
    run(["git", "add", "-A"], cwd=copy)
    done = pre_commit(copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (copy / "scratch.py").read_text() == '"""Scratch."""\n\nx = {"a": 1}\n'
    assert (copy / "notes.txt").read_text() == "trailing\nno final newline\n"
    assert "check YAML syntax" in done.stdout
    assert "broken.yaml" in done.stdout


@pytest.mark.parametrize("answers", DEVCONTAINER_COMBINATIONS)
def test_devcontainer_fits_compose(tmp_path, answers):
    jsonschema = pytest.importorskip("jsonschema")
    project = bake(tmp_path, **answers)
    context = derived_answers(answers)
    folder = project / ".devcontainer"
    config = json.loads((folder / "devcontainer.json").read_text())
    jsonschema.validate(config, DEVCONTAINER_SCHEMA)

    # The dev container is compose.yaml's web service, built to the builder stage.
    assert config["dockerComposeFile"] == ["../compose.yaml", "compose.yaml"]
    base = yaml.safe_load((project / "compose.yaml").read_text())
    override = yaml.safe_load((folder / "compose.yaml").read_text())
    assert config["service"] in base["services"]
    assert set(override["services"]) <= set(base["services"])
    web = override["services"][config["service"]]
    assert web["build"]["target"] == "builder"
    assert "AS builder" in (project / "Dockerfile").read_text()
    # The project folder is mounted where the editor opens it.
    assert web["volumes"] == [f".:{config['workspaceFolder']}:cached"]
    assert web["working_dir"] == config["workspaceFolder"]
    # `flask run` listens where the port is forwarded and compose publishes it.
    port = int(web["environment"]["FLASK_RUN_PORT"])
    assert config["forwardPorts"] == [port]
    published = base["services"][config["service"]]["ports"]
    assert any(p.endswith(f":{port}:{port}") for p in published), published

    # The database service of compose.yaml starts with the dev container.
    database = context["use_sqlalchemy"] and context["database"] != "sqlite"
    assert ("db" in base["services"]) == database
    if database:
        assert "db" in base["services"]["web"]["depends_on"]
    # The locked dev install (the builder stage removed pip), then the schema.
    command = config["postCreateCommand"]
    assert command.startswith(
        "python -m ensurepip"
        " && python -m pip install --require-hashes -r requirements-dev.lock"
        " && python -m pip install --no-deps -e ."
    )
    assert ("flask db upgrade" in command) == context["use_migrate"]
    assert ("flask init-db" in command) == (
        context["use_sqlalchemy"] and not context["use_migrate"]
    )


def test_devcontainer_compose_override_matches_the_compose_spec(tmp_path):
    checker = shutil.which("check-jsonschema")
    require(checker, "check-jsonschema is not installed (pip install check-jsonschema)")
    project = bake(tmp_path, **FULLEST)
    checked = run(
        [
            checker,
            "--builtin-schema",
            "vendor.compose-spec",
            str(project / ".devcontainer" / "compose.yaml"),
        ],
        cwd=project,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def timed_pytest(project, *args):
    """Seconds the project's own pytest takes (it must pass), and its last line."""
    started = time.perf_counter()
    done = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], project)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return seconds, done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.xdist_group("suite-time")
@pytest.mark.parametrize("answers", LOOP_COMBINATIONS)
def test_suite_time_is_recorded(tmp_path, record_property, request, answers):
    project = bake(tmp_path, **answers)
    whole, summary = timed_pytest(project)
    fast, _ = timed_pytest(project, "-m", "not slow")
    name = request.node.callspec.id
    figure = (
        f"suite time, {name}: {whole:.1f} s wall ({summary}); "
        f'-m "not slow": {fast:.1f} s'
    )
    record_property("figure", figure)
    artifacts = TEMPLATE / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with (artifacts / "suite-times.txt").open("a") as out:
        out.write(figure + "\n")
