"""The README's Quick start, then the next steps it prints, run verbatim as a new
user on a fresh machine would, from where they typed the command.

The machine is simulated as Debian's: an empty HOME, `python3` on PATH and no
`python`, and a Python that refuses to install outside a virtualenv, as PEP 668's
EXTERNALLY-MANAGED marker makes a distribution's Python do (PIP_REQUIRE_VIRTUALENV,
and `pip`/`pip3` commands that fail with pip's error). The command must still bake,
with only what baking needs, and put the project beside the clone, not inside it;
the printed steps must then install, test and serve it.
"""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.support.baking import TEMPLATE
from tests.support.baking import bake_command
from tests.support.journeys import fetch
from tests.support.journeys import printed_commands
from tests.support.machine import clean_env
from tests.support.machine import free_port
from tests.support.machine import run

REFUSING_PIP = """#!/bin/sh
echo "error: externally-managed-environment" >&2
exit 1
"""
# The machine's `python3`, whose new venvs bring the pip it ships (23.2.1 for
# 3.11.7): the oldest pip of the Pythons here, as a fresh machine's user has it.
MACHINE_PYTHON = sys.executable
# What cookiecutter and jinja2-time need, and nothing of the test suite's.
NOT_FOR_BAKING = ("pytest", "flask", "ruff", "playwright", "schemathesis")


def quick_start_command():
    """The first shell block under README.md's "Quick start" heading."""
    readme = (TEMPLATE / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block, "README.md's Quick start has no ```bash block"
    return block.group(1)


@pytest.mark.server
@pytest.mark.network
def test_quick_start_bakes_beside_the_clone(tmp_path):
    clone = tmp_path / "flask-foundry"
    shutil.copytree(
        TEMPLATE,
        clone,
        ignore=shutil.ignore_patterns(".git", "artifacts", "__pycache__", ".venv*"),
    )
    home = tmp_path / "home"
    home.mkdir()
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "python3").symlink_to(MACHINE_PYTHON)
    for name in ("pip", "pip3"):
        (shims / name).write_text(REFUSING_PIP)
        (shims / name).chmod(0o755)
    before = sorted(p.name for p in clone.iterdir())
    machine = {
        "HOME": str(home),
        "PATH": f"{shims}:/usr/bin:/bin",
        "PIP_REQUIRE_VIRTUALENV": "1",
    }
    done = run(
        ["bash", "-euo", "pipefail", "-c", quick_start_command()],
        cwd=clone,
        timeout=900,
        **machine,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "my_flask_app" / "pyproject.toml").is_file()
    assert sorted(p.name for p in clone.iterdir()) == before
    pip = home / ".venvs" / "cookiecutter" / "bin" / "pip"
    listed = run([pip, "list", "--format=json"], cwd=tmp_path)
    installed = {item["name"].lower() for item in json.loads(listed.stdout)}
    assert {"cookiecutter", "jinja2-time"} <= installed
    assert not installed & set(NOT_FOR_BAKING), installed
    print(f"Quick start installed {len(installed)} packages: {sorted(installed)}")

    # The next steps it printed, verbatim, from the clone (where the user still
    # stands): the last one, `flask run`, serves until stopped.
    steps = printed_commands(done.stdout.partition("Your project is ready")[2])
    assert steps[0] == "cd ../my_flask_app", steps
    assert steps[-1] == "flask run", steps
    port = free_port()
    log = tmp_path / "next-steps.log"
    with log.open("w") as out:
        user = subprocess.Popen(
            # `|| exit`: bash's -e ignores a failure on the left of `&&`.
            [
                "bash",
                "-euo",
                "pipefail",
                "-c",
                "".join(f"{s} || exit\n" for s in steps),
            ],
            cwd=clone,
            env=clean_env(**machine, FLASK_RUN_PORT=str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 900  # installs, then runs the whole suite
        while fetch(f"http://127.0.0.1:{port}/healthz")[0] != 200:
            assert user.poll() is None, log.read_text()[-4000:]
            assert time.monotonic() < deadline, log.read_text()[-4000:]
            time.sleep(1)
        assert fetch(f"http://127.0.0.1:{port}/")[0] == 200
    finally:
        if user.poll() is None:
            os.killpg(user.pid, signal.SIGTERM)
            user.wait(timeout=60)
    ran = log.read_text()
    assert re.search(r"\b\d+ passed in ", ran), ran[-4000:]  # the printed `pytest`
    print(f"Printed steps run verbatim from the clone: {steps}")


@pytest.mark.parametrize(
    ("output_dir", "expected_cd"),
    [
        pytest.param(None, "cd my_flask_app", id="no-o"),
        pytest.param("..", "cd ../my_flask_app", id="parent"),
        pytest.param("out/projects", "cd out/projects/my_flask_app", id="nested"),
        pytest.param("{tmp}/abs dir", "cd '{tmp}/abs dir/my_flask_app'", id="absolute"),
        # Longer than the absolute path it names: printed absolute.
        pytest.param(
            "../" * 12 + "{tmp_from_root}/far",
            "cd {tmp}/far/my_flask_app",
            id="far-relative",
        ),
    ],
)
def test_printed_cd_works_from_where_the_user_stands(tmp_path, output_dir, expected_cd):
    user = tmp_path / "work" / "here"
    user.mkdir(parents=True)
    where = {"tmp": tmp_path, "tmp_from_root": str(tmp_path).lstrip("/")}
    options = ["-o", output_dir.format(**where)] if output_dir else []
    printed = bake_command(user, *options)
    steps = printed_commands(printed)
    assert steps[0] == expected_cd.format(tmp=tmp_path), printed
    assert steps[1] == "python3 -m venv .venv && . .venv/bin/activate", printed
    # The printed `cd`, verbatim, lands in the project from the user's folder.
    landed = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", f"{steps[0]}\ntest -f .flaskenv\npwd"],
        cwd=user,
        capture_output=True,
        text=True,
        check=False,
    )
    assert landed.returncode == 0, landed.stderr
    assert landed.stdout.strip().endswith("/my_flask_app"), landed.stdout
    assert shlex.split(steps[0])[1] in printed.splitlines()[0]
