"""The template, its answers and hooks, and the one way the tests bake it."""

import contextlib
import importlib.util
import json
import subprocess
from pathlib import Path

import jinja2
import pytest
from cookiecutter import generate as cookiecutter_generate
from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

from tests.support.machine import PYTHON
from tests.support.machine import clean_env

TEMPLATE = Path(__file__).resolve().parents[2]


def answers(extra_context=None):
    """The answers cookiecutter derives from cookiecutter.json and `extra_context`."""
    context = generate_context(
        context_file=str(TEMPLATE / "cookiecutter.json"),
        extra_context=extra_context or {},
    )
    return prompt_for_config(context, no_input=True)


def load_hook(name, extra_context=None):
    """Render hooks/<name>.py with the answers and import it, as cookiecutter does."""
    cookiecutter_answers = answers(extra_context)
    env = StrictEnvironment(
        context={
            "cookiecutter": json.loads((TEMPLATE / "cookiecutter.json").read_text())
        },
        keep_trailing_newline=True,
    )
    source = (TEMPLATE / "hooks" / f"{name}.py").read_text()
    rendered = env.from_string(source).render(cookiecutter=cookiecutter_answers)
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    exec(compile(rendered, f"hooks/{name}.py", "exec"), module.__dict__)  # noqa: S102
    return module


def bake(output_dir, **choices):
    """Bake the template with `choices` into `output_dir`; return the project folder.

    In this process, through cookiecutter's API, so the templates compiled by
    earlier bakes are reused (see templates_compiled_once), and with the
    template's defaults whatever a ~/.cookiecutterrc says. A refusal raises
    cookiecutter's FailedHookException.
    """
    return Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            extra_context=choices,
            output_dir=str(output_dir),
            default_config=True,
        )
    )


def bake_command(cwd, *arguments):
    """Run `cookiecutter --no-input <template> ...` from `cwd`, as a user types it;
    return what it printed (the next steps)."""
    done = subprocess.run(
        [PYTHON, "-m", "cookiecutter", "--no-input", str(TEMPLATE), *arguments],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept across bakes, checked against each source's checksum."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


@contextlib.contextmanager
def templates_compiled_once():
    """Let every bake in this process reuse the templates earlier bakes compiled.

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
