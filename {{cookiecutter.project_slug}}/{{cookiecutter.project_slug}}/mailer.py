"""Outgoing mail: text and HTML rendered from templates/mail/, sent by Flask-Mailman."""

from typing import Any

from flask import current_app, render_template
{%- if not cookiecutter.use_celery %}
from flask_mailman import EmailMultiAlternatives
{%- endif %}
{%- if cookiecutter.use_celery %}
from kombu.exceptions import OperationalError

from {{ cookiecutter.project_slug }}.tasks import deliver_mail
{%- endif %}


def send_mail(to: str, subject: str, template: str, **context: Any) -> None:
    """Mail `to` the templates mail/<template>.txt and .html, rendered with `context`.

    Links come in `context`, made by auth.emails.mail_link from the settings.
    """
    context.setdefault("project_name", current_app.config["PROJECT_NAME"])
    subject = f"{subject} ({current_app.config['PROJECT_NAME']})"
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
{%- if cookiecutter.use_celery %}
    if not current_app.debug:
        try:
            # A Celery worker sends it: the request does not wait for the mail server.
            deliver_mail.delay(to, subject, text, html)
        except OperationalError:
            # Redis is unreachable: logged, as a failed send is below.
            current_app.logger.exception("Could not queue %r for a worker", subject)
        return
    # In development, send it from the request: the console backend prints it in
    # the terminal of `flask run`, whether a worker runs or not.
{%- endif %}
    try:
        deliver_mail(to, subject, text, html)
    except OSError:
        # The page answers the same whether a mail went out or not: the failure
        # is logged here, and the user can ask again.
        current_app.logger.exception("Could not send %r to the mail server", subject)
{%- if not cookiecutter.use_celery %}


def deliver_mail(to: str, subject: str, text: str, html: str) -> None:
    """Send one mail: the text, with the HTML as its alternative."""
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
{%- endif %}
