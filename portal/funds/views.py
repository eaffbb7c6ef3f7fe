"""Fund pages: the allocations and requests a vendor or partner may see, one request with its
decision, claim and proof documents."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.roles import OrgKind, OrgStatus, Role
from partners.sharing import AccessLevel, managed_partnerships
from portal.account.forms import ActionForm
from portal.campaigns.sharing import CAMPAIGNS
from portal.funds import service
from portal.funds.forms import (
    AllocationForm,
    ClaimDecisionForm,
    ClaimForm,
    DecisionForm,
    RequestForm,
)
from portal.funds.models import FundRequest, FundStatus
from portal.funds.sharing import get_fund_request, visible_fund_requests
from web.access import requires
from web.database import db_session
from web.forms import RecordPage, show_record, submit_form
from web.pagination import paginate

bp = Blueprint("funds", __name__, template_folder="templates")


def _offer(allocation_form: AllocationForm, request_form: RequestForm, allocations) -> None:
    db = db_session()
    if current_user.organization.kind == OrgKind.vendor:
        partnerships = db.scalars(managed_partnerships(current_user))
        allocation_form.partner_org_id.choices = [
            SelectChoice(p.child_id, p.child.name)
            for p in partnerships
            if p.status == OrgStatus.active
        ]
    own = [a for a in allocations if a.partner_org_id == current_user.organization_id]
    names = service.organization_names(db, {a.vendor_org_id for a in own})
    request_form.allocation_id.choices = [
        SelectChoice(a.id, f"{names[a.vendor_org_id]}: {a.starts_on} – {a.ends_on}") for a in own
    ]
    campaigns = db.scalars(sharing.visible_records(CAMPAIGNS, current_user).limit(100))
    request_form.campaign_id.choices = [SelectChoice("", "— none —")] + [
        SelectChoice(c.id, c.name) for c in campaigns
    ]


def _index_page(status: int = 200, **forms: FlaskForm):
    db = db_session()
    allocations = service.allocations_for(db, current_user)
    allocation_form = forms.get("allocation_form") or AllocationForm(formdata=None)
    request_form = forms.get("request_form") or RequestForm(formdata=None)
    _offer(allocation_form, request_form, allocations)
    query = visible_fund_requests(current_user).order_by(FundRequest.id.desc())
    page = render_template(
        "funds/index.html",
        allocations=allocations,
        balances=service.balances(db, allocations),
        names=service.organization_names(
            db, {a.partner_org_id for a in allocations} | {a.vendor_org_id for a in allocations}
        ),
        page=paginate(db, query),
        allocation_form=allocation_form,
        request_form=request_form,
        is_vendor=current_user.organization.kind == OrgKind.vendor,
    )
    return page, status


@bp.route("/funds/")
@requires()
def index():
    return _index_page()


@bp.route("/funds/allocations", methods=["POST"])
@requires(Role.manager, kinds=(OrgKind.vendor,))
def set_allocation():
    form = AllocationForm()
    _offer(form, RequestForm(formdata=None), [])
    return submit_form(
        form,
        lambda ctx: service.set_allocation(
            ctx, form.partner_org_id.data, form.starts_on.data, form.ends_on.data, form.amount.data
        ),
        lambda status: _index_page(status, allocation_form=form),
        _back_to_index("Allocation saved."),
    )


def _back_to_index(message: str):
    def done(_result):
        flash(message, "success")
        return redirect(url_for("funds.index"))

    return done


@bp.route("/funds/requests", methods=["POST"])
@requires(Role.member, kinds=(OrgKind.partner, OrgKind.distributor))
def request_funds():
    form = RequestForm()
    _offer(AllocationForm(formdata=None), form, service.allocations_for(db_session(), current_user))
    return submit_form(
        form,
        lambda ctx: service.request_funds(ctx, form.allocation_id.data, form.details()),
        lambda status: _index_page(status, request_form=form),
        show_record(
            "funds.request_page", "request_id", lambda r: f"Requested funds for {r.activity}."
        ),
    )


# One request --------------------------------------------------------------------------------


def _request_page(request_id: int, status: int = 200, **forms: FlaskForm):
    db = db_session()
    request = get_fund_request(db, current_user, request_id)
    is_vendor = request.owner_org_id == current_user.organization_id
    is_partner = request.partner_org_id == current_user.organization_id
    level = sharing.access_level(db, current_user, request)
    page = render_template(
        "funds/request.html",
        request=request,
        names=service.organization_names(db, {request.owner_org_id, request.partner_org_id}),
        decides=is_vendor and current_user.role >= Role.manager,
        claims=is_partner
        and current_user.role >= Role.member
        and request.status in (FundStatus.approved, FundStatus.claim_rejected),
        may_attach=is_partner and level is not None and level >= AccessLevel.edit,
        proofs=service.proof_documents(db, request),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        claim_form=forms.get("claim_form") or ClaimForm(formdata=None),
        claim_decision_form=forms.get("claim_decision_form") or ClaimDecisionForm(formdata=None),
        action_form=ActionForm(),
    )
    return page, status


PAGE = RecordPage("funds.request_page", "request_id", _request_page)


@bp.route("/funds/requests/<int:request_id>")
@requires()
def request_page(request_id: int):
    return _request_page(request_id)


@bp.route("/funds/requests/<int:request_id>/decision", methods=["POST"])
@requires(Role.manager, kinds=(OrgKind.vendor,))
def decide(request_id: int):
    form = DecisionForm()
    return PAGE.submit(
        request_id,
        form,
        "decision_form",
        lambda ctx: service.decide_request(
            ctx, request_id, bool(form.approve.data), form.amount.data, form.reason.data or ""
        ),
        lambda r: f"Funds for {r.activity}: {r.status.label.lower()}.",
    )


@bp.route("/funds/requests/<int:request_id>/claim", methods=["POST"])
@requires(Role.member)
def claim(request_id: int):
    form = ClaimForm()
    return PAGE.submit(
        request_id,
        form,
        "claim_form",
        lambda ctx: service.claim_funds(ctx, request_id, form.amount.data, form.note.data or ""),
        lambda r: f"Claimed {r.amount_claimed:,.2f} for {r.activity}: the vendor reviews it.",
    )


@bp.route("/funds/requests/<int:request_id>/claim-decision", methods=["POST"])
@requires(Role.manager, kinds=(OrgKind.vendor,))
def decide_claim(request_id: int):
    form = ClaimDecisionForm()
    return PAGE.submit(
        request_id,
        form,
        "claim_decision_form",
        lambda ctx: service.decide_claim(
            ctx, request_id, bool(form.pay.data), form.reason.data or ""
        ),
        lambda r: f"Claim for {r.activity}: {r.status.label.lower()}.",
    )
