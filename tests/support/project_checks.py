"""Compile, import and collect the tests of many baked projects, two at a time.

    python -m tests.support.project_checks PROJECT...

Each project is checked in a child forked from this process, which has imported
the dependencies the projects share beforehand, so a project costs its own
imports and collection only. A child compiles every file (compileall), imports
the project's package, then runs `pytest --collect-only` with the project's own
configuration. Prints each failure with its output; exits 1 if any failed.
"""

import compileall
import contextlib
import importlib
import importlib.metadata
import os
import re
import sys
import tempfile
from pathlib import Path

# Imported once here, inherited by every child.
SHARED = (
    "flask",
    "flask_sqlalchemy",
    "flask_migrate",
    "flask_login",
    "flask_wtf",
    "flask_smorest",
    "flask_mailman",
    "flask_limiter",
    "celery",
    "sqlalchemy",
    "pytest",
)
WORKERS = 2


def plugins(project):
    """`-p` options for the pytest plugins the project depends on (pytest-cov).

    The test environment holds more plugins than a project installs; loading only
    the project's keeps the collection what the project's own venv would do.
    """
    named = set(
        re.findall(r'"([A-Za-z0-9._-]+)', (project / "pyproject.toml").read_text())
    )
    named = {re.sub(r"[-_.]+", "-", name).lower() for name in named}
    options = []
    for entry in importlib.metadata.entry_points(group="pytest11"):
        if entry.dist and re.sub(r"[-_.]+", "-", entry.dist.name).lower() in named:
            options += ["-p", entry.value]
    return options


def check(project):
    """Compile, import, collect `project` in this process; return the exit code."""
    os.chdir(project)
    sys.path.insert(0, str(project))
    if not compileall.compile_dir(project, quiet=1):
        print("compileall failed")
        return 1
    slug = next(
        p.parent.name for p in project.glob("*/__init__.py") if p.parent.name != "tests"
    )
    importlib.import_module(slug)
    import pytest

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    options = ["--collect-only", "-q", "-p", "no:cacheprovider", *plugins(project)]
    return int(pytest.main(options))


def child(project, log):
    """Run check() with output to `log`; never return."""
    code = 1
    try:
        with open(log, "w") as out:
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            try:
                code = check(project)
            except BaseException as error:  # noqa: BLE001 (a child reports all)
                import traceback

                traceback.print_exception(error)
            sys.stdout.flush()
            sys.stderr.flush()
    finally:
        os._exit(code)


def main(projects):
    """Check every project, WORKERS at a time; print failures; return 0 or 1."""
    for name in SHARED:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    failed = []
    with tempfile.TemporaryDirectory() as logs:
        running = {}
        queue = list(enumerate(projects))
        while queue or running:
            while queue and len(running) < WORKERS:
                index, project = queue.pop(0)
                log = Path(logs) / f"{index}.log"
                pid = os.fork()
                if pid == 0:
                    child(Path(project).resolve(), log)
                running[pid] = (project, log)
            pid, status = os.wait()
            project, log = running.pop(pid)
            if os.waitstatus_to_exitcode(status) != 0:
                failed.append(project)
                print(f"FAILED {project}\n{log.read_text()[-3000:]}")
    print(f"{len(projects) - len(failed)} of {len(projects)} projects passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
