"""flask-smorest's Blueprint, whose parser answers 400 to any body Python cannot load."""

import json
from typing import Any

import flask_smorest
from flask import Request
from webargs.flaskparser import FlaskParser


class Parser(FlaskParser):
    """webargs' parser: JSON too deeply nested, or with a number of thousands of
    digits, answers 400 like any invalid JSON (json.loads raises RecursionError
    or ValueError there, which webargs lets through as a 500)."""

    def _raw_load_json(self, req: Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except (RecursionError, ValueError) as error:
            invalid = json.JSONDecodeError(type(error).__name__, "", 0)
            self._handle_invalid_json_error(invalid, req)


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest Blueprint that reads request bodies with Parser."""

    ARGUMENTS_PARSER = Parser()
