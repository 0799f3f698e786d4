"""Flask Foundry's initializr: choose the options in a browser, get the project."""

import os
import tempfile
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from initializr import security
from initializr.starter import Starter

# This repository: the template the initializr serves unless told otherwise.
REPOSITORY = Path(__file__).resolve().parent.parent

DEFAULTS = {
    # A template folder, or a git URL (a fork) cloned at start; CHECKOUT picks a
    # branch, tag or commit of it.
    "TEMPLATE": str(REPOSITORY),
    "CHECKOUT": None,
    # Archives shared by the workers, the least recently used beyond CACHE_ENTRIES
    # removed; clones of a template given as a URL live here too.
    "CACHE_DIR": os.path.join(tempfile.gettempdir(), f"initializr-{os.getuid()}"),
    "CACHE_ENTRIES": 256,
    # Seconds a bake may take before it is killed: less than gunicorn's worker
    # timeout (30 s), so the bake is stopped and cleaned up, not the worker.
    "BAKE_TIMEOUT": 20,
    # Answers fit in a few hundred bytes: refuse bodies and queries far beyond.
    "MAX_CONTENT_LENGTH": 16 * 1024,
    "MAX_FORM_MEMORY_SIZE": 16 * 1024,
    "MAX_QUERY_LENGTH": 4096,
    # Per client address, per worker with memory:// (a redis:// URL shares them).
    "RATELIMIT_DEFAULT": "300 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "ARCHIVE_RATE_LIMIT": "30 per minute",
    # Proxies in front of the app whose X-Forwarded-* headers are to be trusted.
    "PROXY_HOPS": 0,
}


def create_app(test_config=None):
    """Create the initializr; settings come from INITIALIZR_* environment variables."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        # INITIALIZR_TEMPLATE=https://github.com/you/fork sets TEMPLATE, and so on.
        app.config.from_prefixed_env("INITIALIZR")
    else:
        app.config.from_mapping(test_config)

    # The template, read once: its options, rules and version.
    app.extensions["initializr"] = Starter(
        source=app.config["TEMPLATE"],
        checkout=app.config["CHECKOUT"],
        cache_dir=app.config["CACHE_DIR"],
        entries=int(app.config["CACHE_ENTRIES"]),
        timeout=float(app.config["BAKE_TIMEOUT"]),
    )

    if app.config["PROXY_HOPS"]:
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from initializr import views

    security.init_app(app, downloads=views.downloads, exempt=views.healthz)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.downloads)
    return app
