"""Background jobs run inside the app context; tests run them eagerly."""

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.tasks import ping


def test_ping_answers_pong(app):
    with app.app_context():
        assert ping.delay().get(timeout=5) == "pong"


def test_celery_settings_come_from_redis_url(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/3")
{%- if cookiecutter.use_sqlalchemy %}
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
{%- endif %}
    celery = create_app().extensions["celery"]
    assert celery.conf.broker_url == "redis://cache.internal:6379/3"
    assert celery.conf.result_backend == "redis://cache.internal:6379/3"
