"""Sharing pages: explicit shares on a record's page, and "view as" a partner organization."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.context import NotFound, ServiceError
from partners.models import Organization, Partnership
from partners.roles import OrgKind, Role
from partners.sharing import shares
from partners.sharing.kinds import SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import ExplicitShare, RecordType
from partners.sharing.registry import kind_of
from portal.account.forms import ActionForm, ShareForm
from portal.deals.sharing import DEALS
from portal.leads.sharing import LEADS
from web.access import requires
from web.database import db_session
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("sharing", __name__, url_prefix="/sharing", template_folder="../templates")

OWNERS = (OrgKind.vendor, OrgKind.distributor)
#: The lists "view as" shows, one at a time.
VIEW_AS_LISTS = {
    "pool": "Leads they may claim",
    "leads": "All leads they see",
    "deals": "Deals they see",
}
#: Where each kind's record page is, and the levels a share of it may give.
RECORD_PAGES = {
    RecordType.lead: ("leads.detail", "lead_id"),
    RecordType.deal: ("deals.detail", "deal_id"),
    RecordType.campaign: ("campaigns.detail", "campaign_id"),
    RecordType.case: ("cases.detail", "case_id"),
    RecordType.fund_request: ("funds.request_page", "request_id"),
}
SHARE_LEVELS = {
    RecordType.lead: (AccessLevel.view, AccessLevel.claim, AccessLevel.edit),
    RecordType.deal: (AccessLevel.view, AccessLevel.edit),
    RecordType.campaign: (AccessLevel.view, AccessLevel.edit),
    RecordType.case: (AccessLevel.view, AccessLevel.edit),
    RecordType.fund_request: (AccessLevel.view, AccessLevel.edit),
}


def _kind(record_type: str) -> SharedKind:
    try:
        return kind_of(record_type)
    except ValueError:
        abort(404)


def record_url(kind: SharedKind, record_id: int) -> str:
    endpoint, parameter = RECORD_PAGES[kind.record_type]
    return url_for(endpoint, **{parameter: record_id})


def _targets() -> list[tuple[str, str]]:
    """Whom the user's organization may share with: its partners and its own teams."""
    db = db_session()
    partners = db.scalars(sharing.managed_partnerships(current_user)).all()
    choices = [SelectChoice(f"org:{p.child_id}", p.child.name) for p in partners]
    choices += [
        SelectChoice(f"team:{team.id}", f"Team {team.name}")
        for team in db.scalars(sharing.teams(current_user))
    ]
    return choices


def share_form(kind: SharedKind, formdata: Any = None) -> ShareForm:
    form = ShareForm(formdata=formdata) if formdata is not None else ShareForm()
    form.target.choices = _targets()
    form.level.choices = [
        SelectChoice(str(int(level)), level.label) for level in SHARE_LEVELS[kind.record_type]
    ]
    return form


def share_context(kind: SharedKind, record: Any) -> dict:
    """What a record page needs to show and edit its shares (owners only)."""
    if record.owner_org_id != current_user.organization_id or current_user.role < Role.member:
        return {"shares": None}
    db = db_session()
    return {
        "shares": shares.record_shares(db, current_user, kind, record.id),
        "share_form": share_form(kind, formdata=None),
        "share_action": url_for("sharing.share", record_type=kind.noun, record_id=record.id),
        "revoke_form": ActionForm(),
    }


@bp.route("/<record_type>/<int:record_id>/share", methods=["POST"])
@requires(Role.member)
def share(record_type: str, record_id: int):
    kind = _kind(record_type)
    record = sharing.get_record(db_session(), current_user, kind, record_id, AccessLevel.manage)
    form = share_form(kind)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
        return redirect(record_url(kind, record.id))
    target_kind, _, target_id = form.target.data.partition(":")
    db = db_session()
    target = (
        {"organization": db.get_one(Organization, int(target_id))}
        if target_kind == "org"
        else {"team": sharing.get_team(db, current_user, int(target_id))}
    )
    expires = form.expires_on.data
    try:
        shares.share_record(
            service_context(),
            kind,
            record.id,
            level=AccessLevel(int(form.level.data)),
            expires_at=datetime.combine(expires, time.max, UTC) if expires else None,
            reason=form.reason.data or "",
            **target,
        )
    except ServiceError as error:
        db.rollback()
        flash(str(error), "error")
    else:
        flash(
            "Shared. It lapses by itself on its expiry date." if expires else "Shared.", "success"
        )
    return redirect(record_url(kind, record.id))


@bp.route("/shares/<int:share_id>/revoke", methods=["POST"])
@requires(Role.member)
def revoke(share_id: int):
    db = db_session()
    share = db.get(ExplicitShare, share_id)
    if share is None or share.owner_org_id != current_user.organization_id:
        raise NotFound()
    if not ActionForm().validate_on_submit():
        abort(400)
    shares.unshare(service_context(), share_id)
    flash("Share revoked.", "success")
    return redirect(record_url(_kind(share.record_type.value), share.record_id))


@bp.route("/view-as")
@requires(Role.admin, kinds=OWNERS)
def view_as_index():
    partnerships = db_session().scalars(sharing.managed_partnerships(current_user)).all()
    return render_template("partners/view_as_index.html", partnerships=partnerships)


@bp.route("/view-as/<int:organization_id>")
@requires(Role.admin, kinds=OWNERS)
def view_as(organization_id: int):
    """Read-only: the owner's leads and deals exactly as one partner organization sees them."""
    db = db_session()
    query = sharing.managed_partnerships(current_user).where(
        Partnership.child_id == organization_id
    )
    partnership = db.scalar(query)
    if partnership is None:
        raise NotFound()
    partner = partnership.child
    show = request.args.get("show", "pool")
    if show not in VIEW_AS_LISTS:
        abort(404)
    kind, min_level = (DEALS, AccessLevel.view) if show == "deals" else (LEADS, AccessLevel.view)
    if show == "pool":
        min_level = AccessLevel.claim
    query = sharing.seen_by_partner(db, current_user, partner, kind, min_level)
    if show == "pool":
        query = query.where(LEADS.model.status == "available")
    model = kind.model
    page = paginate(db, query.order_by(model.created_at.desc(), model.id.desc()))
    return render_template(
        "partners/view_as.html",
        partner=partner,
        partnership=partnership,
        show=show,
        lists=VIEW_AS_LISTS,
        page=page,
    )
