"""Cold start and throughput of the generated app under gunicorn, beside baselines.

Baselines, served with the same gunicorn settings: a bare Flask app with one JSON
route, and a "floor" app that also imports every extension package the generated
project uses. Load comes from wrk on loopback, bounded in time.
"""

import argparse
import subprocess
import sys

from common import APPS
from common import Gunicorn
from common import app_env
from common import bake
from common import load
from common import median
from common import table
from common import workdir


def cold_starts(servers, rounds):
    """Median seconds from spawning gunicorn to the first 200 on /healthz, per app."""
    times = {name: [] for name in servers}
    for _ in range(rounds):
        for name, server in servers.items():
            times[name].append(server.start())
            server.stop()
    return {name: median(values) for name, values in times.items()}


def throughput(servers, paths, seconds, rounds):
    """Median requests/second per (app, path), rounds interleaved across apps."""
    results = {}
    for server in servers.values():
        server.start()
    try:
        for _ in range(rounds):
            for name, server in servers.items():
                for path in paths.get(name, ["/healthz"]):
                    rate = load(server.url + path, seconds)
                    results.setdefault((name, path), []).append(rate)
    finally:
        for server in servers.values():
            server.stop()
    return {key: median(values) for key, values in results.items()}


def main():
    """Print the cold-start and throughput tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    # Many short rounds, interleaved across the apps, so that a slow spell of a
    # shared machine falls on every app alike and the medians stay comparable.
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per run")
    args = parser.parse_args()
    with workdir() as root:
        project = bake(root)
        database = f"sqlite:///{root}/bench.sqlite"
        generated_env = app_env(project, DATABASE_URL=database)
        subprocess.run(
            [sys.executable, "-m", "flask", "db", "upgrade"],
            cwd=project,
            env=generated_env,
            check=True,
            capture_output=True,
        )
        servers = {
            "bare Flask": Gunicorn("bare:app", APPS, app_env(APPS)),
            "floor (same imports)": Gunicorn("floor:app", APPS, app_env(APPS)),
            "generated": Gunicorn("my_flask_app:create_app()", project, generated_env),
        }
        starts = cold_starts(servers, args.rounds)
        rates = throughput(
            servers, {"generated": ["/healthz", "/"]}, args.seconds, args.rounds
        )
    bare, floor = starts["bare Flask"], starts["floor (same imports)"]
    print(
        table(
            [
                [
                    name,
                    f"{value * 1000:.0f}",
                    f"{value / bare:.2f}",
                    f"{value / floor:.2f}",
                ]
                for name, value in starts.items()
            ],
            [
                f"cold start (median of {args.rounds})",
                "ms to first 200",
                "x bare",
                "x floor",
            ],
        )
    )
    print()
    base = rates["bare Flask", "/healthz"]
    print(
        table(
            [
                [name, path, f"{rate:.0f}", f"{rate / base:.2f}"]
                for (name, path), rate in rates.items()
            ],
            [
                f"throughput (median of {args.rounds} x {args.seconds}s)",
                "path",
                "req/s",
                "x bare /healthz",
            ],
        )
    )


if __name__ == "__main__":
    main()
