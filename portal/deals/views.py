"""Deal pages: the list, a deal, registering one, converting a lead, and the vendor's review."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.context import ServiceError
from partners.models import Organization
from partners.roles import OrgKind, Role
from partners.sharing import AccessLevel
from portal.account.views.sharing import share_context
from portal.deals import queries, service
from portal.deals.forms import (
    ApproveForm,
    DealFilterForm,
    DealForm,
    DealSettingsForm,
    RegistrationForm,
    RejectForm,
    StageForm,
)
from portal.deals.models import Deal, DealStage, Registration
from portal.deals.sharing import DEALS, get_deal
from portal.leads.queries import organizations_by_id
from portal.leads.sharing import get_lead
from web.access import requires
from web.csv_export import csv_response
from web.database import db_session
from web.explainer import explainer_for
from web.forms import RecordPage, submit_form
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("deals", __name__, template_folder="templates")
#: Organizations that own deals (and review registrations), and those that register them.
OWNERS = (OrgKind.vendor, OrgKind.distributor)
REGISTRANTS = (OrgKind.partner, OrgKind.distributor)
#: How the explainer names a deal's participants (its partner, a two-tier distributor).
EXPORT_COLUMNS = (
    "id",
    "name",
    "customer",
    "contact_name",
    "contact_email",
    "vat_number",
    "country",
    "region",
    "industry",
    "product_line",
    "campaign",
    "amount",
    "stage",
    "expected_close",
    "registration",
    "protected_until",
    "created_at",
)


@bp.context_processor
def _registration_status() -> dict:
    now = service_context().now()

    conflicted: dict[int, bool] = {}

    def status(deal: Deal) -> str:
        """One conflict query per page, not per row: the first awaiting deal asked about looks
        up every awaiting deal this request has loaded."""
        if deal.registration != Registration.submitted:
            return queries.protection_label(deal, now)
        if deal.id not in conflicted:
            db = db_session()
            loaded = {
                record.id
                for record in db.identity_map.values()
                if isinstance(record, Deal) and record.registration == Registration.submitted
            }
            ids = sorted((loaded | {deal.id}) - conflicted.keys())
            counts = queries.conflict_counts(db, ids)
            conflicted.update({deal_id: deal_id in counts for deal_id in ids})
        return queries.protection_label(deal, now, conflicted[deal.id])

    return {"registration_status": status}


@bp.route("/deals/")
@requires()
def index():
    form = DealFilterForm(request.args)
    query = queries.deal_list(current_user, form.filters())
    return render_template("deals/list.html", page=paginate(db_session(), query), form=form)


@bp.route("/deals/export.csv")
@requires()
def export():
    filters = DealFilterForm(request.args).filters()
    return csv_response(queries.deal_list(current_user, filters), EXPORT_COLUMNS, "deals.csv")


# One deal --------------------------------------------------------------------------------------


def _detail_page(deal_id: int, status: int = 200, **forms: FlaskForm):
    db = db_session()
    deal = get_deal(db, current_user, deal_id)
    org_id, now = current_user.organization_id, service_context().now()
    is_owner, is_partner = deal.owner_org_id == org_id, deal.partner_org_id == org_id
    reviewing = is_owner and current_user.role >= Role.manager and deal.registration is not None
    level = sharing.access_level(db, current_user, deal)
    page = render_template(
        "deals/detail.html",
        deal=deal,
        level=level,
        is_owner=is_owner,
        # Only the owner and the partner itself learn who works the deal.
        partner=db.get(Organization, deal.partner_org_id)
        if deal.partner_org_id and (is_owner or is_partner)
        else None,
        notice=service.protection_notice(db, deal, now) if is_partner else None,
        may_edit=current_user.role >= Role.member
        and level is not None
        and level >= AccessLevel.edit,
        competitors=queries.side_by_side(db, deal) if reviewing else [],
        why=explainer_for(db, current_user, deal),
        history=queries.deal_history(db, deal, current_user),
        stage_form=forms.get("stage_form") or StageForm(formdata=None, stage=deal.stage.value),
        approve_form=forms.get("approve_form")
        or ApproveForm(formdata=None, days=service.protection_days(db, deal.owner_org_id)),
        reject_form=forms.get("reject_form") or RejectForm(formdata=None),
        **share_context(DEALS, deal),
    )
    return page, status


PAGE = RecordPage("deals.detail", "deal_id", _detail_page)


@bp.route("/deals/<int:deal_id>")
@requires()
def detail(deal_id: int):
    return _detail_page(deal_id)


@bp.route("/deals/<int:deal_id>/stage", methods=["POST"])
@requires(Role.member)
def change_stage(deal_id: int):
    form = StageForm()
    return PAGE.submit(
        deal_id,
        form,
        "stage_form",
        lambda ctx: service.change_stage(ctx, deal_id, DealStage(form.stage.data)),
        lambda deal: f"{deal.name} is at {deal.stage.label} now.",
    )


@bp.route("/deals/<int:deal_id>/approve", methods=["POST"])
@requires(Role.manager, kinds=OWNERS)
def approve(deal_id: int):
    form = ApproveForm()
    return PAGE.submit(
        deal_id,
        form,
        "approve_form",
        lambda ctx: service.approve_registration(ctx, deal_id, form.days.data),
        lambda deal: (
            f"Registration of {deal.customer} approved: "
            f"protected until {service.long_date(deal.protected_until)}."
        ),
    )


@bp.route("/deals/<int:deal_id>/reject", methods=["POST"])
@requires(Role.manager, kinds=OWNERS)
def reject(deal_id: int):
    form = RejectForm()
    return PAGE.submit(
        deal_id,
        form,
        "reject_form",
        lambda ctx: service.reject_registration(ctx, deal_id, form.reason.data),
        lambda deal: f"Registration of {deal.customer} rejected; the partner is told why.",
    )


def _form_page(template: str, form: DealForm, **context):
    return lambda status: (render_template(template, form=form, **context), status)


@bp.route("/deals/<int:deal_id>/edit", methods=["GET", "POST"])
@requires(Role.member)
def edit(deal_id: int):
    deal = get_deal(db_session(), current_user, deal_id, AccessLevel.edit)
    form = DealForm()
    if not form.is_submitted():
        form.fill(deal)
    return submit_form(
        form,
        lambda ctx: service.update_deal(ctx, deal_id, form.details()),
        _form_page("deals/edit.html", form, deal=deal),
        PAGE.shown(lambda saved: f"Changes to {saved.name} are saved."),
    )


# New deals -------------------------------------------------------------------------------------


@bp.route("/deals/new", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def create():
    form = DealForm()
    return submit_form(
        form,
        lambda ctx: service.create_deal(ctx, form.details()),
        _form_page("deals/new.html", form),
        PAGE.shown(lambda deal: f"Deal {deal.name} is created."),
    )


def _registered(deal: Deal):
    """To the deal, with what the registrant may know of competing claims."""
    notice = service.protection_notice(db_session(), deal, service_context().now())
    message = f"Your registration of {deal.customer} is submitted; the vendor will review it."
    flash(f"{message} {notice}" if notice else message, "info" if notice else "success")
    return redirect(url_for("deals.detail", deal_id=deal.id))


@bp.route("/deals/register", methods=["GET", "POST"])
@requires(Role.member, kinds=REGISTRANTS)
def register():
    form = RegistrationForm()
    vendors = service.registration_vendors(db_session(), current_user)
    form.vendor_id.choices = [SelectChoice(vendor.id, vendor.name) for vendor in vendors]
    if form.is_submitted() and form.check.data:
        return _check_customer(form)
    return submit_form(
        form,
        lambda ctx: service.register_deal(ctx, form.vendor_id.data, form.details()),
        _form_page("deals/register.html", form),
        _registered,
    )


def _check_customer(form: RegistrationForm):
    """The registration form again, filled in, with what registering this customer would be
    told ("Check the customer"); nothing is registered, and only the customer's fields count."""
    inline = {"vendor_id": [RegistrationForm.validate_vendor_id]}
    checked = [form[name].validate(form, inline.get(name, [])) for name in form.CHECKED]
    if not all(checked):
        return _form_page("deals/register.html", form)(422)
    try:
        result = service.check_customer(service_context(), form.vendor_id.data, form.details())
    except ServiceError as error:
        form.form_errors.append(str(error))
        return _form_page("deals/register.html", form)(422)
    return _form_page("deals/register.html", form, customer_check=result)(200)


@bp.route("/leads/<int:lead_id>/convert", methods=["GET", "POST"])
@requires(Role.member)
def convert_lead(lead_id: int):
    lead = get_lead(db_session(), current_user, lead_id, AccessLevel.edit)
    form = DealForm()
    if not form.is_submitted():
        form.fill(service.details_from_lead(lead))
    return submit_form(
        form,
        lambda ctx: service.convert_lead(ctx, lead_id, form.details()),
        _form_page(
            "deals/convert.html", form, lead=lead, convertible=lead.status in service.CONVERTIBLE
        ),
        PAGE.shown(lambda deal: f"{lead.company} is converted into the deal {deal.name}."),
    )


# The owner's side ------------------------------------------------------------------------------


@bp.route("/deals/registrations")
@requires(Role.manager, kinds=OWNERS)
def registrations():
    db = db_session()
    page = paginate(db, queries.review_queue(current_user))
    ids = [deal.id for deal in page.items]
    return render_template(
        "deals/registrations.html",
        page=page,
        conflicts=queries.conflict_counts(db, ids),
        partners=organizations_by_id(
            db, {d.partner_org_id for d in page.items if d.partner_org_id}
        ),
    )


@bp.route("/deals/settings", methods=["GET", "POST"])
@requires(Role.manager, kinds=OWNERS)
def deal_settings():
    form = DealSettingsForm()
    if not form.is_submitted():
        form.protection_days.data = service.protection_days(
            db_session(), current_user.organization_id
        )

    def saved(settings):
        flash(f"Approved registrations now protect for {settings.protection_days} days.", "success")
        return redirect(url_for("deals.deal_settings"))

    return submit_form(
        form,
        lambda ctx: service.save_settings(ctx, form.protection_days.data),
        lambda status: (render_template("deals/settings.html", form=form), status),
        saved,
    )
