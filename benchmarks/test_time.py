"""Wall time of each baked combination's own tests, and of the template's suite."""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from common import TEMPLATE
from common import bake
from common import table
from common import workdir

sys.path.insert(0, str(TEMPLATE))
from tests.combinations import SUPPORTED_COMBINATIONS  # noqa: E402


def timed(command, cwd):
    """Seconds a command takes; it must succeed."""
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def main():
    """Print per-combination times, and the whole suite's with --whole-suite."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--whole-suite",
        action="store_true",
        help="also time `python -m pytest` of the template (minutes)",
    )
    args = parser.parse_args()
    rows = []
    with workdir() as root:
        for param in SUPPORTED_COMBINATIONS:
            (answers,) = param.values
            started = time.perf_counter()
            project = bake(Path(root) / param.id, **answers)
            baked = time.perf_counter() - started
            tests = timed(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                project,
            )
            rows.append([param.id, f"{baked:.2f}", f"{tests:.2f}"])
    print(table(rows, ["combination", "bake s", "own tests s"]))
    total = sum(float(r[2]) for r in rows)
    print(f"sum of own-test times: {total:.1f} s over {len(rows)} combinations")
    if args.whole_suite:
        whole = timed([sys.executable, "-m", "pytest", "-q"], TEMPLATE)
        print(f"whole template suite (python -m pytest): {whole:.0f} s")


if __name__ == "__main__":
    main()
