"""Running a page's form: validate it, make the one service call, answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, url_for
from flask_wtf import FlaskForm

from partners.context import ServiceContext, ServiceError
from web.database import db_session
from web.services import service_context


def submit_form(
    form: FlaskForm,
    act: Callable[[ServiceContext], Any],
    page: Callable[[int], Any],
    success: Callable[[Any], Any],
):
    """Validate ``form`` and run ``act`` (one service call), then answer ``success(result)``;
    or show ``page`` again, with the form's errors and 422 if it was submitted. A refusal
    (:class:`ServiceError`) rolls back and becomes one of the form's errors."""
    if form.validate_on_submit():
        try:
            result = act(service_context())
        except ServiceError as error:
            db_session().rollback()
            form.form_errors.append(str(error))
        else:
            return success(result)
    return page(422 if form.is_submitted() else 200)


def show_record(endpoint: str, parameter: str, message: Callable[[Any], str]):
    """A ``success`` for :func:`submit_form`: flash what happened to the record and show its
    page (``endpoint``, which takes the record's id as ``parameter``)."""

    def done(record: Any):
        flash(message(record), "success")
        return redirect(url_for(endpoint, **{parameter: record.id}))

    return done


@dataclass(frozen=True)
class RecordPage:
    """A record's page and the forms posted from it: on success flash what happened and show
    the record; on refusal the page again, with the posted form (as ``name``) and its errors."""

    endpoint: str
    parameter: str
    #: ``render(record_id, status, **forms)``: the page.
    render: Callable[..., Any]

    def shown(self, message: Callable[[Any], str]):
        return show_record(self.endpoint, self.parameter, message)

    def submit(self, record_id: int, form: FlaskForm, name: str, act, message):
        return submit_form(
            form,
            act,
            lambda status: self.render(record_id, status, **{name: form}),
            self.shown(message),
        )
