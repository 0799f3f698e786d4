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
# The same gunicorn settings for every app measured side by side.
GUNICORN_SETTINGS = Path(__file__).resolve().parent / "gunicorn_settings.py"
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
    """A gunicorn server on loopback, started and stopped around a measurement."""

    def __init__(self, app, cwd, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(GUNICORN_SETTINGS),
            "--bind",
            f"127.0.0.1:{self.port}",
            app,
        ]
        self.cwd, self.env, self.process = cwd, env, None

    def start(self):
        """Start the server; return seconds until the first 200 on /healthz."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.005)
        raise RuntimeError("no 200 on /healthz within 60 s")

    def stop(self):
        """Stop the server and wait for it."""
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def load(url, seconds, connections=16, threads=2):
    """Requests per second on `url` from wrk, bounded in time, loopback only."""
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is needed for throughput: apt-get install wrk")
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = [
        line for line in out.splitlines() if "Non-2xx" in line or "errors" in line
    ]
    if errors:
        raise RuntimeError(f"wrk saw errors on {url}: {errors}")
    line = next(line for line in out.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split()[1])


def table(rows, headers):
    """A plain-text table, as printed and pasted into README.md."""
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
