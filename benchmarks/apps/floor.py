"""Floor: the bare app, plus importing every extension package the generated app has.

No app can have those pieces and start faster than this one.
"""

import email_validator  # noqa: F401
import flask_limiter  # noqa: F401
import flask_login  # noqa: F401
import flask_migrate  # noqa: F401
import flask_sqlalchemy  # noqa: F401
import flask_wtf  # noqa: F401
import sqlalchemy  # noqa: F401
from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    """The same answer as the generated app's liveness probe."""
    return {"status": "ok"}
