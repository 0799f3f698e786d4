"""Stock: the generated app's extensions and features, wired as each one's docs show.

One module, the way the extensions' quickstarts write it: `Extension(app)` at module
level, views on blueprints named like the generated app's (so its templates' url_for
calls resolve), security headers set in an `after_request` hook as Flask's security
docs show. It reuses the baked project's models, forms, templates and static files
(found through PYTHONPATH, which the benchmark sets to the bake), so both apps render
the same pages from the same database.

STOCK_WITHOUT (comma separated: login, limiter, csrf, sqlalchemy, headers) leaves
out one piece, to price each per request. Without Flask-Login, templates see an
anonymous `current_user`; without the database, `/` renders no message list.
"""

import os
from pathlib import Path
from types import SimpleNamespace

import my_flask_app
from flask import Blueprint
from flask import Flask
from flask import render_template
from flask import request
from flask import session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login import current_user
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from my_flask_app.auth.forms import LoginForm
from my_flask_app.extensions import db
from my_flask_app.models import Message
from my_flask_app.models import User
from my_flask_app.security import CONTENT_SECURITY_POLICY
from my_flask_app.security import SECURITY_HEADERS
from my_flask_app.security import refuse_undecodable_query
from my_flask_app.slow_queries import register_slow_query_log

WITHOUT = set(filter(None, os.environ.get("STOCK_WITHOUT", "").split(",")))
PACKAGE = Path(my_flask_app.__file__).parent

app = Flask(
    __name__,
    template_folder=PACKAGE / "templates",
    static_folder=PACKAGE / "static",
)
app.config.update(
    SECRET_KEY=os.environ["FLASK_SECRET_KEY"],
    SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
    PROJECT_NAME="My Flask App",
    PROJECT_DESCRIPTION="A Flask web application.",
    RATELIMIT_HEADERS_ENABLED=True,
    SESSION_COOKIE_SECURE=True,
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
)

main = Blueprint("main", __name__)
auth = Blueprint("auth", __name__)


@app.template_filter()
def datetime_format(value, pattern):
    """The filter the bake's templates format dates with (as its main/routes.py)."""
    return value.strftime(pattern)


if "sqlalchemy" not in WITHOUT:
    # The models' `db`, bound here the documented way (init_app), with Migrate.
    db.init_app(app)
    Migrate(app, db)
    # The generated app's own features, the same code: slow SQL statements logged.
    app.config["SLOW_QUERY_MS"] = 200
    register_slow_query_log(app)

# ... and a query string that is not UTF-8 refused with 400.
app.before_request(refuse_undecodable_query)

if "login" not in WITHOUT:
    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id):
        """The user whose id Flask-Login keeps in the session, or None."""
        return db.session.get(User, int(user_id))

    def is_authenticated():
        """Whether the request carries a logged-in user."""
        return current_user.is_authenticated

else:
    app.jinja_env.globals["current_user"] = SimpleNamespace(is_authenticated=False)

    def is_authenticated():
        """No Flask-Login: nobody is logged in."""
        return False


if "limiter" not in WITHOUT:
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
    exempt = limiter.exempt
    per_client = limiter.limit("10 per minute", methods=["POST"])
    # The generated login's second limit: failed logins per account, from all
    # addresses, a browser that logged in before exempt.
    per_account = limiter.limit(
        "10 per hour",
        methods=["POST"],
        key_func=lambda: request.form.get("email", "").lower(),
        exempt_when=lambda: "known_device" in request.cookies,
        deduct_when=lambda response: response.status_code != 302,
    )

    def limit_login(view):
        """Both of the generated login's limits."""
        return per_client(per_account(view))

else:

    def exempt(view):
        """No Flask-Limiter: nothing to exempt."""
        return view

    limit_login = exempt

if "csrf" not in WITHOUT:
    CSRFProtect(app)
else:
    # The bake's forms write csrf_token(), a global CSRFProtect adds: an empty one.
    app.jinja_env.globals["csrf_token"] = lambda: ""

if "headers" not in WITHOUT:
    HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": CONTENT_SECURITY_POLICY}

    @app.after_request
    def security_headers(response):
        """Add the security headers to every response, as Flask's docs show."""
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # As the generated app: no cache keeps a page made from the session.
        if session.accessed or "Authorization" in request.headers:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


@main.get("/")
def index():
    """The home page with the latest messages."""
    if "sqlalchemy" in WITHOUT:
        return render_template("main/index.html")
    query = db.select(Message).order_by(Message.id.desc()).limit(10)
    messages = db.session.execute(query).scalars().all()
    return render_template("main/index.html", messages=messages)


@main.get("/healthz")
@exempt
def healthz():
    """Liveness probe."""
    return {"status": "ok"}


@main.route("/messages/new", methods=["GET", "POST"])
def new_message():
    """Linked from the templates; not measured."""
    return render_template("main/index.html")


@auth.route("/login", methods=["GET", "POST"])
@limit_login
def login():
    """The login form (GET is what the benchmark measures)."""
    if is_authenticated():
        return "", 302
    return render_template("auth/login.html", form=LoginForm())


def unmeasured():
    """Endpoints the templates link to; not measured."""
    return "", 404


for rule, methods in [("/register", ["GET", "POST"]), ("/logout", ["POST"])]:
    auth.add_url_rule(rule, rule[1:], unmeasured, methods=methods)
auth.add_url_rule("/account", "account", unmeasured)


app.register_blueprint(main)
app.register_blueprint(auth, url_prefix="/auth")
