"""Run a user's journey through a baked project: steps as data, done as a user does.

A journey is a list of steps; each step is a tuple whose first item names its kind:

- `("printed",)`: the commands the bake printed, verbatim, from the project folder.
- `("readme", heading)`: the bash blocks of a README section, verbatim.
- `("edit", path, anchor, text)`: insert `text` after the line holding `anchor`.
- `("replace", path, old, new)`: replace the one line holding `old` by `new`.
- `("append", path, text)` / `("write", path, text)`: as an editor would save it.
- `("sh", command)`: a command the user types; it must succeed.
- `("get", path, status, text)`: `flask run` serves; `path` answers `status` with
  `text` in its body.
- `("worker", task, expected)`: start the Celery worker as the bake printed it; queue
  `task` from `flask shell`; the worker's answer must equal `expected`, evaluated in
  that shell (so the web app's own value is what the worker must give).

Paths and commands may name `{slug}`. The project's own packages are those of this
environment (PYTHONPATH points at the project): steps that create a virtualenv or
install into it are skipped, as they test installation, which other tests do.
"""

import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.baking import bake_command
from tests.support.machine import clean_env
from tests.support.machine import free_port

# Printed or documented steps that set up a virtualenv: this environment stands in.
INSTALL_STEPS = re.compile(
    r"^(cd |python3? -m venv |\. \.venv/bin/activate|pip install )"
)
LONG_RUNNING = re.compile(r"^(flask run|celery .* worker)")
# A README's bash block, and the marker comment that may precede it (invisible in
# rendered Markdown): tests/test_readme_commands.py explains the markers.
BLOCK = re.compile(
    r"(?:<!-- readme-test: (?P<marker>[^>]*?) -->\n)?```bash\n(?P<body>.*?)```",
    re.DOTALL,
)


def printed_commands(printed):
    """The commands in the bake's next steps: the lines indented by two spaces."""
    return [line[2:] for line in printed.splitlines() if line.startswith("  ")]


def readme_blocks(readme):
    """The README's bash blocks as (markers, commands), in order."""
    return [
        (
            {m.strip() for m in (match["marker"] or "").split(",") if m.strip()},
            match["body"],
        )
        for match in BLOCK.finditer(readme)
    ]


def readme_section(readme, heading):
    """The bash blocks of the README section `## heading`."""
    start = readme.index(f"## {heading}\n")
    end = readme.find("\n## ", start + 1)
    return [body for _, body in readme_blocks(readme[start : end if end > 0 else None])]


class Journey:
    """One project, and the user's environment while they work in it."""

    def __init__(self, project, printed):
        self.project = project
        self.printed = printed
        self.slug = project.name
        self.env = clean_env(PYTHONPATH=str(project), PIP_DISABLE_PIP_VERSION_CHECK="1")
        self.log = []
        self.flask = "flask"  # how the user calls Flask's command line

    @classmethod
    def start(cls, output_dir, **answers):
        """Bake from the command line in `output_dir`, as the user does; the journey
        starts in the project it made, with what it printed."""
        printed = bake_command(output_dir, *(f"{k}={v}" for k, v in answers.items()))
        (project,) = [p for p in Path(output_dir).iterdir() if p.is_dir()]
        return cls(project, printed)

    def run(self, steps):
        """Do each step in order; return the log of what ran."""
        for step in steps:
            kind, *args = step
            args = [
                a.replace("{slug}", self.slug) if isinstance(a, str) else a
                for a in args
            ]
            started, done = time.monotonic(), len(self.log)
            getattr(self, f"step_{kind}")(*args)
            if len(self.log) > done:
                self.log[-1] += f" ({time.monotonic() - started:.1f} s)"
        return self.log

    def sh(self, command, timeout=600):
        """Run `command` in bash in the project folder; it must succeed."""
        done = subprocess.run(
            ["bash", "-c", "set -euo pipefail\n" + command],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, (
            f"$ {command}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
        self.log.append(command.splitlines()[0])
        return done.stdout + done.stderr

    def commands(self, commands):
        """Run documented commands verbatim, serving the long-running ones."""
        for command in commands:
            if INSTALL_STEPS.match(command):
                continue
            if command.startswith("flask run"):
                with self.serving(command) as url:
                    assert fetch(url + "/readyz")[0] == 200, "not ready after the steps"
                self.log.append(command)
            elif not LONG_RUNNING.match(command):
                self.sh(command)

    def step_printed(self):
        self.commands(printed_commands(self.printed))

    def step_readme(self, heading):
        readme = (self.project / "README.md").read_text()
        for body in readme_section(readme, heading):
            self.commands(line for line in body.splitlines() if line.strip())

    def step_sh(self, command):
        self.sh(command)

    def step_edit(self, path, anchor, text):
        target = self.project / path
        lines = target.read_text().splitlines(keepends=True)
        (index,) = [i for i, line in enumerate(lines) if anchor in line]
        lines.insert(index + 1, text)
        target.write_text("".join(lines))
        self.log.append(f"edit {path}")

    def step_replace(self, path, old, new):
        target = self.project / path
        lines = target.read_text().splitlines(keepends=True)
        (index,) = [i for i, line in enumerate(lines) if old in line]
        lines[index] = new
        target.write_text("".join(lines))
        self.log.append(f"edit {path}")

    def step_append(self, path, text):
        target = self.project / path
        target.write_text(target.read_text() + text)
        self.log.append(f"edit {path}")

    def step_write(self, path, text):
        target = self.project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        self.log.append(f"write {path}")

    def step_get(self, path, status, text):
        with self.serving(f"{self.flask} run") as url:
            got, body = fetch(url + path)
        assert (got, text in body) == (status, True), f"{path}: {got} {body[:500]}"
        self.log.append(f"GET {path} -> {status}")

    def step_worker(self, task, expected):
        (command,) = [
            c for c in printed_commands(self.printed) if c.startswith("celery")
        ]
        shell = (
            f"from {self.slug}.tasks import {task}\n"
            f"print('WORKER', {task}.delay().get(timeout=60))\n"
            f"print('WEB', {expected})\n"
        )
        with self.background(command, "worker"):
            out = subprocess.run(
                ["flask", "shell"],
                input=shell,
                cwd=self.project,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            ).stdout
        answers = dict(re.findall(r"\b(WORKER|WEB) (.*)$", out, re.M))
        assert answers.get("WORKER") == answers.get("WEB") is not None, out[-2000:]
        self.log.append(f"{command}: {task} -> {answers['WORKER']}")

    @contextlib.contextmanager
    def background(self, command, name, env=None):
        """Run a long-running `command` in its own process group during the block."""
        log = self.project.parent / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                ["bash", "-c", command],
                cwd=self.project,
                env=env or self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            yield process, log
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    @contextlib.contextmanager
    def serving(self, command):
        """Serve with `command` (flask run) on a free port; yield its URL."""
        port = free_port()
        env = {**self.env, "FLASK_RUN_PORT": str(port)}
        with self.background(command, f"server-{port}", env) as (process, log):
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while fetch(url + "/healthz")[0] != 200:
                assert process.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.3)
            yield url


def fetch(url):
    """(status, body) of a GET to `url`; (None, "") when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""
