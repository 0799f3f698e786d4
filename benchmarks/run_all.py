"""Run every benchmark and print its table: the figures benchmarks/README.md records."""

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "bake_time.py",
    "serving.py",
    "import_time.py",
    "test_time.py",
    "initializr.py",
]


def main():
    """Run each benchmark script in turn; time the whole run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="let serving.py write its tables into benchmarks/README.md",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    for script in SCRIPTS:
        extra = (
            ["--write-readme"] if args.write_readme and script == "serving.py" else []
        )
        print(f"## {script}", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / script), *extra], cwd=HERE, check=True
        )
        print(flush=True)
    print(f"run_all.py: {time.perf_counter() - started:.0f} s in all", flush=True)


if __name__ == "__main__":
    main()
