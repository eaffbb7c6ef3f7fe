"""Saving a list page's filters under a name, the "Views" menu, and deleting views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from partners.context import ServiceError
from partners.roles import Role
from portal.account.forms import ActionForm
from portal.saved import service
from portal.saved.forms import SaveViewForm
from web.access import may_open, requires
from web.database import db_session
from web.services import service_context

bp = Blueprint("saved", __name__, url_prefix="/views", template_folder="templates")

#: The list pages a view may keep (their filters are GET parameters).
SAVEABLE = frozenset(
    {
        "leads.index",
        "leads.manage",
        "deals.index",
        "cases.index",
        "campaigns.index",
        "orders.index",
        "documents.index",
    }
)


def saved_endpoint(url: str) -> str | None:
    """The list page ``url`` (a path of this portal) shows, if it is one the user may open."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        endpoint, _args = current_app.url_map.bind("").match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint if endpoint in SAVEABLE and may_open(endpoint) else None


@bp.app_context_processor
def saved_views() -> dict:
    """The user's views for the bar's "Views" menu, and the form on list pages."""
    if not current_user.is_authenticated:
        return {}
    try:
        views = db_session().scalars(service.my_views(current_user)).all()
    except SQLAlchemyError:
        # The error page after a failed statement: its transaction is aborted, and the menu
        # must not turn our error page into Flask's bare one.
        views = []
    form = None
    if request.endpoint in SAVEABLE and may_open("saved.save"):  # viewers change nothing
        form = SaveViewForm(formdata=None, url=request.full_path.rstrip("?"))
    return {"saved_views": views, "save_view_form": form}


@bp.route("/", methods=["GET"])
@requires()
def index():
    return render_template("saved/index.html", action=ActionForm())


@bp.route("/", methods=["POST"])
@requires(Role.member)
def save():
    form = SaveViewForm()
    url = form.url.data or ""
    if not form.validate() or saved_endpoint(url) is None:
        flash("Give the view a name (a list page's view can be saved).", "error")
        return redirect(url if saved_endpoint(url) else url_for("saved.index"))
    try:
        view = service.save_view(service_context(), form.name.data, url)
    except ServiceError as error:
        db_session().rollback()
        flash(str(error), "error")
        return redirect(url)
    flash(f"Saved the view “{view.name}”: it is in the Views menu.", "success")
    return redirect(view.url)


@bp.route("/<int:view_id>/delete", methods=["POST"])
@requires(Role.member)
def delete(view_id: int):
    # CSRFProtect has checked the token, as on every POST.
    service.delete_view(service_context(), view_id)
    flash("View deleted.", "success")
    return redirect(url_for("saved.index"))
