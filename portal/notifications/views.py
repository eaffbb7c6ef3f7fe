"""The bell, the notifications page, mail preferences, and RFC 8058 one-click unsubscribe."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from partners.context import NotFound
from portal.account.forms import ActionForm
from portal.notifications import service
from portal.notifications.forms import PreferencesForm
from portal.notifications.kinds import KINDS
from web.access import public, requires
from web.database import db_session
from web.extensions import csrf
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.app_context_processor
def notification_bell() -> dict:
    """The header's unread count, on every signed-in page (one indexed count)."""
    if not current_user.is_authenticated:
        return {}
    try:
        unread = service.unread_count(db_session(), current_user)
    except SQLAlchemyError:
        unread = 0  # the error page after a failed statement (see saved_views)
    return {"unread_notifications": unread}


@bp.route("/notifications/", methods=["GET"])
@requires()
def index():
    page = paginate(db_session(), service.my_notifications(current_user))
    return render_template("notifications/index.html", page=page, action=ActionForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@requires()
def mark_read(notification_id: int):
    try:
        service.mark_read(service_context(), notification_id)
    except NotFound:
        abort(404)
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/read", methods=["POST"])
@requires()
def mark_all_read():
    count = service.mark_all_read(service_context())
    flash(f"{count} notification(s) marked read." if count else "Nothing was unread.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@requires()
def preferences():
    ctx = service_context()
    form = PreferencesForm.for_kinds(service.preferences(ctx.db, current_user.id))
    if form.validate_on_submit():
        for kind, delivery in form.chosen().items():
            service.set_preference(ctx.db, current_user.id, kind, delivery, ctx.now())
        flash("Your notification emails are set.", "success")
        return redirect(url_for("notifications.preferences"))
    status = 422 if form.is_submitted() else 200
    return render_template("notifications/preferences.html", form=form, kinds=KINDS), status


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # RFC 8058: the mail client posts without a session; the signed token is the proof
def unsubscribe(token: str):
    settings = current_app.extensions["concord.settings"]
    ctx = service_context()
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", token=token)
    try:
        label = service.unsubscribe(ctx.db, settings.secret_key, token, ctx.now())
    except NotFound:
        abort(404)
    return render_template("notifications/unsubscribed.html", label=label)
