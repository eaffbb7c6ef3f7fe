"""The admin's pages: endpoints (a secret shown once, rotatable) and each one's message log."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from integrations.inbound.forms import EndpointForm
from integrations.inbound.service import (
    create_endpoint,
    endpoints_of,
    get_endpoint,
    messages_of,
    rotate_secret,
)
from partners import sharing
from partners.context import ServiceError
from partners.roles import Role
from portal.account.forms import ActionForm
from web.access import requires
from web.database import db_session
from web.pagination import paginate
from web.services import service_context

bp = Blueprint(
    "inbound_admin", __name__, url_prefix="/admin/inbound-webhooks", template_folder="templates"
)


def _form() -> EndpointForm:
    form = EndpointForm()
    form.user.choices = [
        (user.id, user.display_name)
        for user in db_session().scalars(sharing.colleagues(current_user))
    ]
    return form


@bp.route("/", methods=["GET", "POST"])
@requires(Role.admin)
def index() -> ResponseReturnValue:
    form = _form()
    status, created = 200, None
    if form.validate_on_submit():
        db = db_session()
        user = sharing.get_colleague(db, current_user, form.user.data)
        try:
            created = create_endpoint(service_context(), user, form.name.data, form.actions.data)
        except ServiceError as error:
            form.actions.errors.append(str(error))
            status = 422
    elif form.errors:
        status = 422
    endpoints = list(db_session().scalars(endpoints_of(current_user.organization_id)))
    page = render_template(
        "inbound/endpoints.html", endpoints=endpoints, form=form, created=created
    )
    return page, 201 if created else status


@bp.route("/<int:endpoint_id>")
@requires(Role.admin)
def detail(endpoint_id: int) -> ResponseReturnValue:
    endpoint = get_endpoint(db_session(), current_user, endpoint_id)
    return render_template(
        "inbound/endpoint.html",
        endpoint=endpoint,
        page=paginate(db_session(), messages_of(endpoint)),
        rotate=ActionForm(),
        secret=None,
    )


@bp.route("/<int:endpoint_id>/rotate", methods=["POST"])
@requires(Role.admin)
def rotate(endpoint_id: int) -> ResponseReturnValue:
    endpoint = get_endpoint(db_session(), current_user, endpoint_id)
    form = ActionForm()  # its CSRF token is checked by CSRFProtect before this view
    secret = rotate_secret(service_context(), endpoint)
    return render_template(
        "inbound/endpoint.html",
        endpoint=endpoint,
        page=paginate(db_session(), messages_of(endpoint)),
        rotate=form,
        secret=secret,
    )
