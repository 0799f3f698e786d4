"""Run every benchmark and print its table: the figures README.md records."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bake_time.py", "serving.py", "import_time.py", "test_time.py"]


def main():
    """Run each benchmark script in turn with the arguments given to this one."""
    for script in SCRIPTS:
        print(f"## {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script)], cwd=HERE, check=True)
        print(flush=True)


if __name__ == "__main__":
    main()
