"""Our default bake beside cookiecutter-flask's, each served as its docs say.

cookiecutter-flask is the template a user would otherwise pick. Both are baked with
their defaults (the peer needs every answer given: its cookiecutter.json has empty
ones) and served on the same number of gunicorn sync workers:

- ours as the generated README's Deploy section says: `gunicorn` reading the bake's
  own gunicorn.conf.py (workers from WEB_CONCURRENCY), FLASK_SECRET_KEY, a SQLite
  DATABASE_URL migrated with `flask db upgrade` and holding ten messages, and the
  rate-limit store that production needs with several workers
  (FLASK_RATELIMIT_STORAGE_URI, Redis by default here), in a virtual environment
  of its own made from the bake's requirements.lock (plus Redis's client);
- the peer as its docs say: its Procfile's command (`gunicorn
  my_flask_app.app:create_app() -w N`), FLASK_ENV=production, FLASK_DEBUG=0,
  DATABASE_URL, SECRET_KEY and SEND_FILE_MAX_AGE_DEFAULT set, `flask db init`,
  `migrate` and `upgrade` from its README, its requirements/prod.txt in a virtual
  environment of its own, and its assets built by `npm install` and
  `npm run build` (its Deploy section) unless --no-npm-build.

Measured in interleaved rounds, each side first in half of them: req/s and p99
from wrk (2 threads, 4 connections) on the home page, the register page and a
404 under /static; cold start (spawn to the first 200 on the home page, one
worker, after an untimed start that leaves each side's bytecode cached, as a
deployed app has it); PSS of the whole server (master and workers). Ratios are
ours / peer, the median of per-round ratios with their range. Not part of CI: it needs a
checkout of cookiecutter-flask (PATH), the package registry, npm, wrk and Redis.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from common import SECRET
from common import Gunicorn
from common import median
from common import memory
from common import workdir
from common import wrk
from serving import prepare

PEER_COMMIT = "e5666c2"
# The peer's cookiecutter.json has an empty default for every answer.
PEER_ANSWERS = {
    "full_name": "Your Name",
    "email": "you@example.com",
    "github_username": "you",
    "project_name": "My Flask App",
    "app_name": "my_flask_app",
    "project_short_description": "A Flask web application.",
    "use_pipenv": "False",
    "python_version": f"{sys.version_info.major}.{sys.version_info.minor}",
    "node_version": "20",
    # Keeps the Procfile: the peer's production command.
    "use_heroku": "True",
}
OURS, PEER = "ours", "cookiecutter-flask"
SIDES = (OURS, PEER)
# (label, our path, the peer's path, the status both answer)
PAGES = [
    ("home page", "/", "/", 200),
    ("register page", "/auth/register", "/register/", 200),
    ("static 404", "/static/missing.css", "/static/missing.css", 404),
]
CONNECTIONS, THREADS = 4, 2
# Neither side runs with this set: a deployed app starts with its bytecode cached
# (Python writes it on a first start; a container's `pip install` at build time).
BYTECODE_OFF = "PYTHONDONTWRITEBYTECODE"


def check_checkout(peer):
    """Refuse a git checkout of the peer at another commit than the pinned one."""
    if not (peer / "cookiecutter.json").is_file():
        raise SystemExit(f"{peer} is not a cookiecutter-flask checkout")
    if not (peer / ".git").exists():
        return "not a git checkout: its commit is taken on trust"
    head = subprocess.run(
        ["git", "-C", str(peer), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not head.startswith(PEER_COMMIT):
        raise SystemExit(f"{peer} is at {head[:7]}: check out {PEER_COMMIT}")
    return head[:7]


def check_store(uri):
    """Fail early when the rate-limit store does not answer."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme.startswith("redis"):
        try:
            socket.create_connection((parts.hostname, parts.port or 6379), 3).close()
        except OSError as error:
            raise SystemExit(
                f"no Redis at {uri} ({error}): start one or pass --ratelimit-storage"
            ) from None


def peer_env(root, venv):
    """The peer's production environment, as its README and app.json set it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "PYTEST_", "GUNICORN_", "VIRTUAL_ENV"))
        and k not in {"DATABASE_URL", "SECRET_KEY", "PORT", "WEB_CONCURRENCY"}
        and k != BYTECODE_OFF
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        FLASK_APP="autoapp.py",
        FLASK_ENV="production",
        FLASK_DEBUG="0",
        DATABASE_URL=f"sqlite:///{root / 'peer.sqlite'}",
        SECRET_KEY=SECRET,
        # Its README: "in production, set to a higher number, like 31556926".
        SEND_FILE_MAX_AGE_DEFAULT="31556926",
    )
    return env


def install(venv, requirements, *packages):
    """A virtual environment at `venv` (kept if it exists) with `requirements`."""
    run = {"check": True, "capture_output": True}
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], **run)
        pip = [python, "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "-r", requirements], **run)
        if packages:
            subprocess.run([*pip, *packages], **run)
    return python


def prepare_ours(root, venv, storage):
    """Bake, migrate and seed ours, install its lock; return (project, env, python).

    The server runs in a virtual environment made from the bake's own
    requirements.lock, as its Dockerfile installs it, plus Redis's client when the
    limits are counted in Redis (the README: "with its client package installed").
    """
    (root / "ours").mkdir()
    project, env, _ = prepare(root / "ours")
    env["FLASK_RATELIMIT_STORAGE_URI"] = storage
    # The bake's own code from its folder, as `gunicorn` started there imports it.
    env["PYTHONPATH"] = str(project)
    env.pop(BYTECODE_OFF, None)
    extra = ["redis"] if storage.startswith("redis") else []
    python = install(venv, project / "requirements.lock", *extra)
    return project, env, python


def prepare_peer(root, checkout, venv, npm_build):
    """Bake the peer, install it, build its assets, migrate; (project, env, python)."""
    run = {"check": True, "capture_output": True}
    answers = [f"{key}={value}" for key, value in PEER_ANSWERS.items()]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            str(checkout),
            "-o",
            str(root / "peer"),
            *answers,
        ],
        **run,
    )
    project = root / "peer" / PEER_ANSWERS["app_name"]
    python = install(venv, project / "requirements" / "prod.txt")
    env = peer_env(root, venv)
    if npm_build:
        subprocess.run(["npm", "install"], cwd=project, env=env, **run)
        subprocess.run(["npm", "run", "build"], cwd=project, env=env, **run)
    for step in ("init", "migrate", "upgrade"):
        subprocess.run(["flask", "db", step], cwd=project, env=env, **run)
    return project, env, python


def make_servers(ours, peer, workers):
    """One Gunicorn per side, as each side's docs start it for production."""
    project, env, python = ours
    ours_server = Gunicorn(
        None,  # the config's wsgi_app: plain `gunicorn` in the project folder
        project,
        {**env, "WEB_CONCURRENCY": str(workers)},
        project / "gunicorn.conf.py",
        python=python,
    )
    project, env, python = peer
    peer_server = Gunicorn(
        f"{PEER_ANSWERS['app_name']}.app:create_app()",
        project,
        env,
        None,  # the Procfile names no config, and the bake has none
        ("--workers", str(workers)),
        python=python,
    )
    return {OURS: ours_server, PEER: peer_server}


def path_of(side, page):
    """The page's path on one side."""
    _, ours, peer, _ = page
    return ours if side == OURS else peer


def in_turn(round_index):
    """Both sides, ours first on even rounds and the peer first on odd ones."""
    return SIDES if round_index % 2 == 0 else SIDES[::-1]


def check_pages(servers):
    """Each page answers its expected status on both sides (no redirect taken)."""
    for side, server in servers.items():
        for page in PAGES:
            url = server.url + path_of(side, page)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            if status != page[3] or (status == 200 and response.url != url):
                raise SystemExit(f"{side}: {url} answered {status}, not {page[3]}")


def pss(server):
    """PSS in MiB of the master and every worker still running."""
    total = memory(server.process.pid)[1]
    for pid in server.workers():
        try:
            total += memory(pid)[1]
        except OSError:  # a worker replaced meanwhile
            continue
    return total


def cold_starts(servers, rounds):
    """Seconds from spawning gunicorn (one worker) to a first 200 on the home page."""
    times = {side: [] for side in SIDES}
    for server in servers.values():  # untimed: writes each side's bytecode cache
        try:
            server.start("/")
        finally:
            server.stop()
    for index in range(rounds):
        for side in in_turn(index):
            try:
                times[side].append(servers[side].start("/"))
            finally:
                servers[side].stop()
    return times


def loaded(servers, args):
    """req/s, p99 and errors per side, page and round; PSS at start and per round."""
    figures = {
        "rates": {side: {page[0]: [] for page in PAGES} for side in SIDES},
        "p99": {side: {page[0]: [] for page in PAGES} for side in SIDES},
        "pss_start": {},
        "pss_load": {side: [] for side in SIDES},
        "socket_errors": {side: 0 for side in SIDES},
        "unexpected_status": {side: 0 for side in SIDES},
    }
    try:
        for server in servers.values():
            server.start("/")
        check_pages(servers)
        # Every template compiled and every pool filled before the first round.
        for side, server in servers.items():
            for page in PAGES:
                wrk(server.url + path_of(side, page), 1, CONNECTIONS, THREADS)
            figures["pss_start"][side] = [pss(server)]
        for index in range(args.rounds):
            for page in PAGES:
                for side in in_turn(index):
                    url = servers[side].url + path_of(side, page)
                    run = wrk(url, args.seconds, CONNECTIONS, THREADS, latency=True)
                    figures["rates"][side][page[0]].append(run["rate"])
                    figures["p99"][side][page[0]].append(run["p99"])
                    figures["socket_errors"][side] += run["socket_errors"]
                    if page[3] == 200:
                        figures["unexpected_status"][side] += run["non_2xx"]
            for side in in_turn(index):
                figures["pss_load"][side].append(pss(servers[side]))
    finally:
        for server in servers.values():
            server.stop()
    return figures


def ratios(ours, peer):
    """Per-round ratios ours / peer (a round where a side served nothing left out)."""
    return [a / b for a, b in zip(ours, peer, strict=True) if a and b]


def ratio(ours, peer):
    """The median per-round ratio with its range, as '0.95x (0.90-1.01)'."""
    each = ratios(ours, peer)
    return f"{median(each):.2f}x ({min(each):.2f}-{max(each):.2f})"


def pair(ours, peer, form, scale=1):
    """The two medians side by side, as 'ours / peer'."""
    return f"{form.format(median(ours) * scale)} / {form.format(median(peer) * scale)}"


def met(ok):
    """The word for a target."""
    return "met" if ok else "missed"


def markdown(headers, rows):
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(figures):
    """The Markdown tables of one run (or of several pooled)."""
    meta = figures["meta"]
    out = [
        f"Measured {meta['date']} on {meta['cpus']} shared cores (load average"
        f" {meta['load_before']} before, {meta['load_after']} after),"
        f" {meta['workers']} gunicorn sync workers each, wrk with {THREADS} threads"
        f" and {CONNECTIONS} connections for {meta['seconds']} s per page and side,"
        f" {meta['rounds']} rounds, each side first in half of them. Ours: the"
        " default bake, its gunicorn.conf.py as shipped, FLASK_RATELIMIT_STORAGE_URI"
        f"={meta['storage']}, ten messages on the home page. Peer: cookiecutter-flask"
        f" {meta['peer_commit']}, its Procfile's command, FLASK_ENV=production,"
        f" assets {'built with npm' if meta['npm_build'] else 'not built'}. Ratios:"
        " ours / peer, median of per-round ratios (range)."
    ]
    rows = []
    rates, p99 = figures["rates"], figures["p99"]
    for label, ours_path, peer_path, _ in PAGES:
        each = median(ratios(rates[OURS][label], rates[PEER][label]))
        p99_each = median(ratios(p99[OURS][label], p99[PEER][label]))
        rows.append(
            [
                f"{label} (`{ours_path}`, `{peer_path}`)",
                pair(rates[OURS][label], rates[PEER][label], "{:,.0f}"),
                ratio(rates[OURS][label], rates[PEER][label]),
                f">= 1.0x, {met(each >= 1.0)}",
                pair(p99[OURS][label], p99[PEER][label], "{:.1f}", 1000),
                ratio(p99[OURS][label], p99[PEER][label]),
                f"<= 2x, {met(p99_each <= 2.0)}",
            ]
        )
    out.append(
        markdown(
            [
                "page",
                "req/s ours / peer",
                "ours / peer",
                "target",
                "p99 ms ours / peer",
                "p99 ours / peer",
                "target",
            ],
            rows,
        )
    )
    starts = figures["starts"]
    each = median(ratios(starts[OURS], starts[PEER]))
    out.append(
        markdown(
            [
                "cold start, spawn to first 200 on `/`, 1 worker",
                "ms ours / peer",
                "ours / peer",
                "target",
            ],
            [
                [
                    "median of " + str(len(starts[OURS])) + " starts",
                    pair(starts[OURS], starts[PEER], "{:.0f}", 1000),
                    ratio(starts[OURS], starts[PEER]),
                    f"<= 1.0x, {met(each <= 1.0)}",
                ]
            ],
        )
    )
    rows = []
    for name, key in (("at start", "pss_start"), ("after load", "pss_load")):
        ours, peer = figures[key][OURS], figures[key][PEER]
        each = median(ratios(ours, peer))
        rows.append(
            [
                name,
                f"{median(ours):.1f} / {median(peer):.1f}",
                ratio(ours, peer),
                f"<= 1.1x, {met(each <= 1.1)}",
            ]
        )
    out.append(
        markdown(
            [
                f"PSS, master and {meta['workers']} workers",
                "MiB ours / peer",
                "ours / peer",
                "target",
            ],
            rows,
        )
    )
    out.append(
        f"wrk socket errors: {figures['socket_errors']}; non-2xx answers on the"
        f" 200 pages: {figures['unexpected_status']}."
    )
    return "\n\n".join(out)


def measure(args):
    """Bake, install and serve both sides; every measurement of the script."""
    checked = check_checkout(args.peer)
    check_store(args.ratelimit_storage)
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with workdir() as tmp:
        root = Path(tmp)
        ours = prepare_ours(
            root, args.ours_venv or root / "ours-venv", args.ratelimit_storage
        )
        peer = prepare_peer(
            root, args.peer, args.peer_venv or root / "peer-venv", args.npm_build
        )
        starts = cold_starts(make_servers(ours, peer, 1), args.cold_rounds)
        figures = loaded(make_servers(ours, peer, args.workers), args)
    figures["starts"] = starts
    figures["meta"] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
        "workers": args.workers,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "storage": args.ratelimit_storage,
        "peer_commit": f"{PEER_COMMIT} ({checked})",
        "npm_build": args.npm_build,
    }
    return figures


def main():
    """Measure (or read saved figures) and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--peer", type=Path, help="a cookiecutter-flask checkout at " + PEER_COMMIT
    )
    parser.add_argument(
        "--peer-venv",
        type=Path,
        help="the peer's virtual environment: made there and kept"
        " if missing, reused if present (default: a fresh one)",
    )
    parser.add_argument(
        "--ours-venv",
        type=Path,
        help="ours likewise, from the bake's requirements.lock",
    )
    parser.add_argument(
        "--no-npm-build",
        dest="npm_build",
        action="store_false",
        help="serve the peer without its webpack assets",
    )
    # Procfile: `-w 3`; ours reads WEB_CONCURRENCY.
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=3, help="wrk run per page")
    parser.add_argument("--cold-rounds", type=int, default=10)
    parser.add_argument("--ratelimit-storage", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--save", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--from-json",
        type=Path,
        help="print the report of a saved run; measure nothing",
    )
    args = parser.parse_args()
    if args.from_json:
        figures = json.loads(args.from_json.read_text())
    elif args.peer:
        figures = measure(args)
    else:
        parser.error("--peer PATH is needed (or --from-json)")
    if args.save:
        args.save.write_text(json.dumps(figures, indent=1))
    print(report(figures))


if __name__ == "__main__":
    main()
