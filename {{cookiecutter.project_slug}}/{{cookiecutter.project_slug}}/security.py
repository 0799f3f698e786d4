"""Security headers on every response, and requests refused before any view."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flask import Response, abort, request, session

if TYPE_CHECKING:  # the WSGI types exist for type checkers only (as in Flask)
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Our pages load their CSS and scripts from /static only, with nothing inline,
# so the policy can forbid everything else. Loosen it here if a page needs more;
# the setting CONTENT_SECURITY_POLICY replaces it (None sends none).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Older browsers ignore frame-ancestors: forbid framing for them too.
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Browsers remember for a year to use HTTPS only. Sent only over HTTPS (behind a
# proxy, set FLASK_PROXY_HOPS so the app sees the original scheme).
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


class SecurityHeaders:
    """WSGI middleware adding the headers to each response that has not set them.

    The list is made once at start, from the app's final config, and added where
    the response is sent, which costs less than editing every Flask response;
    HSTS goes over HTTPS only.
    """

    def __init__(self, wsgi_app: WSGIApplication, config: Mapping[str, Any]) -> None:
        self.wsgi_app = wsgi_app
        policy = config.get("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
        headers = dict(SECURITY_HEADERS)
        if policy:
            headers["Content-Security-Policy"] = policy
        self.http_headers = list(headers.items())
        self.https_headers = [
            *self.http_headers,
            ("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY),
        ]

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        secure = environ["wsgi.url_scheme"] == "https"
        wanted = self.https_headers if secure else self.http_headers

        def start_with_headers(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: OptExcInfo | None = None,
        ) -> Callable[[bytes], object]:
            present = {name.lower() for name, _ in headers}
            headers.extend(h for h in wanted if h[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def refuse_undecodable_query() -> None:
    """Answer 400 to a query string that is not UTF-8: request.args cannot read it."""
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        abort(400)


def no_store_personal(response: Response) -> Response:
    """Forbid caches to keep a page made from the session or a bearer token.

    Such a page may show account data or carry a form token: a shared computer's
    browser cache or a proxy must not keep it (the Back button fetches it anew).
    """
    if session.accessed or "Authorization" in request.headers:
        response.headers.setdefault("Cache-Control", "no-store")
    return response
