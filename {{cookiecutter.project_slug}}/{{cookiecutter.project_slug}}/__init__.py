"""Application factory: builds and wires the Flask app."""

from collections.abc import Mapping
from typing import Any

from flask import (
    Flask,
{%- if cookiecutter.use_debugtoolbar %}
    Response,
    request,
{%- endif %}
)
from werkzeug.middleware.proxy_fix import ProxyFix
{# blank line #}
{%- if cookiecutter.use_migrate or cookiecutter.use_observability %}
from {{ cookiecutter.project_slug }} import (
{%- if cookiecutter.use_migrate %}
    migrations,
{%- endif %}
{%- if cookiecutter.use_observability %}
    observability,
{%- endif %}
)
{%- endif %}
{%- if cookiecutter.use_api %}
from {{ cookiecutter.project_slug }}.api.docs import serve_swagger_ui
from {{ cookiecutter.project_slug }}.api.routes import bp as api_bp
{%- endif %}
{%- if cookiecutter.use_mail %}
from {{ cookiecutter.project_slug }}.auth.recovery import bp as auth_bp
{%- elif cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.auth.routes import bp as auth_bp
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and not cookiecutter.use_migrate %}
from {{ cookiecutter.project_slug }}.commands import init_db_command
{%- endif %}
from {{ cookiecutter.project_slug }}.config import configure
from {{ cookiecutter.project_slug }}.errors.handlers import bp as errors_bp
{%- if cookiecutter.use_api or cookiecutter.use_wtf or cookiecutter.use_sqlalchemy or cookiecutter.use_login or cookiecutter.use_mail or cookiecutter.use_migrate %}
from {{ cookiecutter.project_slug }}.extensions import (
{%- if cookiecutter.use_api %}
    api,
{%- endif %}
{%- if cookiecutter.use_wtf %}
    csrf,
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
    db,
{%- endif %}
{%- if cookiecutter.use_login %}
    limiter,
    login_manager,
{%- endif %}
{%- if cookiecutter.use_mail %}
    mail,
{%- endif %}
{%- if cookiecutter.use_migrate %}
    migrate,
{%- endif %}
)
{%- endif %}
from {{ cookiecutter.project_slug }}.main.routes import bp as main_bp
from {{ cookiecutter.project_slug }}.security import (
    SecurityHeaders,
    no_store_personal,
    refuse_undecodable_query,
)
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.slow_queries import register_slow_query_log
{%- endif %}
{%- if cookiecutter.use_celery %}
from {{ cookiecutter.project_slug }}.tasks import init_celery
{%- endif %}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app; `test_config` (a mapping) replaces the environment in tests."""
    app = Flask(__name__, instance_relative_config=True)
    # Settings come from the environment (FLASK_* variables) or from test_config.
    configure(app, test_config)
{%- if cookiecutter.use_observability %}
    # Logs, metrics, traces, error reports: first, so they see every request.
    observability.init_app(app)
{%- endif %}
    # Each step below is a short function further down this module.
    register_extensions(app)
    register_blueprints(app)
{%- if cookiecutter.use_sqlalchemy and not cookiecutter.use_migrate %}
    register_commands(app)
{%- endif %}
{%- if cookiecutter.use_debugtoolbar %}
    register_debug_toolbar(app)
{%- endif %}
    # Last, so that they wrap everything above: headers, then the proxy fix.
    register_middleware(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind each extension object of extensions.py to this app, as its docs show."""
{%- if cookiecutter.use_sqlalchemy %}
    db.init_app(app)
{%- endif %}
{%- if cookiecutter.use_migrate %}
    # The migrations live in the package, so an installed wheel has them too.
    migrate.init_app(app, db, directory=migrations.DIRECTORY)
{%- endif %}
{%- if cookiecutter.use_login %}
    login_manager.init_app(app)
    limiter.init_app(app)
{%- endif %}
{%- if cookiecutter.use_mail %}
    mail.init_app(app)
{%- endif %}
{%- if cookiecutter.use_wtf %}
    csrf.init_app(app)
{%- endif %}
{%- if cookiecutter.use_api %}
    if app.debug:
        serve_swagger_ui(app)  # before api.init_app, which reads its settings
    api.init_app(app)
{%- endif %}
{%- if cookiecutter.use_celery %}
    # Celery is not a Flask extension: tasks.py makes its app from CELERY.
    init_celery(app)
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
    # Logs each SQL statement slower than SLOW_QUERY_MS.
    register_slow_query_log(app)
{%- endif %}
    # A query string that is not UTF-8 gets 400: no view could read it.
    app.before_request(refuse_undecodable_query)
    # Pages made from the session or a token are never cached.
    app.after_request(no_store_personal)


def register_blueprints(app: Flask) -> None:
    """Attach each blueprint package: one per area of the site."""
    app.register_blueprint(main_bp)
{%- if cookiecutter.use_login %}
    app.register_blueprint(auth_bp, url_prefix="/auth")
{%- endif %}
{%- if cookiecutter.use_api %}
    # The JSON API under /api/v1; its OpenAPI document at /api/openapi.json.
{%- if cookiecutter.use_sqlalchemy %}
    # The API's writes need a bearer token (api/routes.py).
    # api.spec exists once api.init_app has run, in register_extensions.
    api.spec.components.security_scheme(  # pyright: ignore[reportAttributeAccessIssue]
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
{%- endif %}
    api.register_blueprint(api_bp)
{%- if cookiecutter.use_wtf %}
    # API clients send tokens, not cookies: CSRF does not apply to them.
    csrf.exempt(api_bp)
{%- endif %}
{%- endif %}
    # Error pages for the whole site (after the API, whose JSON errors it keeps).
    app.register_blueprint(errors_bp)
{%- if cookiecutter.use_sqlalchemy and not cookiecutter.use_migrate %}


def register_commands(app: Flask) -> None:
    """Add the project's own `flask` commands."""
    app.cli.add_command(init_db_command)
{%- endif %}
{%- if cookiecutter.use_debugtoolbar %}


def register_debug_toolbar(app: Flask) -> None:
    """In development only, show Flask-DebugToolbar (installed by the dev extra)."""
    if not app.debug or app.testing:
        return
    try:
        from flask_debugtoolbar import DebugToolbarExtension
    except ImportError:
        app.logger.info('For the debug toolbar: pip install -e ".[dev]"')
        return
    app.config.setdefault("DEBUG_TB_INTERCEPT_REDIRECTS", False)
    # The toolbar draws itself with inline scripts: no CSP while it is shown.
    app.config["CONTENT_SECURITY_POLICY"] = None
    DebugToolbarExtension(app)
    app.after_request(start_toolbar_collapsed)


def start_toolbar_collapsed(response: Response) -> Response:
    """On a first visit, hide the toolbar behind its small handle.

    The toolbar stays hidden while its own cookie `fldt` is set; a second cookie
    remembers that we did it once, so a toolbar the user opens stays open.
    """
    if "toolbar_seen" not in request.cookies:
        response.set_cookie("fldt", "hide", httponly=False, samesite="Lax")
        response.set_cookie("toolbar_seen", "1", httponly=True, samesite="Lax")
    return response
{%- endif %}


def register_middleware(app: Flask) -> None:
    """Wrap the WSGI app: security headers, then trust of PROXY_HOPS proxies."""
    # Flask's documented way to add WSGI middleware, though wsgi_app is a method.
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.config)  # type: ignore[method-assign]
    hops = app.config["PROXY_HOPS"]
    if hops:
        # Only what a deployment needs: the client's address (rate limits, logs)
        # and scheme (HSTS). X-Forwarded-Host, -Port and -Prefix stay ignored.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops
        )
