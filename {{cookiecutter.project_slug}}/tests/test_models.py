"""The models store what they are given, with per-row timestamps."""
{%- if cookiecutter.use_login %}

from pathlib import Path
{%- endif %}

from flask import Flask
{# blank line #}
{%- if cookiecutter.use_login %}
from {{ cookiecutter.project_slug }} import create_app
{%- endif %}
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import (
    Message,
{%- if cookiecutter.use_login %}
    User,
{%- endif %}
)


def test_message_round_trip_keeps_non_ascii_text(app: Flask) -> None:
    with app.app_context():
        db.session.add(Message(author="Zoë", body="Grüße, 世界"))
        db.session.add(Message(author="Chloé", body="Second"))
        db.session.commit()
        first, second = db.session.execute(
            db.select(Message).order_by(Message.id)
        ).scalars()
        assert (first.author, first.body) == ("Zoë", "Grüße, 世界")
        assert first.created_at <= second.created_at
{%- if cookiecutter.use_login %}


def test_user_password_is_hashed(app: Flask) -> None:
    with app.app_context():
        user = User(email="zoë@example.com")
        user.set_password("correct horse")
        db.session.add(user)
        db.session.commit()
        stored = db.session.execute(db.select(User)).scalar_one()
        assert stored.email == "zoë@example.com"
        method = app.config["PASSWORD_HASH_METHOD"]
        assert stored.password_hash.startswith(f"{method}$")
        assert stored.check_password("correct horse")
        assert not stored.check_password("Correct horse")


def test_production_hashes_passwords_with_scrypt(tmp_path: Path) -> None:
    app = create_app(
        {
            "SECRET_KEY": "a-long-random-production-secret-key",
{%- if cookiecutter.use_mail %}
            "SERVER_NAME": "site.example",
{%- endif %}
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite'}",
        }
    )
    assert not (app.debug or app.testing)
    with app.app_context():
        user = User(email="ada@example.com")
        user.set_password("correct horse")
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("correct horse")
{%- endif %}
