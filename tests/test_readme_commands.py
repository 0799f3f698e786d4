"""Every shell block of the generated README runs, in order, on a fresh bake.

A block may be preceded by a marker comment, invisible in rendered Markdown:
`<!-- readme-test: serve /healthz -->` runs a server in the background until
that path answers 200, then stops it; `needs docker` skips the block where no
Docker engine answers (the image itself is built by tests/test_container.py).
"""

import os
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.support.baking import bake
from tests.support.journeys import readme_blocks
from tests.support.machine import clean_env
from tests.support.machine import free_port

pytestmark = [pytest.mark.server, pytest.mark.network]

# Each block runs in a fresh bash; this keeps the virtualenv of the install block.
PRELUDE = (
    "set -euo pipefail\nif [ -f .venv/bin/activate ]; then . .venv/bin/activate; fi\n"
)


def docker_available():
    """True when a Docker engine answers."""
    docker = shutil.which("docker")
    return (
        bool(docker)
        and subprocess.run(
            [docker, "info"], capture_output=True, check=False
        ).returncode
        == 0
    )


def serve(body, cwd, env, path):
    """Run a server block until `path` answers 200, then stop it; return the log."""
    port = free_port()
    env = {
        **env,
        "FLASK_RUN_PORT": str(port),
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}",
    }
    log = cwd / f"server-{port}.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["bash", "-c", PRELUDE + body],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}{path}", timeout=2
                ) as r:
                    assert r.status == 200
                    return log.read_text()
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"no answer on {path} within 60 s:\n{log.read_text()}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({}, id="defaults"),
        pytest.param({"use_migrate": False}, id="init-db"),
    ],
)
def test_every_readme_block_runs(tmp_path, answers):
    project = bake(tmp_path, **answers)
    blocks = readme_blocks((project / "README.md").read_text())
    assert len(blocks) >= 5
    env = clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1")
    ran, skipped = [], []
    for markers, body in blocks:
        if "needs docker" in markers and not docker_available():
            skipped.append(body.splitlines()[0])
            continue
        serve_marker = next((m for m in markers if m.startswith("serve ")), None)
        if serve_marker:
            serve(body, project, env, serve_marker.removeprefix("serve "))
        else:
            done = subprocess.run(
                ["bash", "-c", PRELUDE + body],
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            assert done.returncode == 0, (
                f"{body}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
            )
        ran.append(body.splitlines()[0])
    print("README blocks run:", ran, "skipped (no Docker engine):", skipped)
    assert (project / ".venv").is_dir()
