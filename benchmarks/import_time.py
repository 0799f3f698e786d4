"""`python -X importtime` of create_app(): which imports cost the generated app most."""

import argparse
import subprocess
import sys

from common import app_env
from common import bake
from common import table
from common import workdir

PROGRAM = "from my_flask_app import create_app; create_app()"


def import_costs(project, env):
    """(cumulative microseconds, module) of every import create_app() triggers."""
    stderr = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", PROGRAM],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    costs = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, module = line.removeprefix("import time:").split("|")
        costs.append((int(cumulative), module.rstrip()))
    return costs


def main():
    """Print the top top-level imports by cumulative time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    with workdir() as root:
        project = bake(root)
        costs = import_costs(project, app_env(project, DATABASE_URL="sqlite://"))
    # Each package at its most expensive import (children include their imports).
    by_package = {}
    for us, module in costs:
        package = module.strip().split(".")[0]
        by_package[package] = max(us, by_package.get(package, 0))
    app_total = by_package.pop("my_flask_app")
    rows = [
        [package, f"{us / 1000:.1f}", f"{100 * us / app_total:.0f}%"]
        for package, us in sorted(by_package.items(), key=lambda kv: -kv[1])
        if package not in {"site", "encodings"}
    ][: args.top]
    print(table(rows, ["package (importtime)", "ms cumulative", "of the app's import"]))
    print(f"importing my_flask_app: {app_total / 1000:.0f} ms")


if __name__ == "__main__":
    main()
