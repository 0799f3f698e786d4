"""Security headers on every response, and requests refused before any view."""

from flask import abort
from flask import current_app
from flask import request

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


def add_security_headers(response):
    """Set each header a view has not set itself; HSTS when the request is HTTPS."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    policy = current_app.config.get("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    if policy:
        response.headers.setdefault("Content-Security-Policy", policy)
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", STRICT_TRANSPORT_SECURITY
        )
    return response


def refuse_undecodable_query():
    """Answer 400 to a query string that is not UTF-8, which request.args cannot read."""
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        abort(400)
