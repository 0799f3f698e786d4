"""schemathesis fuzzes the generated JSON API from its own OpenAPI document."""

import secrets
import shutil

import pytest

from tests.support.baking import bake
from tests.support.machine import PYTHON
from tests.support.machine import require
from tests.support.machine import run
from tests.support.serving import serve

pytestmark = pytest.mark.server

# Make a user and print an API token for it, in the served app's database.
MAKE_TOKEN = """
from my_flask_app import create_app
from my_flask_app.api.tokens import issue_token
from my_flask_app.extensions import db
from my_flask_app.models import User

app = create_app()
with app.app_context():
    user = User(email="api@example.com")
    user.set_password("correct horse battery")
    db.session.add(user)
    token = issue_token(user, "schemathesis", 1)
    db.session.commit()
print(token)
"""


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"use_api": True}, id="api-login"),
        pytest.param({"use_api": True, "use_login": False}, id="api-nologin"),
    ],
)
def test_schemathesis_finds_no_server_error_or_schema_violation(tmp_path, answers):
    schemathesis = shutil.which("schemathesis") or shutil.which("st")
    require(schemathesis, "schemathesis is not installed (pip install schemathesis)")
    project = bake(tmp_path, **answers)
    write_token = secrets.token_urlsafe(32)
    # Schemathesis sends wrong tokens on purpose (its auth checks): let them all
    # through the limit on wrong tokens, which test_attacks.py proves.
    limits = {"FLASK_API_TOKEN_RATE_LIMIT": "100000 per minute"}
    with serve(project, tmp_path, FLASK_API_WRITE_TOKEN=write_token, **limits) as url:
        if answers.get("use_login", True):
            made = run(
                [PYTHON, "-c", MAKE_TOKEN],
                cwd=project,
                FLASK_SECRET_KEY=secrets.token_hex(32),
                DATABASE_URL=f"sqlite:///{tmp_path / 'browser.sqlite'}",
            )
            assert made.returncode == 0, made.stderr
            write_token = made.stdout.strip()
        headers = ["-H", f"Authorization: Bearer {write_token}"]
        fuzz = run(
            [
                schemathesis,
                "run",
                f"{url}/api/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "40",
                "--seed",
                "20261122",
                "--generation-deterministic",
                "--generation-codec",
                "utf-8",
                *headers,
            ],
            cwd=tmp_path,
            timeout=600,
        )
    assert fuzz.returncode == 0, fuzz.stdout[-20000:] + fuzz.stderr[-2000:]
    assert "No issues found" in fuzz.stdout
    cases = [line.strip() for line in fuzz.stdout.splitlines() if "generated" in line]
    print("schemathesis:", answers, cases)
