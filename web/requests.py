"""Request input refused before any view sees it: JSON too large or too deep to parse safely,
and query strings carrying control characters."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from flask.wrappers import Request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from web.input import control_character_problem

#: A JSON body larger than this is refused (413): bodies here are small records, not files.
MAX_JSON_BYTES = 1 * 2**20
#: Deeper nesting is refused (400); the deepest body the API takes nests three levels.
MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply ``body`` nests arrays and objects, without parsing it (strings skipped)."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return 0  # cannot be too deep: spare the scan
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', body)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


class ConcordRequest(Request):
    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """As Flask's, but a body too large (413) or too deep (400) is refused even when
        ``silent``, before the parser sees it."""
        if force or self.is_json:
            too_large = (self.content_length or 0) > MAX_JSON_BYTES
            if too_large or len(self.get_data(cache=True)) > MAX_JSON_BYTES:
                raise RequestEntityTooLarge(
                    f"JSON bodies may be at most {MAX_JSON_BYTES // 2**10} KB."
                )
            if json_depth(self.get_data(cache=True)) > MAX_JSON_DEPTH:
                raise BadRequest(
                    f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels; send a flatter one."
                )
        return super().get_json(force=force, silent=silent, cache=cache)


def install_request_checks(app: Flask) -> None:
    app.request_class = ConcordRequest

    @app.before_request
    def _refuse_control_characters_in_query() -> None:
        for name, value in request.args.items(multi=True):
            problem = control_character_problem(name) or control_character_problem(value)
            if problem is not None:
                raise BadRequest(f"The address's `{name}` parameter cannot be used. {problem}")
