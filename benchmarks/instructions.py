"""CPU instructions per request, ours beside cookiecutter-flask's, under callgrind.

req/s on a shared machine moves with its load by more than most changes move it;
instructions do not. Each side is baked and prepared as peer.py does (its own
virtual environment, production environment, database with ten messages on our
home page), then apps/drive.py sends GETs to its WSGI app in one process under
Valgrind's callgrind, twice: WARMUP requests alone, and WARMUP + N. The difference
over N is what one request costs inside the app (Flask, the extensions, the
templates, the database), not gunicorn's parsing and writing, which is the same
for both sides. Needs valgrind (`apt-get install valgrind`) and what peer.py needs.
"""

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import workdir
from peer import OURS
from peer import PAGES
from peer import PEER
from peer import SIDES
from peer import check_checkout
from peer import path_of
from peer import prepare_ours
from peer import prepare_peer

DRIVER = Path(__file__).resolve().parent / "apps" / "drive.py"
COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(side, prepared, path, warmup, count):
    """Instructions callgrind counts for `count` requests after `warmup` ones."""
    project, env, python = prepared
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        str(python),
        str(DRIVER),
        side,
        path,
        str(warmup),
        str(count),
    ]
    # The project's package from its folder, as gunicorn started there imports it.
    # A fixed hash seed: the same dict layouts, so the same count, run after run.
    env = {**env, "PYTHONPATH": str(project), "PYTHONHASHSEED": "0"}
    run = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"{side} {path}: {run.stderr[-3000:]}")
    return int(COLLECTED.search(run.stderr)[1])


def per_request(side, prepared, path, args):
    """Instructions of one request: (warmup + N) less warmup alone, over N."""
    both = instructions(side, prepared, path, args.warmup, args.requests)
    alone = instructions(side, prepared, path, args.warmup, 0)
    return (both - alone) / args.requests


def measure(args):
    """{side: {page label: instructions per request}}."""
    check_checkout(args.peer)
    with workdir() as tmp:
        root = Path(tmp)
        prepared = {
            OURS: prepare_ours(
                root, args.ours_venv or root / "ours-venv", args.ratelimit_storage
            ),
            PEER: prepare_peer(
                root, args.peer, args.peer_venv or root / "peer-venv", False
            ),
        }
        jobs = {
            (side, page[0]): (side, prepared[side], path_of(side, page), args)
            for side in SIDES
            for page in PAGES
        }
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            futures = {key: pool.submit(per_request, *job) for key, job in jobs.items()}
            return {
                side: {page[0]: futures[side, page[0]].result() for page in PAGES}
                for side in SIDES
            }


def main():
    """Measure and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer", type=Path, required=True)
    parser.add_argument("--peer-venv", type=Path)
    parser.add_argument("--ours-venv", type=Path)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--ratelimit-storage", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    counts = measure(args)
    print(
        f"Millions of CPU instructions per request in the WSGI app (callgrind,"
        f" {args.requests} requests after {args.warmup}); ours / peer: below 1.0x,"
        " ours does less work per request."
    )
    print()
    print("| page | ours | cookiecutter-flask | ours / peer |")
    print("| --- | --- | --- | --- |")
    for label, *_ in PAGES:
        ours, peer = counts[OURS][label], counts[PEER][label]
        row = [label, f"{ours / 1e6:.2f}M", f"{peer / 1e6:.2f}M", f"{ours / peer:.2f}x"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
