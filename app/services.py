"""Building the service context for the current request, and calling a service from a form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from app.database import db_session
from partners.context import ServiceContext, ServiceError
from partners.mail import Mailer
from partners.models import User


def mailer() -> Mailer:
    return current_app.extensions["concord.mailer"]


def context_for(actor: User | None) -> ServiceContext:
    return ServiceContext(
        db=db_session(),
        actor=actor,
        mailer=mailer(),
        base_url=current_app.config["CONCORD_BASE_URL"] or request.host_url,
        ip=request.remote_addr or "",
        clock=current_app.extensions["concord.clock"],
        storage=current_app.extensions["concord.storage"],
    )


def service_context() -> ServiceContext:
    """The context of the signed-in user (or of nobody, on public pages)."""
    return context_for(
        current_user._get_current_object() if current_user.is_authenticated else None
    )


def submit(
    form: FlaskForm,
    act: Callable[[ServiceContext], Any],
    page: Callable[[int], Any],
    success: Callable[[Any], Any],
):
    """Validate ``form`` and run ``act`` (one service call), then answer ``success(result)``;
    or show ``page`` again, with the form's errors (a refusal among them) and 422 if it was
    submitted."""
    if form.validate_on_submit():
        try:
            result = act(service_context())
        except ServiceError as error:
            db_session().rollback()
            form.form_errors.append(str(error))
        else:
            return success(result)
    return page(422 if form.is_submitted() else 200)


def shown_after(
    endpoint: str, parameter: str, message: Callable[[Any], str]
) -> Callable[[Any], Any]:
    """``submit``'s success for a change to one record: flash what happened and show the record
    the service returned (``endpoint``, its id as ``parameter``)."""

    def done(record: Any):
        flash(message(record), "success")
        return redirect(url_for(endpoint, **{parameter: record.id}))

    return done
