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


class SecurityHeaders:
    """WSGI middleware adding the headers to each response that has not set them.

    The list is made once at start, from the app's final config, and added where
    the response is sent, which costs less than editing every Flask response;
    HSTS goes over HTTPS only.
    """

    def __init__(self, wsgi_app, config):
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

    def __call__(self, environ, start_response):
        secure = environ["wsgi.url_scheme"] == "https"
        wanted = self.https_headers if secure else self.http_headers

        def start_with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend(h for h in wanted if h[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def refuse_bad_requests():
    """Refuse, before any view, the requests that no view should see.

    A query string that is not UTF-8 gets 400: request.args cannot read it.
{%- if cookiecutter.use_wtf %}
    A request that can change data (POST, PUT...) needs its CSRF token. Flask-WTF's
    own hook would look up its exemptions on every request first; asking it only
    for these methods spares that work on page views and health checks.
{%- endif %}
    """
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        abort(400)
{%- if cookiecutter.use_wtf %}
    config = current_app.config
    if config["WTF_CSRF_ENABLED"] and request.method in config["WTF_CSRF_METHODS"]:
        csrf.protect(apply_exemptions=True)
{%- endif %}
