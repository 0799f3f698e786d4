"""A small network of Linux network namespaces, and the processes run inside them.

Used by tests/test_multihost.py. Every host is a namespace of its own with one
interface, `eth0`, on a bridge that lives in a further namespace (the switch):
nothing is added to the machine's own network namespace, and the addresses exist
only inside the namespaces made here. `Lab.close()` stops every process started
through the lab and deletes every namespace, whatever state the test left.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import time

IP = shutil.which("ip") or "/usr/sbin/ip"


def netns_available():
    """Why namespaces cannot be made here, or None when they can."""
    if not shutil.which("ip"):
        return "iproute2's `ip` is not installed"
    if os.geteuid() != 0:
        return "making network namespaces needs root"
    probe = f"ffprobe{os.getpid()}"
    made = subprocess.run(
        [IP, "netns", "add", probe], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        return f"`ip netns add` failed: {made.stderr.strip()}"
    subprocess.run([IP, "netns", "delete", probe], capture_output=True, check=False)
    return None


def ip(*args, check=True):
    """Run one `ip` command; raise with its message when it fails."""
    done = subprocess.run([IP, *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done


class Lab:
    """Hosts on one /24 behind a bridge, each its own network namespace."""

    def __init__(self, prefix, subnet):
        self.prefix = prefix
        self.subnet = subnet  # the first three octets, e.g. "10.88.18"
        self.switch = f"{prefix}-sw"
        self.namespaces = []
        self.processes = []  # (Popen, log file, stop signal), in start order
        self.addresses = {}

    def _namespace(self, name):
        full = f"{self.prefix}-{name}"
        ip("netns", "add", full)
        self.namespaces.append(full)
        ip("-n", full, "link", "set", "lo", "up")
        return full

    def open(self):
        """Make the switch: a namespace holding the bridge every host plugs into."""
        self._namespace("sw")
        ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        ip("-n", self.switch, "link", "set", "br0", "up")
        return self

    def add_host(self, name, last_octet):
        """A namespace `name` with eth0 at <subnet>.<last_octet>/24 on the bridge."""
        full = self._namespace(name)
        port = f"p{last_octet}"
        ip(
            "-n", self.switch, "link", "add", port, "type", "veth",
            "peer", "name", "eth0", "netns", full,
        )  # fmt: skip
        ip("-n", self.switch, "link", "set", port, "master", "br0", "up")
        address = f"{self.subnet}.{last_octet}"
        ip("-n", full, "addr", "add", f"{address}/24", "dev", "eth0")
        ip("-n", full, "link", "set", "eth0", "up")
        self.addresses[name] = address
        return address

    def command(self, host, argv, user=None):
        """`argv` run inside `host`'s namespace, as `user` when one is given."""
        prefix = [IP, "netns", "exec", f"{self.prefix}-{host}"]
        if user:
            prefix += ["setpriv", f"--reuid={user}", f"--regid={user}"]
            prefix += ["--init-groups", "--"]
        return prefix + list(argv)

    def start(self, host, argv, log, stop_signal=signal.SIGTERM, **kwargs):
        """Start `argv` in `host` in a session of its own; output goes to `log`."""
        user = kwargs.pop("user", None)
        with open(log, "ab") as out:
            process = subprocess.Popen(
                self.command(host, argv, user),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **kwargs,
            )
        self.processes.append((process, log, stop_signal))
        return process

    def run(self, host, argv, timeout=60, user=None, **kwargs):
        """Run `argv` in `host` to completion; return the completed process."""
        return subprocess.run(
            self.command(host, argv, user),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,
        )

    def stop(self, process, sig=signal.SIGTERM, timeout=30):
        """Send `sig` to the process's whole group; SIGKILL it after `timeout` s."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        return process.returncode

    def close(self):
        """Stop every process (latest first), then delete every namespace."""
        for process, _, stop_signal in reversed(self.processes):
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                self.stop(process, stop_signal, timeout=15)
        # A process left in a namespace (a stray child) would keep it alive.
        for namespace in self.namespaces:
            pids = ip("netns", "pids", namespace, check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
        deadline = time.monotonic() + 10
        for namespace in reversed(self.namespaces):
            while ip("netns", "pids", namespace, check=False).stdout.split():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            ip("netns", "delete", namespace, check=False)
        self.namespaces = []
