"""The dashboard and scorecard pages, and each figure's CSV file."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from partners import sharing
from partners.context import NotFound
from partners.models import Partnership
from partners.roles import OrgKind
from portal.analytics import service
from portal.analytics.forms import DashboardFilterForm
from web.access import requires
from web.csv_export import cell, table_response
from web.database import db_session

bp = Blueprint("analytics", __name__, url_prefix="/analytics", template_folder="templates")

RUNS_PARTNERS = (OrgKind.vendor, OrgKind.distributor)
#: A figure's cell reads the same on the page as in its CSV file.
bp.add_app_template_filter(cell, "figure")


def _dashboard() -> tuple[DashboardFilterForm, service.Dashboard]:
    db = db_session()
    form = DashboardFilterForm(request.args).offer(db, current_user)
    now = current_app.extensions["concord.clock"]()
    return form, service.vendor_dashboard(db, current_user, form.filters(now))


@bp.route("/dashboard")
@requires(kinds=(OrgKind.vendor,))
def dashboard():
    form, figures = _dashboard()
    partnerships = db_session().scalars(sharing.managed_partnerships(current_user)).all()
    return render_template(
        "analytics/dashboard.html", form=form, dashboard=figures, partnerships=partnerships
    )


@bp.route("/dashboard/<key>.csv")
@requires(kinds=(OrgKind.vendor,))
def dashboard_csv(key: str):
    _form, figures = _dashboard()
    table = figures.table(key) or abort(404)
    return table_response(table.columns, table.rows, f"dashboard-{key}.csv")


def _partnership(partnership_id: int) -> Partnership:
    """The vendor's partnership, or the partner's own; any other is a 404."""
    db = db_session()
    if current_user.organization.kind in RUNS_PARTNERS:
        return sharing.get_managed_partnership(db, current_user, partnership_id)
    own = sharing.own_partnerships(current_user).where(Partnership.id == partnership_id)
    partnership = db.scalar(own)
    if partnership is None:
        raise NotFound()
    return partnership


@bp.route("/scorecard")
@requires()
def my_scorecard():
    """A partner's own scorecard (with its first vendor); the vendor picks a partner instead."""
    if current_user.organization.kind == OrgKind.vendor:
        return redirect(url_for("analytics.dashboard", _anchor="scorecards"))
    first = db_session().scalar(
        sharing.own_partnerships(current_user).order_by(Partnership.id).limit(1)
    )
    if first is None:
        raise NotFound()
    return redirect(url_for("analytics.scorecard", partnership_id=first.id))


@bp.route("/scorecard/<int:partnership_id>")
@requires()
def scorecard(partnership_id: int):
    partnership = _partnership(partnership_id)
    figures = service.scorecard(db_session(), current_user, partnership)
    others = (
        db_session()
        .scalars(sharing.own_partnerships(current_user).where(Partnership.id != partnership.id))
        .all()
    )
    return render_template(
        "analytics/scorecard.html", partnership=partnership, dashboard=figures, others=others
    )


@bp.route("/scorecard/<int:partnership_id>/<key>.csv")
@requires()
def scorecard_csv(partnership_id: int, key: str):
    partnership = _partnership(partnership_id)
    table = service.scorecard(db_session(), current_user, partnership).table(key) or abort(404)
    return table_response(table.columns, table.rows, f"scorecard-{partnership_id}-{key}.csv")
