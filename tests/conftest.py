"""Shared helpers of the template's tests: baking, rendered hooks, prerequisites."""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from cookiecutter import generate as cookiecutter_generate
from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

TEMPLATE = Path(__file__).resolve().parent.parent
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


def answers(extra_context=None):
    """The answers cookiecutter derives from cookiecutter.json and `extra_context`."""
    context = generate_context(
        context_file=str(TEMPLATE / "cookiecutter.json"),
        extra_context=extra_context or {},
    )
    return prompt_for_config(context, no_input=True)


def load_hook(name, extra_context=None):
    """Render hooks/<name>.py with the answers and import it, as cookiecutter does."""
    cookiecutter = answers(extra_context)
    env = StrictEnvironment(
        context={
            "cookiecutter": json.loads((TEMPLATE / "cookiecutter.json").read_text())
        },
        keep_trailing_newline=True,
    )
    source = (TEMPLATE / "hooks" / f"{name}.py").read_text()
    rendered = env.from_string(source).render(cookiecutter=cookiecutter)
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(rendered, f"hooks/{name}.py", "exec"), module.__dict__)  # noqa: S102
    return module


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept across bakes, checked against each source's checksum."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def shared_template_bytecode():
    """Every in-process bake reuses the templates that earlier bakes compiled.

    cookiecutter makes a new Jinja environment per bake, and compiling the same
    templates again was most of a bake's time (0.56 s of CPU; 0.16 s with this).
    """
    cache = SharedBytecode()
    create_env = cookiecutter_generate.create_env_with_context

    def cached_env(context):
        env = create_env(context)
        env.bytecode_cache = cache
        return env

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cookiecutter_generate, "create_env_with_context", cached_env)
        yield


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


def ruff():
    """The ruff command of this environment."""
    return [shutil.which("ruff") or "ruff"]


PYTHON = sys.executable


def pytest_terminal_summary(terminalreporter):
    """Print the figures tests recorded with record_property("figure", ...)."""
    figures = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "figure"
    ]
    if figures:
        terminalreporter.section("figures (measured, not asserted)")
        for figure in dict.fromkeys(figures):
            terminalreporter.write_line(figure)
