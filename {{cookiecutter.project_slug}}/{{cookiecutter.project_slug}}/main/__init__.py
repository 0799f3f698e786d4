"""The main blueprint: the home page, the health checks and the example form."""

from flask import Blueprint

bp = Blueprint("main", __name__)

# Last: the views module decorates `bp`, so it needs it defined first.
from {{ cookiecutter.project_slug }}.main import routes  # noqa: E402, F401
