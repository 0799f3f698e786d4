"""Error pages: the site's own, in place of Werkzeug's bare ones."""

from flask import Blueprint

bp = Blueprint("errors", __name__)

# Last: the handlers module decorates `bp`, so it needs it defined first.
from {{ cookiecutter.project_slug }}.errors import handlers  # noqa: E402, F401
