"""Background jobs on Celery, run outside web requests by a worker process."""

import functools

from celery import Celery, Task, shared_task
from flask import Flask
{%- if cookiecutter.use_mail %}
from flask_mailman import EmailMultiAlternatives
{%- endif %}


def init_celery(app: Flask) -> None:
    """Create the Celery app of `app`: settings from CELERY, tasks in app context."""

    class FlaskTask(Task[..., object]):
        """A task that runs inside the Flask app context (database, config)."""

        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app


@shared_task(ignore_result=False)
def ping() -> str:
    """Answer "pong": proves that a worker runs and can be reached."""
    return "pong"


{%- if cookiecutter.use_mail %}


# A mail server that is down or refuses for a while: try again, waiting longer.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_mail(to: str, subject: str, text: str, html: str) -> None:
    """Send one mail (mailer.py renders it): the text, with the HTML as alternative."""
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
{%- endif %}


@functools.cache
def worker_app() -> Celery:
    """The Celery app of a fresh Flask app, built once, for the worker.

    Like the `flask` command, read .flaskenv and .env first (a variable already
    set in the environment wins), so that the worker started from the project
    folder uses the same settings, database and Redis as the web app.
    """
    from flask.cli import load_dotenv

    from {{ cookiecutter.project_slug }} import create_app

    load_dotenv()
    celery_app: Celery = create_app().extensions["celery"]
    return celery_app


def __getattr__(name: str) -> Celery:
    """`celery -A {{ cookiecutter.project_slug }}.tasks` asks this module for `app`."""
    if name == "app":
        return worker_app()
    raise AttributeError(name)
