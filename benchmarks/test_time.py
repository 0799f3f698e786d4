"""Wall time of baked projects' own test suites, per combination, before and after.

    python benchmarks/test_time.py                      # default and fullest, now
    python benchmarks/test_time.py --before fabedb2     # ... and at that commit
    python benchmarks/test_time.py --all --rounds 1     # every supported combination
    python benchmarks/test_time.py --whole-suite        # also the template's suite

Each round times every (template, combination) in turn, so a slow spell of a
shared machine hits all of them alike; the figure is the median of the rounds.
`--python` runs the suites with another interpreter, e.g. a virtualenv holding
only a project's `dev` extra: the template's environment loads many more pytest
plugins (hypothesis, schemathesis, ...), about 1 s of start-up per run.
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from common import TEMPLATE
from common import median
from common import table
from common import workdir

sys.path.insert(0, str(TEMPLATE))
from tests.support.combinations import PAIRWISE  # noqa: E402

# Measured before issue 20 (template at fabedb2), on this 2-core machine while it
# was quiet (load 0.5-0.9), with a virtualenv holding only the fullest project's
# `dev` extra: wall seconds of `python -m pytest -q` (pytest's own figure).
BEFORE_MEASURED = """\
before (fabedb2), quiet machine, 2 runs each:
  default  125 tests  11.1-13.1 s wall (9.8-10.8 s in pytest); 11.7 s CPU (load 3)
  fullest  164 tests  15.8-16.4 s wall (14.0-14.7 s in pytest)
  (the template's own environment adds ~1 s start-up: 13.2 and 18.5 s wall)"""
FULLEST = {"use_api": True, "use_celery": True, "database": "postgresql"}
MAIN = {"default": {}, "fullest": FULLEST}
# Extra pytest arguments per column: the whole suite, the fast loop, xdist.
RUNS = {
    "all": [],
    "not slow": ["-m", "not slow"],
    "-n 2": ["-n", "2", "-p", "xdist"],
}


def bake(template, output_dir, answers):
    """Bake `template` with `answers` into `output_dir`; return the project path."""
    extra = [f"{key}={value}" for key, value in answers.items()]
    subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", str(template)]
        + ["-o", str(output_dir), *extra],
        check=True,
        capture_output=True,
    )
    return Path(output_dir) / "my_flask_app"


def template_at(ref, into):
    """Extract the template as it was at git `ref` into `into`; return the folder."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref],
        cwd=TEMPLATE,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return Path(into)


def cpu_seconds():
    """User and system CPU seconds of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, cwd):
    """Wall and CPU seconds a command takes; it must succeed.

    CPU time barely moves when other work shares the machine; wall time does.
    """
    started, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{command} failed in {cwd}:\n{done.stdout[-2000:]}")
    return time.perf_counter() - started, cpu_seconds() - cpu


def has_marker(project, name):
    """True when the project's pytest settings register the marker `name`."""
    return f'"{name}:' in (project / "pyproject.toml").read_text()


def main():
    """Print a table of suite times: per combination, per template, per run kind."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", help="a git ref of the template to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument(
        "--all",
        action="store_true",
        help="every pairwise set (tests/support/combinations.py)",
    )
    parser.add_argument(
        "--xdist", action="store_true", help="also time `pytest -n 2` (pytest-xdist)"
    )
    parser.add_argument(
        "--whole-suite",
        action="store_true",
        help="also time `python -m pytest` of the template (minutes)",
    )
    args = parser.parse_args()
    combinations = dict(MAIN)
    if args.all:
        combinations |= {p.id: p.values[0] for p in PAIRWISE}
    runs = {k: v for k, v in RUNS.items() if args.xdist or k != "-n 2"}
    pytest = [args.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with workdir() as root:
        templates = {"after": TEMPLATE}
        if args.before:
            templates = {
                "before": template_at(args.before, Path(root) / "before-template"),
                **templates,
            }
        projects = {}
        for label, template in templates.items():
            for name, answers in combinations.items():
                out = Path(root) / label / name
                projects[label, name] = bake(template, out, answers)
        times = {}
        for _ in range(args.rounds):
            for (label, name), project in projects.items():
                for run, extra in runs.items():
                    if run == "not slow" and not has_marker(project, "slow"):
                        continue
                    seconds = timed([*pytest, *extra], project)
                    times.setdefault((label, name, run), []).append(seconds)
    headers = ["combination", *(f"{lb}: {r} s" for lb in templates for r in runs)]
    rows = []
    for name in combinations:
        row = [name]
        for label in templates:
            for run in runs:
                values = times.get((label, name, run))
                if values:
                    wall = median([w for w, _ in values])
                    cpu = median([c for _, c in values])
                    row.append(f"{wall:.2f} ({cpu:.2f})")
                else:
                    row.append("-")
        rows.append(row)
    print(table(rows, headers))
    print(
        f"wall seconds (CPU seconds), median of {args.rounds} rounds on"
        f" {os.cpu_count()} CPUs; python: {args.python}"
    )
    print(BEFORE_MEASURED)
    if args.whole_suite:
        whole, _ = timed([sys.executable, "-m", "pytest", "-q"], TEMPLATE)
        print(f"whole template suite (python -m pytest): {whole:.0f} s")


if __name__ == "__main__":
    main()
