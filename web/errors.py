"""Friendly error pages; service refusals become the right status code."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from partners.context import Forbidden, NotFound
from web.problems import http_problem, is_machine_path

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not allow this. Ask an admin of your organization."),
    404: ("Not found", "There is nothing here, or it is not shared with you."),
    405: ("Not allowed", "This page does not accept that kind of request."),
    413: ("Too large", "The upload is larger than this portal accepts."),
    429: ("Slow down", "Too many attempts. Please wait a moment and try again."),
    500: ("Something went wrong", "We logged the problem. Nothing was saved; please try again."),
}


def render_error(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, ("Error", "Something went wrong."))
    return render_template("error.html", code=code, title=title, message=message or default), code


def install_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_error(
            400,
            "This form has expired or was sent from elsewhere, so nothing was saved. "
            "Go back, reload the page and submit it again.",
        )

    @app.errorhandler(NotFound)
    def _not_found(error: NotFound):
        return render_error(404)

    @app.errorhandler(Forbidden)
    def _forbidden(error: Forbidden):
        return render_error(403, str(error))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if is_machine_path(request.path):
            return http_problem(error)
        code = error.code or 500
        # Our own descriptions say what to do; Werkzeug's defaults say less than our pages.
        custom = error.description if error.description != type(error).description else None
        return render_error(code, custom)
