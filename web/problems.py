"""RFC 9457 problem details: every API error is `application/problem+json`."""

from __future__ import annotations

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

#: Where the JSON API lives: errors there are problems, not pages.
API_PREFIX = "/api/"


#: Where inbound webhooks arrive: signed by their sender, never read with the session cookie.
HOOKS_PREFIX = "/hooks/"


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def is_machine_path(path: str) -> bool:
    """Paths only programs call: errors are problems and the session cookie is not read."""
    return path.startswith((API_PREFIX, HOOKS_PREFIX))


TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(status: int, detail: str, *, headers: dict | None = None, **extra) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.content_type = "application/problem+json"
    response.headers.update(headers or {})
    return response


def http_problem(error: HTTPException) -> Response:
    status = error.code or 500
    detail = {404: "There is nothing here, or it is not shared with you."}.get(
        status, error.description or TITLES.get(status, "Error")
    )
    return problem(status, detail)
