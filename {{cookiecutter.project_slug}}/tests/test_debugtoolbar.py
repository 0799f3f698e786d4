"""The debug toolbar shows in development only, and production never imports it."""

import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_CHECK = """
import sys
from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
app = create_app()
page = app.test_client().get("/").get_data(as_text=True)
assert "flDebug" not in page, "toolbar in a production page"
assert "flask_debugtoolbar" not in sys.modules, "toolbar imported in production"
"""


def test_toolbar_shows_in_development(tmp_path: Path) -> None:
    app = create_app(
        {
            "DEBUG": True,
{%- if cookiecutter.use_sqlalchemy %}
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite'}",
{%- endif %}
        }
    )
    assert "debugtoolbar" in app.blueprints
{%- if cookiecutter.use_sqlalchemy %}
    assert app.config["SQLALCHEMY_RECORD_QUERIES"] is True
    with app.app_context():
        db.create_all()
{%- endif %}
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert 'id="flDebug"' in page
    # It starts collapsed (its own cookie), once: a toolbar opened stays open.
    cookie = client.get_cookie("fldt")
    assert cookie is not None
    assert cookie.value == "hide"
    client.delete_cookie("fldt")
    client.get("/")
    assert client.get_cookie("fldt") is None


@pytest.mark.slow
def test_toolbar_is_absent_in_production(tmp_path: Path) -> None:
    env = {
        "FLASK_SECRET_KEY": "a-long-random-production-secret-key",
{%- if cookiecutter.use_mail %}
        "FLASK_SERVER_NAME": "site.example",
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite'}",
{%- endif %}
        "PATH": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_CHECK],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
