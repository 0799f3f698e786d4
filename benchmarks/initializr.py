"""Download times of the initializr, served by gunicorn, beside bare Flask and a bake.

Targets (issue: a web initializr): the default project in under 1 s when it must
be baked, under 50 ms from the cache. Baselines measured in the same run: bare
Flask's JSON answer through the same gunicorn settings (what any request costs),
and cookiecutter's Python API baking the same answers in this process (the floor
of an uncached download). Figures are medians; nothing here asserts a time.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import APPS
from common import TEMPLATE
from common import free_port
from common import median
from common import table


def serve(app, cwd, env):
    """gunicorn as the README starts the initializr: 2 workers on loopback."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--workers", "2"),
            *("--bind", f"127.0.0.1:{port}", app),
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start")


def fetch(url):
    """Seconds to download `url` whole; fails on anything but 200."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200
    return time.perf_counter() - started


def bake_in_process(output):
    """Seconds for cookiecutter's API to bake the defaults (no archive, no HTTP)."""
    from cookiecutter.main import cookiecutter

    started = time.perf_counter()
    cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(output))
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="uncached downloads")
    parser.add_argument("--cached", type=int, default=30, help="cached downloads")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="initializr-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("INITIALIZR_")},
        "INITIALIZR_CACHE_DIR": str(work / "cache"),
        "XDG_RUNTIME_DIR": str(work),
        # Not a test: the limits stay on, raised above what the rounds ask.
        "INITIALIZR_ARCHIVE_RATE_LIMIT": "1000 per minute",
    }
    initializr, url = serve("initializr:create_app()", TEMPLATE, env)
    (work / "bare").mkdir()
    bare, bare_url = serve(
        "bare:app", APPS, {**env, "XDG_RUNTIME_DIR": str(work / "bare")}
    )
    try:
        fetch(url + "/starter.zip?use_api=yes")  # starts each worker's forkserver
        fetch(url + "/starter.zip?use_api=yes")
        uncached, cached, baseline, floor = [], [], [], []
        for index in range(args.rounds):
            shutil.rmtree(work / "cache" / "archives", ignore_errors=True)
            (work / "cache" / "archives").mkdir(parents=True)
            uncached.append(fetch(url + "/starter.zip"))
            floor.append(bake_in_process(work / f"bake-{index}"))
        for _ in range(args.cached):
            cached.append(fetch(url + "/starter.zip"))
            baseline.append(fetch(bare_url + "/healthz"))
    finally:
        for process in (initializr, bare):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    def ms(values):
        return f"{median(values) * 1000:.1f} ms"

    rows = [
        ["default project, baked (GET /starter.zip)", ms(uncached), "< 1000 ms"],
        ["cookiecutter API bake, in process (floor)", ms(floor), ""],
        ["default project, cached (GET /starter.zip)", ms(cached), "< 50 ms"],
        ["bare Flask JSON, same gunicorn settings", ms(baseline), ""],
    ]
    print(table(rows, ["download", "median", "target"]))
    print(f"({args.rounds} baked rounds, {args.cached} cached; gunicorn 2 workers)")


if __name__ == "__main__":
    main()
