"""Each extension behaves as its own documentation says, in a blueprint of yours.

These tests add a blueprint the way you would (not `auth`), use each extension
there as its docs show, and check that it does what those docs promise.
"""

from flask import Blueprint, Flask
from flask.testing import FlaskClient
{%- if cookiecutter.use_login %}
from flask_login import login_user, logout_user
{%- endif %}
from flask_wtf import FlaskForm
{%- if cookiecutter.use_login %}

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.extensions import db, limiter
from {{ cookiecutter.project_slug }}.models import User
{%- endif %}


def add_blueprint(app: Flask, blueprint: Blueprint) -> FlaskClient:
    """Register `blueprint` on the test app, as create_app registers its own."""
    app.register_blueprint(blueprint, url_prefix="/other")
    return app.test_client()
{%- if cookiecutter.use_login %}


def limited_app(app: Flask, **settings: object) -> Flask:
    """The test app again, with rate limits on (the tests' config turns them off)."""
    return create_app({**app.config, "RATELIMIT_ENABLED": True, **settings})


def test_limits_and_their_headers_apply_in_any_blueprint(app: Flask) -> None:
    app = limited_app(app)
    other = Blueprint("other", __name__)

    @other.get("/limited")
    @limiter.limit("2 per minute")
    def limited() -> str:
        return "ok"

    client = add_blueprint(app, other)
    first = client.get("/other/limited")
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert client.get("/other/limited").status_code == 200
    refused = client.get("/other/limited")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_a_blueprint_wide_limit_covers_all_its_views(app: Flask) -> None:
    app = limited_app(app)
    other = Blueprint("other", __name__)

    @other.get("/one")
    def one() -> str:
        return "one"

    @other.get("/two")
    def two() -> str:
        return "two"

    limiter.limit("1 per minute")(other)
    client = add_blueprint(app, other)
    assert client.get("/other/one").status_code == 200
    assert client.get("/other/one").status_code == 429
    assert client.get("/other/two").status_code == 200


def test_default_limits_spare_the_health_checks(app: Flask) -> None:
    app = limited_app(app, RATELIMIT_DEFAULT="1 per minute")
    other = Blueprint("other", __name__)

    @other.get("/page")
    def page() -> str:
        return "page"

    client = add_blueprint(app, other)
    assert client.get("/other/page").status_code == 200
    assert client.get("/other/page").status_code == 429
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


def test_remember_me_is_set_and_cleared_in_any_blueprint(app: Flask) -> None:
    with app.app_context():
        user = User(email="ada@example.com")
        user.set_password("correct horse")
        db.session.add(user)
        db.session.commit()
        user_id = user.id
    other = Blueprint("other", __name__)

    @other.post("/sign-in")
    def sign_in() -> str:
        login_user(db.session.get(User, user_id), remember=True)
        return "in"

    @other.post("/sign-out")
    def sign_out() -> str:
        logout_user()
        return "out"

    client = add_blueprint(app, other)
    client.post("/other/sign-in")
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    assert b"ada@example.com" in client.get("/").data
    client.post("/other/sign-out")
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert b"ada@example.com" not in client.get("/").data
{%- endif %}


def test_csrf_protects_a_new_form_in_any_blueprint(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    other = Blueprint("other", __name__)

    @other.route("/form", methods=["GET", "POST"])
    def form() -> str:
        if FlaskForm().validate_on_submit():
            return "accepted"
        return "shown"

    client = add_blueprint(app, other)
    response = client.post("/other/form", data={})
    assert response.status_code == 400
    assert b"This form has expired" in response.data
