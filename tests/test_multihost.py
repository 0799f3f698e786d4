"""One baked project on several hosts behind HAProxy, in network namespaces.

The network (tests/support/netns.py): a database host running its own PostgreSQL
cluster and Redis, three web hosts each serving the project with gunicorn and its
own unchanged gunicorn.conf.py, a load balancer host running HAProxy with health
checks on /readyz, and a client host. Celery workers run on web1 and web2. All
addresses are in 10.88.18.0/24 and exist only inside the namespaces made here.

Proven: hosts started together migrate once; a session and the login rate limit
hold across hosts; jobs sent from any host run on either worker; a rolling
restart under load loses no request; a host killed with SIGKILL costs only its
in-flight requests. Throughput through the balancer with 1, 2 and 3 hosts is
printed (and written to artifacts/multihost.json), never asserted.
"""

import csv
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.baking import TEMPLATE
from tests.support.baking import bake
from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.machine import require
from tests.support.netns import Lab
from tests.support.netns import netns_available

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("multihost")]

SUBNET = "10.88.18"
DB, LB, CLIENT = f"{SUBNET}.2", f"{SUBNET}.20", f"{SUBNET}.30"
WEB = {"web1": f"{SUBNET}.11", "web2": f"{SUBNET}.12", "web3": f"{SUBNET}.13"}
WORKER_HOSTS = ("web1", "web2")
SLUG = "multihost_app"
SECRET_KEY = "multihost-test-key-" + "0123456789abcdef" * 2
CLIENT_SCRIPT = TEMPLATE / "tests" / "support" / "multihost_client.py"
# HAProxy checks /readyz every 500 ms: 2 failures mark a server down, 2 passes up.
CHECK_INTER_MS, FALL, RISE = 500, 2, 2
LOAD_THREADS = 4
LOGIN_LIMIT = 10  # login POSTs a minute per client address, for all hosts together
REPORT = TEMPLATE / "artifacts" / "multihost.json"
FIGURES = {}


def postgres_bin():
    """The folder of the newest PostgreSQL server binaries, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def missing_prerequisite():
    """Why this machine cannot run the multi-host test, or None."""
    problem = netns_available()
    if problem:
        return problem
    for tool in ("haproxy", "redis-server", "redis-cli", "setpriv", "wrk"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    if not postgres_bin():
        return "PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are missing"
    return None


def haproxy_command(socket_path, command):
    """Send one command to HAProxy's admin socket (a file: no network involved)."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(5)
        sock.connect(str(socket_path))
        sock.sendall(command.encode() + b"\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


class Cluster:
    """The running hosts, and what the tests do with them."""

    def __init__(self, lab, root, project):
        self.lab = lab
        self.root = root
        self.project = project
        self.web = {}  # host -> gunicorn Popen
        self.workers = {}
        self.logs = {}

    # -- Setting up --------------------------------------------------------

    def host_env(self, host):
        """The environment of every process of the app on `host`."""
        runtime = self.root / host / "run"
        runtime.mkdir(parents=True, exist_ok=True)
        return clean_env(
            PATH=os.path.dirname(PYTHON) + os.pathsep + os.environ["PATH"],
            FLASK_APP=SLUG,
            FLASK_SECRET_KEY=SECRET_KEY,
            DATABASE_URL=f"postgresql://postgres@{DB}:5432/app",
            REDIS_URL=f"redis://{DB}:6379/0",
            FLASK_RATELIMIT_STORAGE_URI=f"redis://{DB}:6379/1",
            FLASK_LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute",
            # HAProxy is the one proxy in front: trust its X-Forwarded-For.
            FLASK_PROXY_HOPS="1",
            FORWARDED_ALLOW_IPS=LB,
            PORT="8000",
            WEB_CONCURRENCY="2",
            # One gunicorn control socket per host, as on separate machines.
            XDG_RUNTIME_DIR=str(runtime),
        )

    def start_database(self):
        """initdb, postgres and redis-server, as their own users, on the db host."""
        bin_dir = postgres_bin()
        # The postgres user may pass through the test's folder, not read it.
        self.root.chmod(0o711)
        data = self.root / "pg"
        data.mkdir(mode=0o700)
        shutil.chown(data, "postgres", "postgres")
        initdb = subprocess.run(
            ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
            + [str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "postgres"]
            + ["--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert initdb.returncode == 0, initdb.stderr
        with (data / "db" / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {SUBNET}.0/24 trust\n")
        self.postgres = self.lab.start(
            "db",
            [str(bin_dir / "postgres"), "-D", str(data / "db"), "-p", "5432"]
            + ["-c", f"listen_addresses={DB}", "-c", f"unix_socket_directories={data}"]
            + ["-c", "fsync=off", "-c", "max_connections=200"],
            self.root / "postgres.log",
            stop_signal=signal.SIGINT,
            user="postgres",
        )
        redis_dir = self.root / "redis"
        redis_dir.mkdir()
        self.redis = self.lab.start(
            "db",
            ["redis-server", "--bind", DB, "--port", "6379", "--save", ""]
            + ["--appendonly", "no", "--protected-mode", "no", "--dir", str(redis_dir)],
            self.root / "redis.log",
        )
        ready = [str(bin_dir / "pg_isready"), "-h", DB, "-q"]
        assert self.until(lambda: self.lab.run("db", ready).returncode == 0, 60)
        ping = ["redis-cli", "-h", DB, "ping"]
        assert self.until(lambda: "PONG" in self.lab.run("db", ping).stdout, 30)
        self.psql("CREATE DATABASE app")

    def psql(self, sql, database="postgres"):
        """Run SQL on the db host's server; return psql's unaligned output."""
        done = self.lab.run(
            "db",
            [str(postgres_bin() / "psql"), "-h", DB, "-U", "postgres", "-d", database]
            + ["-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def start_balancer(self):
        """HAProxy on the lb host, round robin over the web hosts, /readyz checks."""
        self.haproxy_socket = self.root / "haproxy.sock"
        servers = "\n".join(
            f"    server {host} {address}:8000 check" for host, address in WEB.items()
        )
        config = self.root / "haproxy.cfg"
        config.write_text(
            f"""global
    maxconn 4096
    stats socket {self.haproxy_socket} mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout queue 30s
    # A check waits behind the requests a server is busy with: allow for it.
    timeout check 2s
    # A request whose connection a server refuses goes to another server.
    retries 2
    option redispatch
    option forwardfor

frontend www
    bind {LB}:80
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    # gunicorn's sync workers serve one request each: send each server at most
    # two per worker and queue the rest here, so checks are not stuck behind a
    # backlog of requests inside the server.
    default-server inter {CHECK_INTER_MS}ms fall {FALL} rise {RISE} maxconn 4
{servers}
"""
        )
        self.haproxy = self.lab.start(
            "lb", ["haproxy", "-db", "-f", str(config)], self.root / "haproxy.log"
        )
        assert self.until(self.haproxy_socket.exists, 15)

    def start_web(self, host):
        """gunicorn on `host`, through the image's entrypoint: migrate, then serve."""
        folder = self.root / host / SLUG
        self.web[host] = self.lab.start(
            host,
            ["sh", "docker-entrypoint.sh", PYTHON, "-m", "gunicorn"],
            self.logs[host],
            cwd=folder,
            env=self.host_env(host),
        )
        return self.web[host]

    def ensure_web(self):
        """Start the web hosts that are not running (a test may run alone, or on
        another xdist worker than the one that started them), and wait until
        HAProxy sees every host up."""
        for host in WEB:
            if host not in self.web or self.web[host].poll() is not None:
                self.start_web(host)
        up = self.until(
            lambda: all(status == "UP" for status, _ in self.servers().values()), 90
        )
        assert up, self.servers()

    def start_worker(self, host):
        """A Celery worker on `host`, named after it."""
        self.workers[host] = self.lab.start(
            host,
            [PYTHON, "-m", "celery", "-A", f"{SLUG}.tasks", "worker"]
            + ["--hostname", f"worker@{host}", "--concurrency", "1"]
            + ["--loglevel", "INFO", "--without-mingle", "--without-gossip"],
            self.root / f"{host}-worker.log",
            cwd=self.root / host / SLUG,
            env=self.host_env(host),
        )

    # -- Looking --------------------------------------------------------------

    @staticmethod
    def until(check, seconds, every=0.1):
        """Poll `check` until true or `seconds` pass; return whether it became true."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(every)
        return bool(check())

    def servers(self):
        """HAProxy's view of the web servers: {host: (status, current sessions)}."""
        text = haproxy_command(self.haproxy_socket, "show stat")
        rows = csv.DictReader(text.lstrip("# ").splitlines())
        return {
            row["svname"]: (row["status"], int(row["scur"] or 0))
            for row in rows
            if row["pxname"] == "web" and row["svname"] in WEB
        }

    def set_state(self, host, state):
        """Put a server in `ready`, `drain` or `maint` state on the balancer."""
        reply = haproxy_command(
            self.haproxy_socket, f"set server web/{host} state {state}"
        )
        assert reply.strip() == "", reply

    def wait_status(self, host, status, seconds=30):
        """Wait until HAProxy reports `host` with a status starting with `status`."""
        return self.until(lambda: self.servers()[host][0].startswith(status), seconds)

    def client(self, action, timeout=120, **arguments):
        """Run one action of multihost_client.py in the client host; its JSON."""
        done = self.lab.run(
            "client",
            [PYTHON, str(CLIENT_SCRIPT), action, json.dumps(arguments)],
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout)

    def start_load(self, name, path="/", pause=0.02, max_seconds=120):
        """Steady load through the balancer until `stop_load` (bounded anyway)."""
        stop_file = self.root / f"{name}.stop"
        out = self.root / f"{name}.json"
        with out.open("w") as stdout:
            process = subprocess.Popen(
                self.lab.command(
                    "client",
                    [PYTHON, str(CLIENT_SCRIPT), "load"]
                    + [
                        json.dumps(
                            dict(
                                host=LB,
                                port=80,
                                path=path,
                                threads=LOAD_THREADS,
                                pause=pause,
                                stop_file=str(stop_file),
                                max_seconds=max_seconds,
                            )
                        )
                    ],
                ),
                stdout=stdout,
                start_new_session=True,
            )
        self.lab.processes.append((process, out, signal.SIGTERM))
        return process, stop_file, out

    def stop_load(self, load):
        """Stop the load and return its report."""
        process, stop_file, out = load
        stop_file.touch()
        assert process.wait(timeout=120) == 0
        return json.loads(out.read_text())

    def log(self, host):
        """What a web host's gunicorn (and its entrypoint) printed so far."""
        return self.logs[host].read_text(errors="replace")


# Session scope: xdist may run other modules' tests between these on the same
# worker, and a module-scoped cluster would be torn down and rebuilt in between.
@pytest.fixture(scope="session")
def cluster():
    """Bake once, build the network, start everything; stop it all afterwards."""
    problem = missing_prerequisite()
    require(problem is None, str(problem))
    root = Path(tempfile.mkdtemp(prefix="ffmh-"))
    project = bake(
        root / "bake",
        project_slug=SLUG,
        database="postgresql",
        use_login=True,
        use_celery=True,
    )
    lab = Lab(f"ffmh{os.getpid() % 100000}", SUBNET).open()
    cluster = Cluster(lab, root, project)
    try:
        lab.add_host("db", 2)
        lab.add_host("lb", 20)
        lab.add_host("client", 30)
        for host, address in WEB.items():
            lab.add_host(host, int(address.rsplit(".", 1)[1]))
            shutil.copytree(project, root / host / SLUG)
            cluster.logs[host] = root / f"{host}.log"
        cluster.start_database()
        cluster.start_balancer()
        yield cluster
    finally:
        lab.close()
        REPORT.parent.mkdir(exist_ok=True)
        REPORT.write_text(json.dumps(FIGURES, indent=2) + "\n")
        if os.environ.get("MULTIHOST_KEEP"):
            print(f"\nmulti-host logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def report(key, value):
    """Keep a figure for artifacts/multihost.json and print it (pytest -s)."""
    FIGURES[key] = value
    print(f"\n[multihost] {key}: {json.dumps(value)}")


def test_hosts_started_together_migrate_once(cluster):
    # The three hosts start at the same moment, each through the image's
    # entrypoint, which runs `flask db upgrade` before gunicorn.
    started = time.monotonic()
    for host in WEB:
        cluster.start_web(host)
    up = cluster.until(
        lambda: all(status == "UP" for status, _ in cluster.servers().values()), 90
    )
    logs = {host: cluster.log(host) for host in WEB}
    assert up, cluster.servers()
    exits = {host: process.poll() for host, process in cluster.web.items()}
    assert exits == dict.fromkeys(WEB), exits
    upgrades = {host: log.count("Running upgrade") for host, log in logs.items()}
    for host, log in logs.items():
        assert "docker-entrypoint: flask db upgrade" in log, host
        assert "Traceback" not in log, log[-3000:]
    versions = cluster.psql("SELECT version_num FROM alembic_version", "app")
    scripts = "".join(
        path.read_text() for path in cluster.project.glob("**/migrations/versions/*.py")
    )
    revisions = re.findall(r'^revision = "(\w+)"', scripts, re.MULTILINE)
    # The head: the one revision no other revision follows.
    followed = re.findall(r"^down_revision\b(.*)$", scripts, re.MULTILINE)
    heads = [r for r in revisions if not any(f'"{r}"' in f for f in followed)]
    assert versions.splitlines() == heads, versions
    assert sum(upgrades.values()) == len(revisions)
    report(
        "migrations",
        {
            "hosts": len(WEB),
            "upgrades_run_per_host": upgrades,
            "alembic_version": versions,
            "entrypoint_failures": 0,
            "seconds_to_all_up": round(time.monotonic() - started, 1),
        },
    )


def test_session_and_rate_limit_hold_across_hosts(cluster):
    cluster.ensure_web()
    hosts = list(WEB.values())
    seen = cluster.client(
        "sessions", hosts=hosts, email="ada@example.com", password="correct horse"
    )
    assert seen["register"] == 302, seen
    assert seen["login"] == 302, seen
    for host in hosts:
        assert seen["accounts"][host] == {
            "status": 200,
            "shows_email": True,
            "location": None,
        }, seen
    assert seen["anonymous"] == 302, seen
    # The limit is counted in Redis: the successful login above used one try.
    attempts = LOGIN_LIMIT + 5
    tries = cluster.client(
        "failed_logins", hosts=hosts, email="ada@example.com", attempts=attempts
    )["statuses"]
    statuses = [status for _, status in tries]
    allowed = LOGIN_LIMIT - 1
    assert statuses == [200] * allowed + [429] * (attempts - allowed), tries
    report(
        "sessions_and_limits",
        {
            "logged_in_on_host1_account_status_per_host": {
                host: seen["accounts"][host]["status"] for host in hosts
            },
            "failed_logins_sent_round_robin": attempts,
            "answered_before_429": statuses.index(429),
            "limit": f"{LOGIN_LIMIT} per minute, 1 used by the successful login",
        },
    )


def test_jobs_from_any_host_run_on_either_worker(cluster):
    cluster.ensure_web()
    for host in WORKER_HOSTS:
        cluster.start_worker(host)
    for host in WORKER_HOSTS:
        log = cluster.root / f"{host}-worker.log"
        assert cluster.until(
            lambda log=log: "ready." in log.read_text(errors="replace"), 60
        ), log.read_text()[-3000:]
    send = (
        "import json\n"
        f"from {SLUG} import create_app\n"
        f"from {SLUG}.tasks import ping\n"
        "create_app()\n"
        "results = [ping.delay() for _ in range(8)]\n"
        "print(json.dumps([[r.id, r.get(timeout=30)] for r in results]))\n"
    )
    sent = {}
    for host in WEB:
        done = cluster.lab.run(
            host,
            [PYTHON, "-c", send],
            cwd=cluster.root / host / SLUG,
            env=cluster.host_env(host),
        )
        assert done.returncode == 0, done.stderr[-3000:]
        sent[host] = json.loads(done.stdout)
    ran_on = {}
    for host in WORKER_HOSTS:
        log = (cluster.root / f"{host}-worker.log").read_text(errors="replace")
        for task_id in re.findall(r"ping\[([0-9a-f-]+)\] succeeded", log):
            ran_on[task_id] = host
    assert all(answer == "pong" for tasks in sent.values() for _, answer in tasks)
    by_worker = {worker: 0 for worker in WORKER_HOSTS}
    table = {}
    for host, tasks in sent.items():
        table[host] = {worker: 0 for worker in WORKER_HOSTS}
        for task_id, _ in tasks:
            table[host][ran_on[task_id]] += 1
            by_worker[ran_on[task_id]] += 1
    assert all(count > 0 for count in by_worker.values()), table
    report("jobs_sent_from_host_run_by_worker", table)


def wrk(cluster, path, seconds=3, connections=16):
    """Requests per second and errors through the balancer, from `wrk`."""
    done = cluster.lab.run(
        "client",
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s"]
        + [f"http://{LB}{path}"],
        timeout=seconds + 60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "requests_per_second": rate,
        "requests": total,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
    }


def test_throughput_by_number_of_hosts(cluster):
    cluster.ensure_web()
    figures = {}
    hosts = list(WEB)
    for count in (1, 2, 3):
        for index, host in enumerate(hosts):
            cluster.set_state(host, "ready" if index < count else "maint")
        assert cluster.until(
            lambda count=count: (
                [s for s, _ in cluster.servers().values()].count("UP") == count
            ),
            30,
        ), cluster.servers()
        figures[f"{count}_hosts"] = {
            path: wrk(cluster, path) for path in ("/healthz", "/")
        }
    report(
        "throughput",
        {
            "settings": "wrk -t2 -c16 -d3s through HAProxy; each host gunicorn"
            " with 2 sync workers; all on this machine's "
            f"{os.cpu_count()} CPUs (shared)",
            **figures,
        },
    )
    for by_path in figures.values():
        for figure in by_path.values():
            assert figure["requests"] > 0


def test_rolling_restart_under_load_loses_no_request(cluster):
    cluster.ensure_web()
    load = cluster.start_load("rolling")
    time.sleep(1)
    steps = {}
    for host in WEB:
        started = time.monotonic()
        # What an operator does: take the host out of the balancer, let the
        # requests it is serving finish, stop it (SIGTERM drains gunicorn),
        # start it again, and put it back once its health check passes.
        cluster.set_state(host, "drain")
        assert cluster.until(lambda host=host: cluster.servers()[host][1] == 0, 30)
        cluster.web[host].send_signal(signal.SIGTERM)
        exit_code = cluster.web[host].wait(timeout=40)
        cluster.set_state(host, "maint")
        cluster.start_web(host)
        ready = cluster.client(
            "wait_http", host=WEB[host], port=8000, path="/readyz", seconds=60
        )
        assert ready["ok"], ready
        cluster.set_state(host, "ready")
        assert cluster.wait_status(host, "UP", 60), cluster.servers()
        steps[host] = {
            "exit_code": exit_code,
            "seconds": round(time.monotonic() - started, 1),
        }
    time.sleep(1)
    result = cluster.stop_load(load)
    report(
        "rolling_restart",
        {
            "requests": result["requests"],
            "lost": result["requests"] - result["counts"].get("200", 0),
            "counts": result["counts"],
            "load": f"{LOAD_THREADS} clients, one request at a time, GET /",
            "steps": steps,
        },
    )
    assert all(step["exit_code"] == 0 for step in steps.values()), steps
    assert result["counts"] == {"200": result["requests"]}, result


def test_killed_host_costs_only_its_in_flight_requests(cluster):
    cluster.ensure_web()
    load = cluster.start_load("kill")
    time.sleep(2)
    victim = "web3"
    killed_at = time.monotonic()
    os.killpg(cluster.web[victim].pid, signal.SIGKILL)
    cluster.web[victim].wait(timeout=10)
    down = cluster.wait_status(victim, "DOWN", 30)
    seconds_to_down = round(time.monotonic() - killed_at, 2)
    time.sleep(2)
    result = cluster.stop_load(load)
    lost = result["requests"] - result["counts"].get("200", 0)
    report(
        "sigkill",
        {
            "requests": result["requests"],
            "lost": lost,
            "counts": result["counts"],
            "failures": result["failures"],
            "seconds_from_kill_to_haproxy_down": seconds_to_down,
            "check": f"inter {CHECK_INTER_MS}ms fall {FALL} rise {RISE}",
        },
    )
    assert down, cluster.servers()
    # At most one request per client can have been inside the killed host.
    assert lost <= LOAD_THREADS, result
    # Bring the host back, as after a crash, for a clean teardown.
    cluster.start_web(victim)
    assert cluster.wait_status(victim, "UP", 60), cluster.servers()


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-n", "0", "-s"]))
