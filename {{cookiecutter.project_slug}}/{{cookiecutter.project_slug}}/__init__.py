"""Application factory: builds and wires the Flask app."""

{% if cookiecutter.use_login -%}
from contextlib import contextmanager

{% endif -%}
from flask import Flask
from flask import render_template
{%- if cookiecutter.use_api %}
from flask import request
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from sqlalchemy.exc import OperationalError
{%- endif %}
{%- if cookiecutter.use_api %}
from werkzeug.exceptions import HTTPException
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from werkzeug.exceptions import ServiceUnavailable
{%- endif %}
from werkzeug.middleware.proxy_fix import ProxyFix

{% if cookiecutter.use_api -%}
from {{ cookiecutter.project_slug }}.api.docs import serve_swagger_ui
from {{ cookiecutter.project_slug }}.api.routes import bp as api_bp
{% endif -%}
{% if cookiecutter.use_login -%}
from {{ cookiecutter.project_slug }}.auth.routes import bp as auth_bp
{% endif -%}
{% if cookiecutter.use_sqlalchemy and not cookiecutter.use_migrate -%}
from {{ cookiecutter.project_slug }}.commands import init_db_command
{% endif -%}
from {{ cookiecutter.project_slug }}.config import configure
{%- if cookiecutter.use_migrate %}
from {{ cookiecutter.project_slug }}.db_command import MigrateCommands
{%- endif %}
{%- if cookiecutter.use_api %}
from {{ cookiecutter.project_slug }}.extensions import api
{%- endif %}
{%- if cookiecutter.use_wtf %}
from {{ cookiecutter.project_slug }}.extensions import csrf
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.extensions import limiter
from {{ cookiecutter.project_slug }}.extensions import login_manager
{%- endif %}
from {{ cookiecutter.project_slug }}.main.routes import bp as main_bp
from {{ cookiecutter.project_slug }}.security import SecurityHeaders
from {{ cookiecutter.project_slug }}.security import refuse_bad_requests
from {{ cookiecutter.project_slug }}.sessions import CookieSessionInterface
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.slow_queries import register_slow_query_log
{%- endif %}
{%- if cookiecutter.use_celery %}
from {{ cookiecutter.project_slug }}.tasks import init_celery
{%- endif %}


def create_app(test_config=None):
    """Create the app; `test_config` (a mapping) replaces the environment in tests."""
    app = Flask(__name__, instance_relative_config=True)
    app.session_interface = CookieSessionInterface()
    # Settings come from the environment (FLASK_* variables) or from test_config.
    configure(app, test_config)
    # Each step below is a short function further down this module.
{%- if cookiecutter.use_sqlalchemy or cookiecutter.use_wtf or cookiecutter.use_celery %}
    register_extensions(app)
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
    register_slow_query_log(app)
{%- endif %}
{%- if cookiecutter.use_api %}
    register_api(app)
{%- endif %}
    register_blueprints(app)
    register_errorhandlers(app)
{%- if cookiecutter.use_sqlalchemy %}
    register_commands(app)
{%- endif %}
{%- if cookiecutter.use_debugtoolbar %}
    register_debug_toolbar(app)
{%- endif %}
    # Late, so the headers follow the final settings; ProxyFix then wraps it all.
    register_security(app)
    register_proxy_fix(app)
    return app
{%- if cookiecutter.use_sqlalchemy or cookiecutter.use_wtf or cookiecutter.use_celery %}


def register_extensions(app):
    """Bind each extension object of extensions.py to this app."""
{%- if cookiecutter.use_sqlalchemy %}
    db.init_app(app)
{%- endif %}
{%- if cookiecutter.use_login %}
    with hooks_scoped_to(app, "auth"):
        login_manager.init_app(app)
        limiter.init_app(app)
{%- endif %}
{%- if cookiecutter.use_wtf %}
    # security.refuse_bad_requests runs Flask-WTF's check, for the methods it guards.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
{%- endif %}
{%- if cookiecutter.use_celery %}
    init_celery(app)
{%- endif %}
{%- endif %}
{%- if cookiecutter.use_api %}


def register_api(app):
    """Serve the JSON API under /api/v1 and its OpenAPI document at /api/openapi.json."""
    if app.debug:
        serve_swagger_ui(app)
    api.init_app(app)
{%- if cookiecutter.use_login %}
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer"}
    )
{%- endif %}
    api.register_blueprint(api_bp)
{%- if cookiecutter.use_wtf %}
    # API clients send tokens, not cookies: CSRF does not apply to them.
    csrf.exempt(api_bp)
{%- endif %}
{%- endif %}

{%- if cookiecutter.use_login %}


@contextmanager
def hooks_scoped_to(app, blueprint):
    """Move the request hooks that extensions add inside the block to `blueprint`.

    Flask-Login (for its remember-me cookie) and Flask-Limiter hook into every
    request, yet only auth's views log in, log out or have limits. Their hooks run
    for that blueprint only, so every other request (health checks, pages, static
    files) skips the work. A blueprint of yours that logs users in or out needs
    these hooks too.
    """
    hooks = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
    )
    before = [list(hook.get(None, [])) for hook in hooks]
    yield
    for hook, kept in zip(hooks, before, strict=True):
        added = [f for f in hook.get(None, []) if f not in kept]
        hook[None] = kept
        hook.setdefault(blueprint, []).extend(added)
{%- endif %}


def register_blueprints(app):
    """Attach each blueprint package: one per area of the site."""
    app.register_blueprint(main_bp)
{%- if cookiecutter.use_login %}
    app.register_blueprint(auth_bp, url_prefix="/auth")
{%- endif %}


def register_errorhandlers(app):
    """Render friendly pages for 404 and 500 instead of Werkzeug's defaults."""

    def render_error(error):
{%- if cookiecutter.use_api %}
        if request.path.startswith("/api/"):
            return api_error(error)
{%- endif %}
        return render_template(f"errors/{error.code}.html"), error.code

    for code in (404, 500):
        app.register_error_handler(code, render_error)
{%- if cookiecutter.use_sqlalchemy %}

    def database_unavailable(error):
        """The database did not answer: 503, so clients and balancers retry later."""
        db.session.rollback()
        app.logger.error("Database unavailable: %s", error)
        return render_error(ServiceUnavailable())

    app.register_error_handler(OperationalError, database_unavailable)
{%- endif %}
{%- if cookiecutter.use_api %}
    # Replaces flask-smorest's handler, which makes every error of the site JSON.
    app.register_error_handler(HTTPException, api_error)


def api_error(error):
    """Errors under /api/ answer JSON, keeping headers such as 405's Allow."""
    if not request.path.startswith("/api/"):
        return error
    payload, code, headers = api.handle_http_exception(error)
    kept = {k: v for k, v in error.get_headers() if k != "Content-Type"}
    return payload, code, {**kept, **(headers or {})}
{%- endif %}


def register_security(app):
    """Run security.py's checks on requests; add its headers (CSP...) to responses."""
    app.before_request(refuse_bad_requests)
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.config)
{%- if cookiecutter.use_sqlalchemy %}


def register_commands(app):
    """Add the project's own `flask` commands."""
{%- if cookiecutter.use_migrate %}
    app.cli.add_command(MigrateCommands(app))
{%- else %}
    app.cli.add_command(init_db_command)
{%- endif %}
{%- endif %}
{%- if cookiecutter.use_debugtoolbar %}


def register_debug_toolbar(app):
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
{%- endif %}


def register_proxy_fix(app):
    """Trust X-Forwarded-* headers from PROXY_HOPS reverse proxies (0 trusts none)."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
