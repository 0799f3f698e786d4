"""Baseline: a bare Flask app, one JSON route for each path the benchmark loads."""

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    """The same answer as the generated app's liveness probe."""
    return {"status": "ok"}


@app.get("/")
def index():
    """Stands in for the home page."""
    return {"page": "home"}


@app.get("/auth/login")
def login():
    """Stands in for the login form."""
    return {"page": "login"}
