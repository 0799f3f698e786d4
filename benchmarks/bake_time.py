"""Bake time of the default project against cookiecutter baking a one-file template."""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import TEMPLATE
from common import median
from common import table
from common import workdir


def one_file_template(root, name="one-file", hooks=False):
    """The floor: a template with one variable and one file, and no hooks.

    With `hooks`, the same plus a pre- and a post-generation hook that do nothing:
    what two hook processes cost on this machine, whatever the hooks do.
    """
    template = Path(root) / name
    (template / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (template / "cookiecutter.json").write_text(json.dumps({"project_slug": "floor"}))
    (template / "{{cookiecutter.project_slug}}" / "README.md").write_text(
        "# {{ cookiecutter.project_slug }}\n"
    )
    if hooks:
        (template / "hooks").mkdir()
        for hook in ("pre_gen_project.py", "post_gen_project.py"):
            (template / "hooks" / hook).write_text('"""Does nothing."""\n')
    return template


def bake_seconds(template, output):
    """Wall time of one `cookiecutter --no-input` run, as a user types it."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-f",
            str(template),
            "-o",
            str(output),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def measure(rounds):
    """Median bake times (seconds) of the floor, the floor with hooks, and ours."""
    with workdir() as root:
        templates = {
            "floor": one_file_template(root),
            "hooks": one_file_template(root, "with-hooks", hooks=True),
            "ours": TEMPLATE,
        }
        times = {name: [] for name in templates}
        for index in range(rounds):
            for name, template in templates.items():
                output = Path(root) / f"{name}-{index}"
                times[name].append(bake_seconds(template, output))
    return {name: median(values) for name, values in times.items()}


def main():
    """Print the bake-time table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    times = measure(args.rounds)
    floor = times["floor"]
    rows = [
        ["one-file template (floor)", times["floor"]],
        ["floor + two empty hooks", times["hooks"]],
        ["Flask Foundry defaults", times["ours"]],
    ]
    print(
        table(
            [[label, f"{t * 1000:.0f}", f"{t / floor:.2f}"] for label, t in rows],
            [f"bake (median of {args.rounds})", "ms", "x floor"],
        )
    )


if __name__ == "__main__":
    main()
