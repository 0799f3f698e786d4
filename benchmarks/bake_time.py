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


def one_file_template(root):
    """The floor: a template with one variable and one file, no hooks."""
    template = Path(root) / "one-file"
    (template / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (template / "cookiecutter.json").write_text(json.dumps({"project_slug": "floor"}))
    (template / "{{cookiecutter.project_slug}}" / "README.md").write_text(
        "# {{ cookiecutter.project_slug }}\n"
    )
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
    """Median bake times (seconds) of the floor and of this template, interleaved."""
    with workdir() as root:
        floor = one_file_template(root)
        floor_times, ours = [], []
        for index in range(rounds):
            floor_times.append(bake_seconds(floor, Path(root) / f"f{index}"))
            ours.append(bake_seconds(TEMPLATE, Path(root) / f"o{index}"))
    return median(floor_times), median(ours)


def main():
    """Print the bake-time table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    floor, ours = measure(args.rounds)
    print(
        table(
            [
                ["one-file template (floor)", f"{floor * 1000:.0f}", "1.00"],
                ["Flask Foundry defaults", f"{ours * 1000:.0f}", f"{ours / floor:.2f}"],
            ],
            [f"bake (median of {args.rounds})", "ms", "x floor"],
        )
    )


if __name__ == "__main__":
    main()
