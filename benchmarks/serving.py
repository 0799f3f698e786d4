"""The generated app served as shipped, beside the same features wired the stock way.

Every app runs under the baked project's own gunicorn.conf.py, read unchanged:
preload_app, workers from WEB_CONCURRENCY (the same for all), max_requests with its
jitter, the access log on standard output (sent to /dev/null here). Only the
address is given on the command line, with the app to serve.

Apps (apps/): the default bake (SQLite, migrated, production mode); `stock.py`, the
same extensions, features, routes, templates and models wired as each extension's
docs show, and the same with one piece left out at a time (STOCK_WITHOUT); `bare.py`,
bare Flask with one JSON route per path; `floor.py`, bare Flask importing every
extension package (cold start only). Measured in interleaved rounds (each round
every app in turn, the order reversed every other round), ratios taken per round
and reported as the median with the range. Load from wrk on 127.0.0.1 only.

The price of each observability signal: a second bake with use_observability,
served by its own gunicorn.conf.py like the first (its metrics on a METRICS_BIND
port of its own), with one signal at a time switched by its standard setting:
request logs (LOG_LEVEL=INFO; WARNING leaves them out), traces
(OTEL_EXPORTER_OTLP_ENDPOINT, sent to a receiver in this process that answers and
keeps nothing), error reports (SENTRY_DSN, the same kind of receiver); metrics
and request ids, always on in that bake, are priced against the default bake.
`--signals-only` measures these rows alone.
"""

import argparse
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

from common import APPS
from common import SECRET
from common import Gunicorn
from common import bake
from common import free_port
from common import load
from common import median
from common import memory
from common import workdir

ROUTES = ["/healthz", "/", "/auth/login"]
# (row label, STOCK_WITHOUT value): the pieces priced one at a time.
PIECES = [
    ("Flask-Login", "login"),
    ("Flask-Limiter", "limiter"),
    ("Flask-WTF's CSRFProtect", "csrf"),
    ("Flask-SQLAlchemy + Flask-Migrate", "sqlalchemy"),
    ("security headers", "headers"),
]
GENERATED, NO_RECYCLE, STOCK, BARE, FLOOR = (
    "generated",
    "generated, max_requests=0",
    "stock",
    "bare Flask",
    "floor (same imports)",
)
# The observability bake with its signals switched one at a time: (label,
# settings). "signals off" still counts requests and gives them ids.
OBSERVED = "observability, signals off"
SIGNALS = [
    (OBSERVED, {"LOG_LEVEL": "WARNING"}),
    ("+ request logs", {"LOG_LEVEL": "INFO"}),
    ("+ traces", {"LOG_LEVEL": "WARNING", "OTEL_EXPORTER_OTLP_ENDPOINT": "otlp"}),
    ("+ error reports", {"LOG_LEVEL": "WARNING", "SENTRY_DSN": "sentry"}),
    (
        "all signals on",
        {
            "LOG_LEVEL": "INFO",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "otlp",
            "SENTRY_DSN": "sentry",
        },
    ),
]
# Rows of the signals' price table: (row, with the signal, without it).
SIGNAL_PRICES = [
    ("metrics and request ids", OBSERVED, GENERATED),
    ("request logs (JSON, one per request)", "+ request logs", OBSERVED),
    ("traces (OTLP/HTTP, every request sampled)", "+ traces", OBSERVED),
    ("error reports (Sentry, no error sent)", "+ error reports", OBSERVED),
    ("all of them", "all signals on", GENERATED),
]
WORKERS = "2"
# benchmarks/README.md keeps the tables of the last recorded run between these.
README = Path(__file__).resolve().parent / "README.md"
README_BEGIN = "<!-- serving.py:begin -->"
README_END = "<!-- serving.py:end -->"

# Read by gunicorn for the apps that never bind the project's `db`.
NO_DATABASE_CONFIG = '''"""The shipped gunicorn.conf.py, for apps with no database.

Its post_fork disposes of the engines of the project's `db` in each worker. An app
that never bound `db` (bare Flask, the floor, stock without Flask-SQLAlchemy) has no
engines: Flask-SQLAlchemy raises "The current Flask app is not registered with this
'SQLAlchemy' instance" and the worker fails to boot. With nothing to dispose of,
post_fork is the one setting replaced here; every other line is the shipped file.
"""

with open({config!r}) as _file:
    exec(compile(_file.read(), {config!r}, "exec"))


def post_fork(server, worker):
    """No database, so no connection to drop."""
'''


def prepare(root):
    """Bake, migrate and seed the default project; return it, its env, no-db config."""
    project, env = prepare_project(root)
    no_db_config = Path(root) / "gunicorn_no_database.py"
    no_db_config.write_text(
        NO_DATABASE_CONFIG.format(config=str(project / "gunicorn.conf.py"))
    )
    return project, env, no_db_config


def prepare_project(root, **answers):
    """Bake with `answers`, migrate and seed; return the project and its env."""
    project = bake(root, **answers)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "PYTEST_", "GUNICORN_"))
        and k not in {"DATABASE_URL", "PORT", "WEB_CONCURRENCY"}
    }
    database = Path(root) / "bench.sqlite"
    env.update(
        FLASK_SECRET_KEY=SECRET,
        DATABASE_URL=f"sqlite:///{database}",
        WEB_CONCURRENCY=WORKERS,
        PYTHONDONTWRITEBYTECODE="1",
        # The bake first, for the stock app's models, forms and templates.
        PYTHONPATH=f"{project}{os.pathsep}{APPS}",
    )
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "my_flask_app", "db", "upgrade"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    # Ten messages, so the home page renders the list it is built to show.
    with sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO messages (author, body, created_at) VALUES (?, ?, ?)",
            [
                (f"Author {n}", f"Message number {n}, a line of text.", "2026-01-01")
                for n in range(10)
            ],
        )
    return project, env


def make_servers(project, env, no_db_config, names, **extra_env):
    """A Gunicorn for each named app, all reading the shipped config."""
    shipped = project / "gunicorn.conf.py"
    env = {**env, **extra_env}
    specs = {
        GENERATED: ("my_flask_app:create_app()", project, shipped, ()),
        NO_RECYCLE: (
            "my_flask_app:create_app()",
            project,
            shipped,
            ("--max-requests", "0"),
        ),
        STOCK: ("stock:app", APPS, shipped, ()),
        BARE: ("bare:app", APPS, no_db_config, ()),
        FLOOR: ("floor:app", APPS, no_db_config, ()),
    }
    for label, piece in PIECES:
        config = no_db_config if piece == "sqlalchemy" else shipped
        specs[without(label)] = ("stock:app", APPS, config, (), piece)
    servers = {}
    for name in names:
        app, cwd, config, extra, *piece = specs[name]
        app_env = {**env, "STOCK_WITHOUT": piece[0] if piece else ""}
        servers[name] = Gunicorn(app, cwd, app_env, config, extra)
    return servers


def signal_servers(project, env, receiver_url):
    """A Gunicorn of the observability bake for each row of SIGNALS.

    Traces and error reports go to `receiver_url`, which answers and keeps
    nothing: the price is the app's side of sending, not a backend's.
    """
    targets = {
        "otlp": receiver_url,
        "sentry": receiver_url.replace("http://", "http://public@") + "/1",
    }
    servers = {}
    for label, settings in SIGNALS:
        app_env = {k: targets.get(v, v) for k, v in settings.items()}
        # Each master serves its metrics on a port of its own.
        app_env["METRICS_BIND"] = f"127.0.0.1:{free_port()}"
        servers[label] = Gunicorn(
            "my_flask_app:create_app()",
            project,
            {**env, **app_env},
            project / "gunicorn.conf.py",
        )
    return servers


class Sink(BaseHTTPRequestHandler):
    """Answers every POST (OTLP's /v1/traces, Sentry's envelopes) with 200."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        """Quiet."""


def sink():
    """A Sink server in a thread of this process; return the server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def without(label):
    """The name of the stock app with one piece left out."""
    return f"stock without {label}"


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
            try:
                times[name].append(server.start())
            finally:
                server.stop()
    return times


def throughput(servers, seconds, rounds, memory_of):
    """Requests/second per (app, route) and round; memory after each app's turn."""
    rates, errors, memories = {}, {}, {}
    try:
        for server in servers.values():
            server.start()
        for index in range(rounds):
            for name, server in in_turn(servers, index):
                for route in ROUTES:
                    rate, socket_errors = load(server.url + route, seconds)
                    rates.setdefault((name, route), []).append(rate)
                    errors[name] = errors.get(name, 0) + socket_errors
                if name in memory_of:
                    master = memory(server.process.pid)
                    per_worker = worker_memory(server)
                    memories.setdefault(name, []).append((master, per_worker))
    finally:
        for server in servers.values():
            server.stop()
    return rates, errors, memories


def worker_memory(server):
    """memory() of each worker still running (a recycled one may be gone by now)."""
    figures = []
    for pid in server.workers():
        try:
            figures.append(memory(pid))
        except OSError:
            continue
    return figures


def get(port, path):
    """Seconds for one GET on a new connection, as wrk's sync-worker runs see it."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    finally:
        connection.close()
    return time.perf_counter() - started


def recycle_costs(servers, rounds, requests):
    """Seconds a worker recycle adds to the request that waits for the new worker.

    One worker, `requests` sequential GETs on /healthz, with max_requests set to
    1000 (+ up to 100 of jitter) through GUNICORN_CMD_ARGS, so that the worker is
    replaced at least twice (as shipped, it would be replaced far more rarely).
    The error log counts the boots; that many slowest requests, less the median
    request, are the waits from the old worker's last answer to the new one's first
    (its exit, the master's fork, the new worker's start).
    """
    costs = {name: [] for name in servers}
    for index in range(rounds):
        for name, server in in_turn(servers, index):
            try:
                server.start()
                booted = boots(server)
                latencies = sorted(
                    get(server.port, "/healthz") for _ in range(requests)
                )
                recycles = boots(server) - booted
            finally:
                server.stop()
            if recycles:
                typical = median(latencies)
                costs[name] += [t - typical for t in latencies[-recycles:]]
    return costs


def boots(server):
    """How many workers the server has booted so far, from its error log."""
    return len(re.findall(r"Booting worker", server.errorlog.read_text()))


def ratios(values, baseline):
    """Each round's value divided by the baseline's in that same round.

    Comparing within a round cancels the machine's slow and fast spells, which a
    ratio of the two overall medians would not. A round where either side served
    nothing (a stalled run, counted in the report) has no ratio.
    """
    pairs = zip(values, baseline, strict=True)
    return [value / base for value, base in pairs if value and base]


def ratio(values, baseline):
    """The median per-round ratio with its range, as '0.95x (0.90-1.01)'."""
    each = ratios(values, baseline)
    return f"{median(each):.2f}x ({min(each):.2f}-{max(each):.2f})"


def markdown(headers, rows):
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def met(value, target, higher=True):
    """'met' or 'missed' for a median ratio against its target."""
    ok = value >= target if higher else value <= target
    return "met" if ok else "missed"


def report(args, starts, rates, errors, memories, recycles):
    """The Markdown that benchmarks/README.md quotes: every table of this run."""
    out = []
    loads = ", ".join(f"{load:.1f}" for load in args.loads)
    out.append(
        f"Measured {args.date} on {os.cpu_count()} shared cores"
        f" (load average {loads} at the end of each run), WEB_CONCURRENCY={WORKERS},"
        f" the baked gunicorn.conf.py as shipped; wrk with 16 connections for"
        f" {args.seconds} s per app and route, {args.rounds} interleaved rounds."
        " Ratios are medians of per-round ratios, with their range."
    )
    rows = []
    for route in ROUTES:
        gen, stock, bare = (rates[name, route] for name in (GENERATED, STOCK, BARE))
        each = median(ratios(gen, stock))
        rows.append(
            [
                f"`{route}`",
                f"{median(gen):,.0f}",
                f"{median(stock):,.0f}",
                f"{median(bare):,.0f}",
                ratio(gen, stock),
                f"1.0x, {met(each, 1.0)}",
                ratio(gen, bare),
            ]
        )
    out.append(
        markdown(
            [
                "GET (req/s, median)",
                "generated",
                "stock",
                "bare Flask",
                "generated / stock",
                "target",
                "generated / bare",
            ],
            rows,
        )
    )
    floor, bare = starts[FLOOR], starts[BARE]
    gen_floor = median(ratios(starts[GENERATED], floor))
    out.append(
        markdown(
            ["Cold start, spawn to first 200", "median ms", "/ floor", "/ bare Flask"],
            [
                [
                    name,
                    f"{median(values) * 1000:,.0f}",
                    ratio(values, floor),
                    ratio(values, bare),
                ]
                for name, values in starts.items()
            ],
        )
        + f"\n\nCold start target, at most 1.1x the floor: {met(gen_floor, 1.1, False)}"
        f" ({gen_floor:.2f}x, {args.cold_rounds} rounds)."
    )
    rows = []
    for name, samples in memories.items():
        masters = [master for master, _ in samples]
        workers = [worker for _, per_worker in samples for worker in per_worker]
        rows.append(
            [
                name,
                *(f"{median(m[i] for m in masters):.1f}" for i in (0, 2)),
                *(f"{median(w[i] for w in workers):.1f}" for i in (0, 1, 2)),
            ]
        )
    out.append(
        markdown(
            [
                "Memory (MiB, median)",
                "master RSS",
                "master USS",
                "worker RSS",
                "worker PSS",
                "worker USS",
            ],
            rows,
        )
    )
    rows = []
    for route in ROUTES:
        shipped, disabled = rates[GENERATED, route], rates[NO_RECYCLE, route]
        rows.append(
            [
                f"`{route}`",
                f"{median(shipped):,.0f}",
                f"{median(disabled):,.0f}",
                ratio(shipped, disabled),
            ]
        )
    recycle_line = "; ".join(
        f"{name} {median(costs) * 1000:.0f} ms"
        f" ({min(costs) * 1000:.0f}-{max(costs) * 1000:.0f}, {len(costs)} recycles)"
        for name, costs in recycles.items()
        if costs
    )
    out.append(
        markdown(
            [
                "Worker recycling, generated (req/s)",
                "max_requests as shipped",
                "max_requests=0",
                "shipped / disabled",
            ],
            rows,
        )
        + "\n\nOne recycle, the wait of a request from the old worker's last answer"
        " to the new one's first (max_requests=1000 for this measurement)"
        f" (1 worker, median over recycles): {recycle_line}."
    )
    rows = []
    for label, _ in PIECES:
        cells = [label]
        for route in ROUTES:
            values = rates[without(label), route]
            cells.append(
                f"{median(values):,.0f} req/s, {ratio(rates[STOCK, route], values)}"
            )
        rows.append(cells)
    out.append(
        "Price of each piece per request: the stock app without it (req/s), and"
        " stock / without (0.90x: the piece costs 10% of throughput)."
        "\n\n" + markdown(["Left out of stock", *(f"`{r}`" for r in ROUTES)], rows)
    )
    if (SIGNAL_PRICES[0][1], ROUTES[0]) in rates:
        out.append(signal_table(rates))
    total_errors = sum(errors.values())
    stalls = {
        f"{name} {route}": values.count(0) for (name, route), values in rates.items()
    }
    stalls = {key: count for key, count in stalls.items() if count}
    out.append(
        f"wrk socket errors and non-2xx answers over the run: {total_errors}"
        + (f" ({errors})" if total_errors else "")
        + f"; runs with no answer at all: {sum(stalls.values())}"
        + (f" ({stalls}, left out of the ratios)" if stalls else "")
        + "."
    )
    return "\n\n".join(out)


def signal_table(rates):
    """The price of each observability signal: req/s with it, and with / without."""
    rows = []
    for label, on, off in SIGNAL_PRICES:
        cells = [label]
        for route in ROUTES:
            values = rates[on, route]
            cells.append(
                f"{median(values):,.0f} req/s, {ratio(values, rates[off, route])}"
            )
        rows.append(cells)
    return (
        "Price of each observability signal per request, on a bake with"
        " use_observability: req/s with the signal, and with / without it (0.90x:"
        " the signal costs 10% of throughput). Metrics are priced against the"
        " default bake; the others against the same bake with that signal off."
        "\n\n" + markdown(["Signal", *(f"`{r}`" for r in ROUTES)], rows)
    )


def write_readme(text):
    """Replace the figures between the serving markers of benchmarks/README.md."""
    content = README.read_text()
    begin, end = content.index(README_BEGIN), content.index(README_END)
    README.write_text(
        content[: begin + len(README_BEGIN)] + "\n" + text + "\n" + content[end:]
    )


def main():
    """Measure, print the Markdown tables, optionally write them to README.md here."""
    parser = argparse.ArgumentParser(description=__doc__)
    # Many short rounds, interleaved across the apps, so that a slow spell of a
    # shared machine falls on every app alike and the medians stay comparable.
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=2, help="wrk run per route")
    parser.add_argument("--cold-rounds", type=int, default=10)
    parser.add_argument("--recycle-rounds", type=int, default=3)
    parser.add_argument("--recycle-requests", type=int, default=2300)
    parser.add_argument(
        "--save", type=Path, help="also write the raw figures to this JSON file"
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        help="print the report of saved runs (their rounds pooled); measure nothing",
    )
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help="put the tables between the serving markers of benchmarks/README.md",
    )
    parser.add_argument(
        "--signals-only",
        action="store_true",
        help="measure and print the observability signals' price table alone",
    )
    args = parser.parse_args()
    if args.signals_only:
        print(measure_signals(args))
        return
    if args.from_json:
        figures = merged(
            args, [json.loads(path.read_text()) for path in args.from_json]
        )
    else:
        figures = measure(args)
    text = report(args, *figures)
    print(text)
    if args.write_readme:
        write_readme(text)


def merged(args, runs):
    """The figures of several saved runs as one run with all their rounds."""
    for name in ("rounds", "cold_rounds", "recycle_rounds"):
        setattr(args, name, sum(run["args"][name] for run in runs))
    args.seconds = runs[0]["args"]["seconds"]
    args.loads = [run["load"] for run in runs]
    args.date = ", ".join(sorted({run["date"] for run in runs}))
    figures = [{}, {}, {}, {}, {}]
    for run in runs:
        rates = {
            tuple(key.split(" ", 1)[::-1]): values
            for key, values in run["rates"].items()
        }
        parts = [run["starts"], rates, None, run["memories"], run["recycles"]]
        for figure, part in zip(figures, parts, strict=True):
            if part is not None:
                for key, values in part.items():
                    figure.setdefault(key, []).extend(values)
        for key, count in run["errors"].items():
            figures[2][key] = figures[2].get(key, 0) + count
    return figures


def measure_signals(args):
    """The signals' price table alone: the default bake and the observed one."""
    with workdir() as root:
        prepared = prepare(root)
        receiver = sink()
        try:
            servers = make_servers(*prepared, [GENERATED])
            servers.update(observed_servers(root, receiver))
            rates, errors, _ = throughput(servers, args.seconds, args.rounds, set())
        finally:
            receiver.shutdown()
    loads = ", ".join(f"{load:.1f}" for load in os.getloadavg())
    return (
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} shared cores"
        f" (load average {loads} at the end), WEB_CONCURRENCY={WORKERS}, each bake's"
        f" gunicorn.conf.py as shipped; wrk with 16 connections for {args.seconds} s"
        f" per app and route, {args.rounds} interleaved rounds; wrk errors and"
        f" non-2xx answers: {sum(errors.values())}.\n\n{signal_table(rates)}"
    )


def observed_servers(root, receiver):
    """The servers of SIGNALS, on a use_observability bake of their own."""
    folder = Path(root) / "observability"
    project, env = prepare_project(folder, use_observability="true")
    url = f"http://127.0.0.1:{receiver.server_address[1]}"
    return signal_servers(project, env, url)


def measure(args):
    """Every measurement of this script: cold starts, load, memory, recycles."""
    with workdir() as root:
        prepared = prepare(root)
        starts = cold_starts(
            make_servers(*prepared, [GENERATED, STOCK, FLOOR, BARE]),
            args.cold_rounds,
        )
        loaded = [GENERATED, NO_RECYCLE, STOCK, BARE]
        loaded += [without(label) for label, _ in PIECES]
        servers = make_servers(*prepared, loaded)
        receiver = sink()
        try:
            servers.update(observed_servers(root, receiver))
            rates, errors, memories = throughput(
                servers, args.seconds, args.rounds, memory_of={GENERATED, STOCK, BARE}
            )
        finally:
            receiver.shutdown()
        recycles = recycle_costs(
            make_servers(
                *prepared,
                [GENERATED, STOCK, BARE],
                WEB_CONCURRENCY="1",
                GUNICORN_CMD_ARGS="--max-requests 1000 --max-requests-jitter 100",
            ),
            args.recycle_rounds,
            args.recycle_requests,
        )
    args.loads, args.date = [os.getloadavg()[0]], time.strftime("%Y-%m-%d")
    if args.save:
        saved = {
            "load": args.loads[0],
            "date": args.date,
            "args": {k: v for k, v in vars(args).items() if isinstance(v, int)},
            "starts": starts,
            "rates": {f"{route} {name}": v for (name, route), v in rates.items()},
            "errors": errors,
            "memories": memories,
            "recycles": recycles,
        }
        args.save.write_text(json.dumps(saved, indent=1))
    return starts, rates, errors, memories, recycles


if __name__ == "__main__":
    main()
