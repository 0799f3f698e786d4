"""The API's request parser: any body Python cannot load answers 400, never 500."""

import json
from typing import Any

from flask import Request
from webargs.flaskparser import FlaskParser


class Parser(FlaskParser):
    """webargs' parser: JSON nested too deep, or with a number of thousands of
    digits, answers 400 like any invalid JSON (json.loads raises RecursionError
    or a ValueError there, which webargs would let through as a 500)."""

    def _raw_load_json(self, req: Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except (RecursionError, ValueError) as error:
            invalid = json.JSONDecodeError(type(error).__name__, "", 0)
            self._handle_invalid_json_error(invalid, req)
