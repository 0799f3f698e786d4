"""Security headers on every response, and limits on what a request may ask."""

from urllib.parse import unquote_to_bytes

from flask import abort
from flask import current_app
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# The same policy as the projects the template bakes: pages load their CSS and
# script from /static only, nothing inline, so everything else is forbidden.
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
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Older browsers ignore frame-ancestors: forbid framing for them too.
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def add_headers(response):
    """Add the security headers a response has not set itself (HSTS over HTTPS)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", STRICT_TRANSPORT_SECURITY
        )
    return response


def check_query():
    """Refuse a query too long to be answers (414), or not UTF-8 (400).

    Werkzeug would read bytes that are not UTF-8 as U+FFFD, silently.
    """
    if len(request.query_string) > current_app.config["MAX_QUERY_LENGTH"]:
        abort(414)
    try:
        unquote_to_bytes(request.query_string).decode()
    except UnicodeDecodeError:
        abort(400, "The query string is not UTF-8.")


def archive_limit():
    """The rate limit of downloads, from the settings."""
    return current_app.config["ARCHIVE_RATE_LIMIT"]


def init_app(app, downloads, exempt):
    """Wire the limits and headers into `app`: the archives have a limit of their
    own (a blueprint), the health check none; the settings give the defaults."""
    limiter = Limiter(get_remote_address, app=app)
    limiter.limit(archive_limit)(downloads)
    limiter.exempt(exempt)
    app.before_request(check_query)
    app.after_request(add_headers)
