"""The JSON API: schemas, errors as JSON, pagination, the OpenAPI document."""
{# blank line #}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_login %}
from datetime import timedelta
{%- endif %}
from pathlib import Path
{# blank line #}
{%- if cookiecutter.use_sqlalchemy %}
import pytest
{%- endif %}
from conftest import json_of
{%- if cookiecutter.use_sqlalchemy %}
from flask import Flask
{%- endif %}
from flask.testing import (
    FlaskClient,
{%- if cookiecutter.use_sqlalchemy %}
    FlaskCliRunner,
{%- endif %}
)

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_wtf %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.models import ApiToken, Note, User, utcnow
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and not cookiecutter.use_login %}

WRITE_TOKEN = "a-long-random-write-token-0123456789"
{%- endif %}


def test_health_and_version(client: FlaskClient) -> None:
    assert client.get("/api/v1/health").json == {"status": "ok"}
    version = json_of(client.get("/api/v1/version"))
    assert version["name"] == "{{ cookiecutter.project_slug }}"
    assert version["version"]


def test_openapi_document_describes_the_api(client: FlaskClient) -> None:
    spec = json_of(client.get("/api/openapi.json"))
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/health" in spec["paths"]
{%- if cookiecutter.use_sqlalchemy %}
    assert {"/api/v1/notes", "/api/v1/notes/{note_id}"} <= set(spec["paths"])
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    notes = spec["paths"]["/api/v1/notes"]
    assert notes["post"]["security"] == [{"bearerAuth": []}]
    assert {"401", "403"} <= set(notes["post"]["responses"])
    assert "security" not in notes["get"]
{%- endif %}


def test_docs_page_only_in_development(client: FlaskClient, tmp_path: Path) -> None:
    assert client.get("/api/docs").status_code == 404
    app = create_app(
        {
            "DEBUG": True,
{%- if cookiecutter.use_sqlalchemy %}
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite'}",
{%- endif %}
        }
    )
    docs = app.test_client().get("/api/docs")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.data
    with app.test_client().get("/api/swagger-ui/swagger-ui-bundle.js") as script:
        assert script.status_code == 200


def test_errors_are_json(client: FlaskClient) -> None:
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert json_of(missing)["code"] == 404
    wrong_method = client.delete("/api/v1/health")
    assert wrong_method.status_code == 405
    assert json_of(wrong_method)["code"] == 405
    assert wrong_method.headers["Allow"]


def test_errors_outside_the_api_stay_html(client: FlaskClient) -> None:
    assert client.get("/no-such-page").mimetype == "text/html"
    assert client.delete("/healthz").mimetype == "text/html"
{%- if cookiecutter.use_sqlalchemy %}


{%- if cookiecutter.use_login %}


def token_headers(
    app: Flask, runner: FlaskCliRunner, email: str = "ada@example.com", *options: str
) -> dict[str, str]:
    """Make a user with `email` and a token for it; return the headers that send it."""
    with app.app_context():
        user = User(email=email)
        user.set_password("correct horse")
        db.session.add(user)
        db.session.commit()
    result = runner.invoke(args=["api", "create-token", email, *options])
    assert result.exit_code == 0, result.output
    return {"Authorization": f"Bearer {result.output.strip()}"}
{%- endif %}


@pytest.fixture
def headers(app: Flask, runner: FlaskCliRunner) -> dict[str, str]:
    """Headers of a client allowed to write."""
{%- if cookiecutter.use_login %}
    return token_headers(app, runner)
{%- else %}
    app.config["API_WRITE_TOKEN"] = WRITE_TOKEN
    return {"Authorization": f"Bearer {WRITE_TOKEN}"}
{%- endif %}


def test_notes_create_read_update_delete(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/notes", json={"title": "Zoë", "body": "<b>hi</b>"}, headers=headers
    )
    assert created.status_code == 201
    note = json_of(created)
    assert (note["title"], note["body"]) == ("Zoë", "<b>hi</b>")
    url = f"/api/v1/notes/{note['id']}"
    assert json_of(client.get(url))["title"] == "Zoë"
    replaced = client.put(url, json={"title": "Zoe", "body": "new"}, headers=headers)
    assert json_of(replaced)["body"] == "new"
    patched = client.patch(url, json={"body": "newer"}, headers=headers)
    assert (json_of(patched)["title"], json_of(patched)["body"]) == ("Zoe", "newer")
    assert json_of(client.patch(url, json={}, headers=headers))["body"] == "newer"
    assert client.patch(url, headers=headers).status_code == 422
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url).status_code == 404
    assert json_of(client.get(url))["code"] == 404


def test_notes_are_listed_a_page_at_a_time(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    for number in range(5):
        client.post("/api/v1/notes", json={"title": f"n{number}"}, headers=headers)
    page = json_of(client.get("/api/v1/notes?page=2&page_size=2"))
    assert [note["title"] for note in page["items"]] == ["n2", "n3"]
    assert (page["page"], page["page_size"], page["total"]) == (2, 2, 5)
    assert json_of(client.get("/api/v1/notes?page=1000"))["items"] == []
    assert client.get("/api/v1/notes?page=99999999999").status_code == 422
    assert client.get("/api/v1/notes?page_size=101").status_code == 422


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({}, 422),
        ({"title": ""}, 422),
        ({"title": "x" * 121}, 422),
        ({"title": "ok", "body": "x" * 2001}, 422),
        ({"title": "nul\x00byte"}, 422),
        ({"title": "ok", "extra": 1}, 422),
        ({"title": 12}, 422),
    ],
    ids=["empty", "blank", "long-title", "long-body", "nul", "unknown-field", "type"],
)
def test_invalid_notes_answer_422(
    client: FlaskClient,
    headers: dict[str, str],
    payload: dict[str, object],
    status: int,
) -> None:
    response = client.post("/api/v1/notes", json=payload, headers=headers)
    assert response.status_code == status
    assert json_of(response)["code"] == status


def test_duplicate_title_answers_409(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    client.post("/api/v1/notes", json={"title": "same"}, headers=headers)
    response = client.post("/api/v1/notes", json={"title": "same"}, headers=headers)
    assert response.status_code == 409
    assert "already exists" in json_of(response)["message"]


def test_malformed_json_answers_400(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/notes",
        data="{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code in {400, 422}
    assert json_of(response)["code"] == response.status_code


# Bodies that json.loads cannot turn into a note: some raise RecursionError or a
# ValueError other than JSONDecodeError, which must not become a 500.
HOSTILE_BODIES = [
    pytest.param("[" * 100_000 + "]" * 100_000, id="deep-list"),
    pytest.param('{"a":' * 50_000 + "1" + "}" * 50_000, id="deep-object"),
    pytest.param('{"title": ' + "9" * 5_000 + "}", id="5000-digit-number"),
    pytest.param('{"title": -' + "9" * 5_000 + ".5e3}", id="5000-digit-float"),
    pytest.param('{"title": "\\ud800"}', id="lone-surrogate"),
    pytest.param(b'{"title": "\xff"}', id="not-utf8"),
    pytest.param("[1, 2", id="truncated"),
    pytest.param('"just a string"', id="not-an-object"),
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_json_answers_400_or_422_without_a_traceback(
    client: FlaskClient,
    headers: dict[str, str],
    body: str | bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    response = client.post(
        "/api/v1/notes",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code in {400, 422}
    assert json_of(response)["code"] == response.status_code
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelname in {"ERROR", "CRITICAL"}]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
@pytest.mark.usefixtures("headers")  # a token exists, and this is not it
def test_token_is_checked_before_the_body_is_read(
    client: FlaskClient, body: str | bytes
) -> None:
    response = client.post(
        "/api/v1/notes",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
    )
    assert response.status_code == 401


def test_huge_body_answers_413(client: FlaskClient, headers: dict[str, str]) -> None:
    body = "x" * (2 * 1024 * 1024)
    response = client.post(
        "/api/v1/notes",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert json_of(response)["code"] == 413


def test_database_down_answers_json_503(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "db.sqlite"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}
    )
    response = app.test_client().get("/api/v1/notes")
    assert response.status_code == 503
    assert json_of(response)["code"] == 503


def test_id_beyond_integer_range_answers_404(client: FlaskClient) -> None:
    assert client.get(f"/api/v1/notes/{2**63}").status_code == 404
{%- endif %}
{%- if cookiecutter.use_sqlalchemy %}


ANONYMOUS_WRITES = [
    ("post", "/api/v1/notes"),
    ("put", "/api/v1/notes/{id}"),
    ("patch", "/api/v1/notes/{id}"),
    ("delete", "/api/v1/notes/{id}"),
]
BAD_TOKENS = [
    {},
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic YWRhOmNvcnJlY3QgaG9yc2U="},
    {"Authorization": "bearer\tnot-a-token"},
]


@pytest.mark.parametrize(("method", "path"), ANONYMOUS_WRITES)
@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_writes_need_a_token_reads_do_not(
    client: FlaskClient,
    headers: dict[str, str],
    method: str,
    path: str,
    bad: dict[str, str],
) -> None:
    note = json_of(
        client.post("/api/v1/notes", json={"title": "mine"}, headers=headers)
    )
    url = path.format(id=note["id"])
    response = getattr(client, method)(url, json={"title": "nope"}, headers=bad)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert json_of(client.get(f"/api/v1/notes/{note['id']}"))["title"] == "mine"
    assert client.get("/api/v1/notes").status_code == 200
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and not cookiecutter.use_login %}


@pytest.mark.parametrize(("method", "path"), ANONYMOUS_WRITES)
def test_api_is_read_only_without_a_write_token(
    client: FlaskClient, method: str, path: str
) -> None:
    assert client.application.config["API_WRITE_TOKEN"] is None
    url = path.format(id=1)
    response = getattr(client, method)(url, json={"title": "nope"})
    assert response.status_code == 403
    assert "read-only" in json_of(response)["message"]
    assert json_of(client.get("/api/v1/notes"))["total"] == 0


@pytest.mark.parametrize(
    "token",
    ["letmein", "x" * 40, "password" * 5, "0123456789abcdef"],
)
def test_production_refuses_a_guessable_write_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, token: str
) -> None:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FLASK_SECRET_KEY", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    monkeypatch.setenv("FLASK_API_WRITE_TOKEN", token)
    with pytest.raises(RuntimeError, match="FLASK_API_WRITE_TOKEN"):
        create_app()
    monkeypatch.setenv("FLASK_API_WRITE_TOKEN", WRITE_TOKEN)
    assert create_app().config["API_WRITE_TOKEN"] == WRITE_TOKEN
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_login %}


def test_only_the_owner_changes_a_note(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, headers: dict[str, str]
) -> None:
    note = json_of(
        client.post("/api/v1/notes", json={"title": "ada's"}, headers=headers)
    )
    url = f"/api/v1/notes/{note['id']}"
    other = token_headers(app, runner, "bob@example.com")
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(url, json={"title": "bob's"}, headers=other)
        assert response.status_code == 403
        assert "owner" in json_of(response)["message"]
    assert json_of(client.get(url))["title"] == "ada's"
    mine = client.post("/api/v1/notes", json={"title": "bob's"}, headers=other)
    assert mine.status_code == 201
    assert client.patch(url, json={"body": "ok"}, headers=headers).status_code == 200
    with app.app_context():
        owners = db.session.execute(
            db.select(User.email).join(Note, Note.owner_id == User.id).order_by(Note.id)
        )
        assert owners.scalars().all() == ["ada@example.com", "bob@example.com"]


def test_expired_and_revoked_tokens_answer_401(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, headers: dict[str, str]
) -> None:
    ok = client.post("/api/v1/notes", json={"title": "a"}, headers=headers)
    assert ok.status_code == 201
    with app.app_context():
        token = db.session.execute(db.select(ApiToken)).scalar_one()
        assert token.last_used_at is not None
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = client.post("/api/v1/notes", json={"title": "b"}, headers=headers)
    assert expired.status_code == 401
    fresh = token_headers(app, runner, "bob@example.com")
    ok = client.post("/api/v1/notes", json={"title": "c"}, headers=fresh)
    assert ok.status_code == 201
    listed = runner.invoke(args=["api", "list-tokens"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert "ada@example.com\texpired on" in lines[0]
    assert "bob@example.com\tvalid until" in lines[1]
    bob_id = lines[1].split("\t")[0]
    revoked = runner.invoke(args=["api", "revoke-token", bob_id])
    assert revoked.exit_code == 0, revoked.output
    gone = client.post("/api/v1/notes", json={"title": "d"}, headers=fresh)
    assert gone.status_code == 401
    assert runner.invoke(args=["api", "list-tokens", "bob@example.com"]).output == ""


def test_tokens_expire_after_the_setting_or_the_option(
    app: Flask, runner: FlaskCliRunner
) -> None:
    token_headers(app, runner, "ada@example.com")
    token_headers(app, runner, "bob@example.com", "--days", "2", "--name", "ci")
    with app.app_context():
        tokens = db.session.execute(db.select(ApiToken).order_by(ApiToken.id)).scalars()
        lifetimes = [(t.expires_at - t.created_at).days for t in tokens]
    assert lifetimes in ([30, 2], [29, 1])


def test_token_commands_refuse_unknown_users_and_ids(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["api", "create-token", "nobody@example.com"])
    assert result.exit_code != 0
    assert "No user" in result.output
    assert runner.invoke(args=["api", "revoke-token", "99"]).exit_code != 0


def test_wrong_tokens_are_limited_per_client(
    app: Flask, runner: FlaskCliRunner
) -> None:
    good = token_headers(app, runner)
    limited = create_app(
        {**app.config, "RATELIMIT_ENABLED": True, "API_TOKEN_RATE_LIMIT": "3 per hour"}
    )
    client = limited.test_client()
    statuses = [
        client.post(
            "/api/v1/notes",
            json={"title": f"guess {number}"},
            headers={"Authorization": f"Bearer guess-{number}"},
        ).status_code
        for number in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    # Past the limit even the right token waits: guessing cannot tell it apart.
    right = client.post("/api/v1/notes", json={"title": "ok"}, headers=good)
    assert right.status_code == 429
    # Another client address is counted apart; right tokens are never counted.
    other = {"REMOTE_ADDR": "192.0.2.7"}
    for number in range(5):
        answer = client.post(
            "/api/v1/notes",
            json={"title": f"note {number}"},
            headers=good,
            environ_base=other,
        )
        assert answer.status_code == 201
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_login and cookiecutter.use_wtf %}


def test_a_new_password_ends_the_users_api_tokens(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient
) -> None:
    headers = token_headers(app, runner)
    created = client.post("/api/v1/notes", json={"title": "a"}, headers=headers)
    assert created.status_code == 201
    login = {"email": "ada@example.com", "password": "correct horse"}
    assert client.post("/auth/login", data=login).status_code == 302
    new = "battery staple lamp"
    changed = client.post(
        "/auth/password",
        data={
            "current_password": "correct horse",
            "password": new,
            "confirm_password": new,
        },
    )
    assert changed.status_code == 302
    refused = client.post("/api/v1/notes", json={"title": "b"}, headers=headers)
    assert refused.status_code == 401
    with app.app_context():
        assert db.session.execute(db.select(ApiToken)).first() is None
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_wtf %}


def test_csrf_does_not_apply_to_the_api(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite'}",
        }
    )
    with app.app_context():
        db.create_all()
    response = app.test_client().post("/api/v1/notes", json={"title": "no csrf"})
{%- if cookiecutter.use_login %}
    assert response.status_code == 401
{%- else %}
    assert response.status_code == 403
    app.config["API_WRITE_TOKEN"] = WRITE_TOKEN
    with_token = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    response = app.test_client().post(
        "/api/v1/notes", json={"title": "no csrf"}, headers=with_token
    )
    assert response.status_code == 201
{%- endif %}
{%- endif %}
