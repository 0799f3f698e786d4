"""Background jobs run inside the app context; tests run them eagerly."""

import os
from pathlib import Path

import pytest
from flask import Flask

from {{ cookiecutter.project_slug }} import create_app, tasks
from {{ cookiecutter.project_slug }}.tasks import ping


def test_ping_answers_pong(app: Flask) -> None:
    with app.app_context():
        assert ping.delay().get(timeout=5) == "pong"


def test_celery_settings_come_from_redis_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/3")
{%- if cookiecutter.use_sqlalchemy %}
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
{%- endif %}
    celery = create_app().extensions["celery"]
    assert celery.conf.broker_url == "redis://cache.internal:6379/3"
    assert celery.conf.result_backend == "redis://cache.internal:6379/3"


def test_worker_reads_dotenv_like_the_flask_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # `celery -A ... worker` started in the project folder, with only .env set up.
    redis_url = "redis://queue.internal:6379/5"
    settings = {"REDIS_URL": redis_url, "FLASK_DEBUG": "1"}
{%- if cookiecutter.use_sqlalchemy %}
    settings["DATABASE_URL"] = f"sqlite:///{tmp_path / 'worker.sqlite'}"
{%- endif %}
    lines = [f"{name}={value}" for name, value in settings.items()]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    for name in (*settings, "FLASK_SKIP_DOTENV"):
        monkeypatch.setenv(name, "")  # restored (unset) after the test
        monkeypatch.delenv(name)
    tasks.worker_app.cache_clear()
    try:
        assert tasks.app.conf.broker_url == redis_url
    finally:
        tasks.worker_app.cache_clear()
    # The Flask app the worker built read the same settings as `flask` does.
    for name, value in settings.items():
        assert os.environ[name] == value
