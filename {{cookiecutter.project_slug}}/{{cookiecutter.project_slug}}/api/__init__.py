"""The JSON API blueprint, under /api/v1, documented by OpenAPI at /api/openapi.json."""

from flask import Flask
from flask_smorest import Blueprint

from {{ cookiecutter.project_slug }}.api.docs import serve_swagger_ui
from {{ cookiecutter.project_slug }}.api.parser import Parser
{%- if cookiecutter.use_wtf %}
from {{ cookiecutter.project_slug }}.extensions import api, csrf
{%- else %}
from {{ cookiecutter.project_slug }}.extensions import api
{%- endif %}

bp = Blueprint(
    "api", __name__, url_prefix="/api/v1", description="The application's JSON API."
)
# Read by @bp.arguments: bodies that JSON cannot load answer 400.
bp.ARGUMENTS_PARSER = Parser()


def init_api(app: Flask) -> None:
    """Serve the API and its OpenAPI document (and, in development, Swagger UI)."""
    if app.debug:
        serve_swagger_ui(app)  # before api.init_app, which reads its settings
    api.init_app(app)
{%- if cookiecutter.use_sqlalchemy %}
    # The writes need a bearer token (api/routes.py).
    api.spec.components.security_scheme(  # pyright: ignore[reportAttributeAccessIssue]
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
{%- endif %}
    api.register_blueprint(bp)
{%- if cookiecutter.use_wtf %}
    # API clients send tokens, not cookies: CSRF does not apply to them.
    csrf.exempt(bp)
{%- endif %}


# Last: the views module decorates `bp`, so it needs it defined first.
from {{ cookiecutter.project_slug }}.api import routes  # noqa: E402, F401
