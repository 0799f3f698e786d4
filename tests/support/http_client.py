"""An HTTP client for a served project: it keeps cookies and follows no redirect."""

import http.client
import re
import urllib.parse

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """One client with its cookies, from `address` (a loopback one) when given."""

    def __init__(self, url, address=None):
        parts = urllib.parse.urlsplit(url)
        self.server = (parts.hostname, parts.port)
        self.address = address
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        """Send one request; return (status, headers, text) and keep its cookies."""
        source = (self.address, 0) if self.address else None
        connection = http.client.HTTPConnection(
            *self.server, timeout=60, source_address=source
        )
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, text

    def submit(self, path, headers=None, form_path=None, **fields):
        """GET the form at `form_path` (or `path`), then POST `fields` to `path`.

        `headers` go with both requests; the POST carries the form's CSRF token.
        """
        status, _, page = self.request("GET", form_path or path, headers=headers)
        assert status == 200, page[-2000:]
        fields["csrf_token"] = CSRF_TOKEN.search(page)[1]
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode(fields)
        return self.request("POST", path, body, {**form, **(headers or {})})

    def logout(self):
        """Log out with the button of the account page."""
        assert self.submit("/auth/logout", form_path="/auth/account")[0] == 302
