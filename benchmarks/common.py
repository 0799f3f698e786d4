"""Shared pieces of the benchmarks: baking, serving with gunicorn, medians, tables."""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent
APPS = Path(__file__).resolve().parent / "apps"
SECRET = "benchmark-secret-key-0123456789abcdef"


def median(values):
    """The median, as the figure reported for several rounds."""
    return statistics.median(values)


def bake(output_dir, **answers):
    """Bake the template with `answers` into `output_dir`; return the project path."""
    extra = [f"{key}={value}" for key, value in answers.items()]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            str(TEMPLATE),
            "-o",
            str(output_dir),
            *extra,
        ],
        check=True,
        capture_output=True,
    )
    return Path(output_dir) / "my_flask_app"


def free_port():
    """A loopback TCP port that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(project, **extra):
    """Production-like environment for serving a baked project or a baseline app."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "PYTEST_")) and k != "DATABASE_URL"
    }
    env.update(FLASK_SECRET_KEY=SECRET, PYTHONDONTWRITEBYTECODE="1", **extra)
    env["PYTHONPATH"] = str(project)
    return env


class Gunicorn:
    """A gunicorn server on loopback, started and stopped around a measurement.

    `config` is the gunicorn.conf.py to read (None: gunicorn's own defaults), `app`
    the app given on the command line (a positional app wins over the config's
    `wsgi_app`; None serves the config's). Only the address is set on the command
    line, plus `extra` flags where a measurement says so. `python` runs gunicorn
    (another project's virtual environment). The access log (the config's "-",
    standard output) goes to /dev/null and the error log to a file, so neither
    can fill a pipe and stall the server.
    """

    def __init__(self, app, cwd, env, config, extra=(), python=sys.executable):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [
            str(python),
            "-m",
            "gunicorn",
            *(["--config", str(config)] if config else []),
            "--bind",
            f"127.0.0.1:{self.port}",
            *extra,
            *([app] if app else []),
        ]
        self.cwd, self.process = cwd, None
        # Each server its own runtime folder: gunicorn's control socket lives there.
        self.runtime = tempfile.TemporaryDirectory(prefix="foundry-gunicorn-")
        self.env = {**env, "XDG_RUNTIME_DIR": self.runtime.name}
        self.errorlog = Path(self.runtime.name) / "error.log"

    def start(self, path="/healthz"):
        """Start the server; return seconds until the first 200 on `path`."""
        started = time.perf_counter()
        with open(self.errorlog, "ab") as errors:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.errorlog.read_text())
            try:
                with urllib.request.urlopen(self.url + path, timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.005)
        self.stop()
        raise RuntimeError(f"no 200 on {path} within 60 s")

    def workers(self):
        """Process ids of the master's children: the workers."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(child) for child in children.split()]

    def stop(self):
        """Stop the server and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def memory(pid):
    """(RSS, PSS, USS) of a process in MiB, from /proc/<pid>/smaps_rollup.

    USS, the unique set, is the memory only this process holds (its private
    pages): what another worker costs. PSS shares each shared page among its users.
    """
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return fields["Rss"], fields["Pss"], uss


def load(url, seconds, connections=16, threads=2):
    """(requests per second, errors) on `url` from wrk, loopback only.

    Socket errors (a connection reset while a worker is replaced) and answers
    other than 2xx are counted, to be reported beside the figures.
    """
    run = wrk(url, seconds, connections, threads)
    return run["rate"], run["socket_errors"] + run["non_2xx"]


def wrk(url, seconds, connections, threads, latency=False):
    """One wrk run on `url`, loopback only, as a dict.

    rate (requests/s), socket_errors (connect, read, write, timeout), non_2xx
    (answers other than 2xx), and with `latency` p50 and p99 in seconds from
    wrk's latency distribution.
    """
    binary = shutil.which("wrk")
    if not binary:
        raise SystemExit("wrk is needed for throughput: apt-get install wrk")
    out = subprocess.run(
        [
            binary,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            *(["--latency"] if latency else []),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    run = {"socket_errors": 0, "non_2xx": 0}
    for line in out.splitlines():
        words = line.split()
        if line.strip().startswith("Non-2xx"):
            run["non_2xx"] += int(words[-1])
        elif line.strip().startswith("Socket errors:"):
            run["socket_errors"] += sum(
                int(part.split()[-1]) for part in line.split(":")[1].split(",")
            )
        elif line.startswith("Requests/sec:"):
            run["rate"] = float(words[1])
        elif latency and words[:1] in (["50%"], ["99%"]):
            run["p" + words[0].rstrip("%")] = duration(words[1])
    return run


def duration(text):
    """Seconds from one of wrk's durations: '812.00us', '3.05ms', '1.20s', '2.00m'."""
    for unit, scale in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    raise ValueError(f"not a wrk duration: {text}")


def table(rows, headers):
    """A plain-text table, as printed and pasted into benchmarks/README.md."""
    widths = [
        max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)
    ]
    lines = [" | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("-|-".join("-" * w for w in widths))
    lines += [
        " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True))
        for r in rows
    ]
    return "\n".join(lines)


def workdir():
    """A temporary folder removed at exit."""
    return tempfile.TemporaryDirectory(prefix="foundry-bench-")
