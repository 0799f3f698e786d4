"""The auth blueprint: register, log in, log out and the account page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

# Last: the views modules decorate `bp`, so they need it defined first.
{%- if cookiecutter.use_mail %}
from {{ cookiecutter.project_slug }}.auth import recovery, routes  # noqa: E402, F401
{%- else %}
from {{ cookiecutter.project_slug }}.auth import routes  # noqa: E402, F401
{%- endif %}
