"""The JSON API: schemas, errors as JSON, pagination, the OpenAPI document."""
{%- if cookiecutter.use_sqlalchemy %}

import pytest
{%- endif %}

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.use_sqlalchemy %}
from {{ cookiecutter.project_slug }}.extensions import db
{%- endif %}
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }}.models import User
{%- endif %}


def test_health_and_version(client):
    assert client.get("/api/v1/health").json == {"status": "ok"}
    version = client.get("/api/v1/version").json
    assert version["name"] == "{{ cookiecutter.project_slug }}"
    assert version["version"]


def test_openapi_document_describes_the_api(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/health" in spec["paths"]
{%- if cookiecutter.use_sqlalchemy %}
    assert {"/api/v1/notes", "/api/v1/notes/{note_id}"} <= set(spec["paths"])
{%- endif %}
{%- if cookiecutter.use_login %}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
{%- if cookiecutter.use_sqlalchemy %}
    notes = spec["paths"]["/api/v1/notes"]
    assert notes["post"]["security"] == [{"bearerAuth": []}]
    assert "security" not in notes["get"]
{%- endif %}
{%- endif %}


def test_docs_page_only_in_development(client, tmp_path):
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


def test_errors_are_json(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json["code"] == 404
    wrong_method = client.delete("/api/v1/health")
    assert wrong_method.status_code == 405
    assert wrong_method.json["code"] == 405
    assert wrong_method.headers["Allow"]


def test_errors_outside_the_api_stay_html(client):
    assert client.get("/no-such-page").mimetype == "text/html"
    assert client.delete("/healthz").mimetype == "text/html"
{%- if cookiecutter.use_sqlalchemy %}


@pytest.fixture
def headers(app, runner):
    """Headers of a client allowed to write."""
{%- if cookiecutter.use_login %}
    with app.app_context():
        user = User(email="ada@example.com")
        user.set_password("correct horse")
        db.session.add(user)
        db.session.commit()
    result = runner.invoke(args=["api", "create-token", "ada@example.com"])
    assert result.exit_code == 0, result.output
    return {"Authorization": f"Bearer {result.output.strip()}"}
{%- else %}
    return {}
{%- endif %}


def test_notes_create_read_update_delete(client, headers):
    created = client.post(
        "/api/v1/notes", json={"title": "Zoë", "body": "<b>hi</b>"}, headers=headers
    )
    assert created.status_code == 201
    note = created.json
    assert (note["title"], note["body"]) == ("Zoë", "<b>hi</b>")
    url = f"/api/v1/notes/{note['id']}"
    assert client.get(url).json["title"] == "Zoë"
    replaced = client.put(url, json={"title": "Zoe", "body": "new"}, headers=headers)
    assert replaced.json["body"] == "new"
    patched = client.patch(url, json={"body": "newer"}, headers=headers)
    assert (patched.json["title"], patched.json["body"]) == ("Zoe", "newer")
    assert client.patch(url, json={}, headers=headers).json["body"] == "newer"
    assert client.patch(url, headers=headers).status_code == 422
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url).status_code == 404
    assert client.get(url).json["code"] == 404


def test_notes_are_listed_a_page_at_a_time(client, headers):
    for number in range(5):
        client.post("/api/v1/notes", json={"title": f"n{number}"}, headers=headers)
    page = client.get("/api/v1/notes?page=2&page_size=2").json
    assert [note["title"] for note in page["items"]] == ["n2", "n3"]
    assert (page["page"], page["page_size"], page["total"]) == (2, 2, 5)
    assert client.get("/api/v1/notes?page=1000").json["items"] == []
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
def test_invalid_notes_answer_422(client, headers, payload, status):
    response = client.post("/api/v1/notes", json=payload, headers=headers)
    assert response.status_code == status
    assert response.json["code"] == status


def test_duplicate_title_answers_409(client, headers):
    client.post("/api/v1/notes", json={"title": "same"}, headers=headers)
    response = client.post("/api/v1/notes", json={"title": "same"}, headers=headers)
    assert response.status_code == 409
    assert "already exists" in response.json["message"]


def test_malformed_json_answers_400(client, headers):
    response = client.post(
        "/api/v1/notes",
        data="{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code in {400, 422}
    assert response.json["code"] == response.status_code


def test_huge_body_answers_413(client, headers):
    body = "x" * (2 * 1024 * 1024)
    response = client.post(
        "/api/v1/notes",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json["code"] == 413


def test_database_down_answers_json_503(app_without_database):
    response = app_without_database.test_client().get("/api/v1/notes")
    assert response.status_code == 503
    assert response.json["code"] == 503


def test_id_beyond_integer_range_answers_404(client):
    assert client.get(f"/api/v1/notes/{2**63}").status_code == 404
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_login %}


def test_writes_need_a_token_reads_do_not(client, headers):
    anonymous = client.post("/api/v1/notes", json={"title": "nope"})
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.post(
        "/api/v1/notes",
        json={"title": "nope"},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert wrong.status_code == 401
    assert client.get("/api/v1/notes").status_code == 200


def test_create_token_for_unknown_user_fails(runner):
    result = runner.invoke(args=["api", "create-token", "nobody@example.com"])
    assert result.exit_code != 0
    assert "No user" in result.output
{%- endif %}
{%- if cookiecutter.use_sqlalchemy and cookiecutter.use_wtf %}


def test_csrf_does_not_apply_to_the_api(tmp_path):
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
    assert response.status_code == 201
{%- endif %}
{%- endif %}
