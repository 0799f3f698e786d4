"""Error pages for the whole site, in place of Werkzeug's bare ones."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_api %}
from flask import current_app, render_template, request
{%- elif cookiecutter.use_sqlalchemy %}
from flask import current_app, render_template
{%- elif cookiecutter.use_api %}
from flask import render_template, request
{%- else %}
from flask import render_template
{%- endif %}
from flask.typing import ResponseReturnValue
{%- if cookiecutter.use_wtf %}
from flask_wtf.csrf import CSRFError
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
{%- else %}
from werkzeug.exceptions import HTTPException
{%- endif %}

from {{ cookiecutter.project_slug }}.errors import bp
{%- if cookiecutter.use_api and cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import api, db
{%- elif cookiecutter.use_api %}
from {{ cookiecutter.project_slug }}.extensions import api
{%- elif cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}

# What each error page tells a visitor. 404, 500 and 503 have their own template.
MESSAGES = {
    400: "The request could not be understood. Go back and try again.",
    403: "You do not have permission to see this page.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large.",
    429: "Too many requests. Please wait a moment, then try again.",
}


def render_error(error: HTTPException) -> ResponseReturnValue:
    """Render the error's page, keeping its headers (405's Allow, 429's Retry-After)."""
{%- if cookiecutter.use_api %}
    if request.path.startswith("/api/"):
        return api_error(error)
{%- endif %}
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    code = error.code or 500
    if code in MESSAGES:
        page = render_template("errors/error.html", error=error, message=MESSAGES[code])
    else:
        page = render_template(f"errors/{code}.html", error=error)
    return page, code, headers


for code in (*MESSAGES, 404, 500):
    bp.app_errorhandler(code)(render_error)
{%- if cookiecutter.use_wtf %}


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> tuple[str, int]:
    """A form whose CSRF token is missing or expired: ask the user to send it again."""
    message = (
        "This form has expired or could not be checked. Reload the page, then send"
        " the form again."
    )
    return render_template("errors/error.html", error=error, message=message), 400
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}


@bp.app_errorhandler(OperationalError)
def database_unavailable(error: OperationalError) -> ResponseReturnValue:
    """The database did not answer: 503, so clients and balancers retry later."""
    db.session.rollback()
    current_app.logger.error("Database unavailable: %s", error)
    return render_error(ServiceUnavailable())
{%- endif %}
{%- if cookiecutter.use_api %}


@bp.app_errorhandler(HTTPException)
def api_error(error: HTTPException) -> ResponseReturnValue:
    """Errors under /api/ answer JSON (flask-smorest's), keeping their headers."""
    if not request.path.startswith("/api/"):
        return error
    payload, code, headers = api.handle_http_exception(error)
    kept = {k: v for k, v in error.get_headers() if k != "Content-Type"}
    return payload, code or 500, {**kept, **(headers or {})}
{%- endif %}
