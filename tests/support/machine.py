"""This machine as the tests use it: commands with a clean environment,
prerequisites that skip (or fail under CI=true), free loopback ports."""

import os
import shutil
import socket
import subprocess
import sys

import pytest

PYTHON = sys.executable
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Settings of the developer's shell that must not leak into a baked project's run.
LEAKY_ENV = (
    "FLASK_APP",
    "FLASK_DEBUG",
    "FLASK_SECRET_KEY",
    "DATABASE_URL",
    "TEST_DATABASE_URL",
)


def require(available, reason):
    """Skip when a prerequisite is missing on a user's machine; fail under CI=true."""
    if not available:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)


def clean_env(**extra):
    """The environment for commands run inside a baked project."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in LEAKY_ENV and not k.startswith(("PYTEST_", "COV_CORE_"))
    }
    env.update(extra)
    return env


def run(command, cwd, timeout=600, **env):
    """Run `command` in `cwd`; return the completed process (output captured)."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ruff():
    """The ruff command of this environment."""
    return [shutil.which("ruff") or "ruff"]


def free_port():
    """A loopback port that nothing listens on right now (a short race remains)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def redis_answers(url):
    """True when the Redis server at `url` answers PING."""
    try:
        import redis
    except ImportError:  # the test then skips, or fails under CI=true
        return False
    try:
        return redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError:
        return False
