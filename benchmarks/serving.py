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


def in_turn(servers, round_index):
    """The servers in order on even rounds, reversed on odd ones.

    On a shared machine speed drifts within a round; alternating the order keeps
    that drift from always falling on the same app.
    """
    items = list(servers.items())
    return items if round_index % 2 == 0 else items[::-1]


def cold_starts(servers, rounds):
    """Seconds from spawning gunicorn to a first 200 on /healthz, per app and round."""
    times = {name: [] for name in servers}
    for index in range(rounds):
        for name, server in in_turn(servers, index):
            times[name].append(server.start())
            server.stop()
    return times


def throughput(servers, paths, seconds, rounds):
    """Requests/second per (app, path) and round, rounds interleaved across apps."""
    results = {}
    for server in servers.values():
        server.start()
    try:
        for index in range(rounds):
            for name, server in in_turn(servers, index):
                for path in paths.get(name, ["/healthz"]):
                    rate = load(server.url + path, seconds)
                    results.setdefault((name, path), []).append(rate)
    finally:
        for server in servers.values():
            server.stop()
    return results


def round_ratios(values, baseline):
    """Each round's value divided by the baseline's value in that same round.

    Comparing within a round cancels the machine's slow and fast spells, which a
    ratio of the two overall medians would not.
    """
    return [value / base for value, base in zip(values, baseline, strict=True)]


def spread(ratios):
    """The lowest and highest per-round ratio, to show how noisy the run was."""
    return f"{min(ratios):.2f}-{max(ratios):.2f}"


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
                    f"{median(values) * 1000:.0f}",
                    f"{median(round_ratios(values, bare)):.2f}",
                    f"{median(round_ratios(values, floor)):.2f}",
                    spread(round_ratios(values, floor)),
                ]
                for name, values in starts.items()
            ],
            [
                f"cold start ({args.rounds} rounds)",
                "median ms to first 200",
                "x bare",
                "x floor",
                "x floor, range",
            ],
        )
    )
    print()
    base = rates["bare Flask", "/healthz"]
    print(
        table(
            [
                [
                    name,
                    path,
                    f"{median(values):.0f}",
                    f"{median(round_ratios(values, base)):.2f}",
                    spread(round_ratios(values, base)),
                ]
                for (name, path), values in rates.items()
            ],
            [
                f"throughput ({args.rounds} rounds x {args.seconds}s)",
                "path",
                "median req/s",
                "x bare /healthz",
                "range",
            ],
        )
    )


if __name__ == "__main__":
    main()
