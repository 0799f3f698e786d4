"""The client side of tests/test_multihost.py, run inside the client namespace.

`python multihost_client.py ACTION 'JSON arguments'` prints one JSON object.
Standard library only. Every loop here is bounded by a count or a deadline.
"""

import http.client
import json
import re
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """Cookies kept by hand, so one session can be shown to several hosts.

    The app marks its cookies Secure (production behind HTTPS); this client
    sends them over plain HTTP inside the test network all the same.
    """

    def __init__(self):
        self.cookies = {}

    def request(self, host, method, path, form=None, port=8000):
        """One request to host:port; returns (status, headers, body text)."""
        connection = http.client.HTTPConnection(host, port, timeout=15)
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["expires"] and "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, text
        finally:
            connection.close()

    def csrf_token(self, host, path):
        """The CSRF token of the form at `path` (tied to this browser's session)."""
        status, _, text = self.request(host, "GET", path)
        match = CSRF.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"no form at {host}{path} (status {status})")
        return match.group(1)


def sessions(hosts, email, password):
    """Register and log in through the first host; ask every host who is logged in."""
    browser = Browser()
    first = hosts[0]
    token = browser.csrf_token(first, "/auth/register")
    form = {
        "csrf_token": token,
        "email": email,
        "password": password,
        "confirm_password": password,
    }
    registered = browser.request(first, "POST", "/auth/register", form)[0]
    # Log out and in again, explicitly, through the same first host.
    token = browser.csrf_token(first, "/auth/account")
    form = {"csrf_token": token}
    logged_out = browser.request(first, "POST", "/auth/logout", form)[0]
    token = browser.csrf_token(first, "/auth/login")
    form = {"csrf_token": token, "email": email, "password": password}
    logged_in = browser.request(first, "POST", "/auth/login", form)[0]
    accounts = {}
    for host in hosts:
        status, headers, text = browser.request(host, "GET", "/auth/account")
        accounts[host] = {
            "status": status,
            "shows_email": email in text,
            "location": headers.get("Location"),
        }
    anonymous = Browser().request(hosts[-1], "GET", "/auth/account")[0]
    return {
        "register": registered,
        "logout": logged_out,
        "login": logged_in,
        "accounts": accounts,
        "anonymous": anonymous,
    }


def failed_logins(hosts, email, attempts):
    """Wrong passwords, spread over the hosts in turn; the status of each try."""
    browser = Browser()
    token = browser.csrf_token(hosts[0], "/auth/login")
    statuses = []
    for attempt in range(attempts):
        host = hosts[attempt % len(hosts)]
        form = {"csrf_token": token, "email": email, "password": f"wrong-{attempt}"}
        statuses.append([host, browser.request(host, "POST", "/auth/login", form)[0]])
    return {"statuses": statuses}


def load(host, port, path, threads, pause, stop_file, max_seconds):
    """Steady load: `threads` clients, each one request at a time, until stopped.

    Stops when `stop_file` appears or after `max_seconds`, whichever is first.
    Each request is a new connection, as many independent clients would make.
    """
    results = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    stop = Path(stop_file)
    started = time.time()

    def client():
        while time.monotonic() < deadline and not stop.exists():
            sent = time.time()
            connection = http.client.HTTPConnection(host, port, timeout=30)
            try:
                connection.request("GET", path, headers={"Connection": "close"})
                response = connection.getresponse()
                response.read()
                outcome = response.status
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
            finally:
                connection.close()
            with lock:
                results.append((round(sent - started, 3), outcome))
            time.sleep(pause)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max_seconds + 60)
    counts = {}
    for _, outcome in results:
        counts[str(outcome)] = counts.get(str(outcome), 0) + 1
    failures = [[at, outcome] for at, outcome in results if outcome != 200]
    return {
        "started": started,
        "seconds": round(time.time() - started, 2),
        "requests": len(results),
        "counts": counts,
        "failures": failures[:50],
    }


def wait_http(host, port, path, seconds):
    """Poll until `path` answers 200 or `seconds` pass; report how it went."""
    deadline = time.monotonic() + seconds
    last = None
    tries = 0
    while time.monotonic() < deadline:
        tries += 1
        connection = http.client.HTTPConnection(host, port, timeout=2)
        try:
            connection.request("GET", path)
            last = connection.getresponse().status
            if last == 200:
                return {"ok": True, "tries": tries}
        except OSError as error:
            last = type(error).__name__
        finally:
            connection.close()
        time.sleep(0.1)
    return {"ok": False, "tries": tries, "last": last}


ACTIONS = {
    "sessions": sessions,
    "failed_logins": failed_logins,
    "load": load,
    "wait_http": wait_http,
}

if __name__ == "__main__":
    action, arguments = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(ACTIONS[action](**arguments)))
