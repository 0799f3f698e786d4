"""The gunicorn settings every measured app shares (instead of its own config)."""

workers = 2
accesslog = None
errorlog = "-"
loglevel = "warning"
