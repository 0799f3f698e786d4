"""Security headers on every response, and requests refused before any view."""

from flask import abort
{%- if cookiecutter.use_wtf %}
from flask import current_app
{%- endif %}
from flask import request
{%- if cookiecutter.use_wtf %}

from {{ cookiecutter.project_slug }}.extensions import csrf
{%- endif %}

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


def security_headers(config):
    """The after_request hook sending the headers, its policy read once from config."""
    headers = dict(SECURITY_HEADERS)
    policy = config.get("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    if policy:
        headers["Content-Security-Policy"] = policy
    https_headers = {**headers, "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY}

    def add_security_headers(response):
        """Add each header the view has not set itself; HSTS when the request is HTTPS."""
        wanted = https_headers if request.is_secure else headers
        present = set(response.headers.keys(lower=True))
        response.headers.extend(
            (name, value)
            for name, value in wanted.items()
            if name.lower() not in present
        )
        return response

    return add_security_headers


def refuse_undecodable_query():
    """Answer 400 to a query string that is not UTF-8, which request.args cannot read."""
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        abort(400)
{%- if cookiecutter.use_wtf %}


def protect_from_csrf():
    """Check the CSRF token of each request that can change data (POST, PUT...).

    Flask-WTF's own hook looks up its exemptions before the method on every
    request; asking it only for these methods spares page views and health checks.
    """
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and request.method in config["WTF_CSRF_METHODS"]:
        csrf.protect(apply_exemptions=True)
{%- endif %}
