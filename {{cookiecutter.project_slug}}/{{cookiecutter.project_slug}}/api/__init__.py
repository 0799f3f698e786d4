"""The JSON API blueprint, under /api/v1, documented by OpenAPI at /api/openapi.json."""
