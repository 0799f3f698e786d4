"""Baseline: a bare Flask app with one JSON route."""

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    """The same answer as the generated app's liveness probe."""
    return {"status": "ok"}
