"""Security headers on every response, and requests refused before any view."""

from flask import Flask, Response, abort, current_app, request, session

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


def init_app(app: Flask) -> None:
    """Check each request before its view, and add the headers to each response."""
    app.before_request(refuse_undecodable_query)
    app.after_request(no_store_personal)
    app.after_request(add_security_headers)


def refuse_undecodable_query() -> None:
    """Answer 400 to a query string that is not UTF-8: request.args cannot read it."""
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        abort(400)


def add_security_headers(response: Response) -> Response:
    """Add each security header that the view has not set itself.

    Flask runs this for every response it makes: views, redirects, static files
    and error pages alike.
    """
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    policy = current_app.config.get("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    if policy:
        headers.setdefault("Content-Security-Policy", policy)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def no_store_personal(response: Response) -> Response:
    """Forbid caches to keep a page made from the session or a bearer token.

    Such a page may show account data or carry a form token: a shared computer's
    browser cache or a proxy must not keep it (the Back button fetches it anew).
    """
    if session.accessed or "Authorization" in request.headers:
        response.headers.setdefault("Cache-Control", "no-store")
    return response
