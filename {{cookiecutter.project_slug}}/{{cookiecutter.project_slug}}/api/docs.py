"""In development, an interactive API page at /api/docs, served without a CDN."""

from flask import Flask, send_from_directory

SWAGGER_UI_URL = "/api/swagger-ui/"


def serve_swagger_ui(app: Flask) -> None:
    """Serve Swagger UI's files from the swagger-ui-bundle package (dev extra)."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        app.logger.info('Install the dev extra for /api/docs: pip install -e ".[dev]"')
        return
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", SWAGGER_UI_URL)
    app.add_url_rule(
        f"{SWAGGER_UI_URL}<path:filename>",
        "swagger_ui_files",
        lambda filename: send_from_directory(swagger_ui_path, filename),
    )
