"""Case pages: the list, a case with its notes, opening one, status, triage and notes."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.roles import OrgKind, OrgStatus, Role
from partners.sharing import AccessLevel
from portal.account.views.sharing import share_context
from portal.cases import queries, service
from portal.cases.forms import (
    CaseFilterForm,
    CaseForm,
    FeedbackForm,
    InvolveForm,
    NoteForm,
    SlaPolicyForm,
    StatusForm,
    TriageForm,
)
from portal.cases.models import Case, CaseFeedback, CasePriority, CaseStatus
from portal.cases.sharing import CASES, note_teams
from portal.cases.sla import sla_state
from portal.deals.models import Deal
from portal.deals.service import registration_vendors
from portal.leads.queries import organizations_by_id
from portal.orders.models import Order
from web.access import requires
from web.database import db_session
from web.explainer import explainer_for
from web.forms import RecordPage, submit_form
from web.numbers import id_arg
from web.pagination import paginate

bp = Blueprint("cases", __name__, template_folder="templates")
#: Organizations that own cases (and open them for their partners), and those that open cases
#: with a vendor: a distributor does both.
OWNERS = (OrgKind.vendor, OrgKind.distributor)
REQUESTERS = (OrgKind.partner, OrgKind.distributor)
#: The button that moves a case to each status.
STATUS_ACTIONS = {
    CaseStatus.in_progress: "Start work",
    CaseStatus.waiting_on_partner: "Wait on the partner",
    CaseStatus.resolved: "Mark resolved",
    CaseStatus.closed: "Close",
    CaseStatus.open: "Reopen",
}


@bp.route("/cases/")
@requires()
def index():
    form = CaseFilterForm(request.args)
    db = db_session()
    page = paginate(db, queries.case_list(current_user, form.filters()))
    ids = [case.id for case in page.items]
    # Each case names the other side: its partner to the vendor, its vendor to everyone else.
    mine = current_user.organization_id
    others = {
        c.id: c.partner_org_id if c.owner_org_id == mine else c.owner_org_id for c in page.items
    }
    return render_template(
        "cases/list.html",
        page=page,
        form=form,
        notes=queries.note_counts(db, current_user, ids),
        others=others,
        names=organizations_by_id(db, {org for org in others.values() if org}),
        slas={case.id: sla_state(case, _now()) for case in page.items},
        satisfaction=queries.satisfaction(db, current_user)
        if current_user.organization.kind in OWNERS
        else None,
    )


def _now():
    return current_app.extensions["concord.clock"]()


# One case --------------------------------------------------------------------------------------


def _note_form(case: Case, submitted: bool = False) -> NoteForm:
    """Who a note can be for. The vendor's people write internally unless they choose
    otherwise; everyone else writes to everyone on the case."""
    form = NoteForm() if submitted else NoteForm(formdata=None)
    org = current_user.organization
    internal = [SelectChoice("internal", f"Internal: {org.name} only")] + [
        SelectChoice(f"internal:{team.id}", f"Internal: team {team.name} only")
        for team in note_teams(db_session(), current_user)
    ]
    shared = [SelectChoice("shared", "Shared: everyone who can see the case")]
    owner = case.owner_org_id == org.id
    form.audience.choices = internal + shared if owner else shared + internal
    return form


def _triage_form(case: Case, submitted: bool = False) -> TriageForm:
    """The vendor's triage: its active people and its teams; the case's values unless posted."""
    form = TriageForm() if submitted else TriageForm(formdata=None)
    db = db_session()
    form.assigned_user.choices = [SelectChoice(0, "Nobody")] + [
        SelectChoice(person.id, person.display_name)
        for person in db.scalars(sharing.colleagues(current_user))
        if person.is_active
    ]
    form.assigned_team.choices = [SelectChoice(0, "No team")] + [
        SelectChoice(team.id, team.name) for team in db.scalars(sharing.teams(current_user))
    ]
    if not submitted:
        form.priority.data = case.priority.value
        form.assigned_user.data = case.assigned_user_id or 0
        form.assigned_team.data = case.assigned_team_id or 0
    return form


def _involve_form(case: Case, submitted: bool = False) -> InvolveForm:
    """The vendor's active partners that are not on the case yet."""
    form = InvolveForm() if submitted else InvolveForm(formdata=None)
    on_case = {case.partner_org_id} | set(queries.involved_ids(db_session(), case))
    form.partner.choices = [
        SelectChoice(p.child_id, p.child.name)
        for p in db_session().scalars(sharing.managed_partnerships(current_user))
        if p.status == OrgStatus.active and p.child_id not in on_case
    ]
    return form


def _detail_page(case_id: int, status: int = 200, **forms: FlaskForm):
    db = db_session()
    case = sharing.get_record(db, current_user, CASES, case_id)
    level = sharing.access_level(db, current_user, case)
    is_owner = case.owner_org_id == current_user.organization_id
    may_edit = current_user.role >= Role.member and level is not None and level >= AccessLevel.edit
    vendor, partner = queries.parties(db, current_user, case)
    deal, order = queries.linked_records(db, current_user, case)
    page = render_template(
        "cases/detail.html",
        case=case,
        level=level,
        is_owner=is_owner,
        may_edit=may_edit,
        vendor=vendor,
        partner=partner,
        deal=deal,
        order=order,
        notes=queries.timeline(db, current_user, case),
        sla=sla_state(case, _now()),
        status_forms=[
            (STATUS_ACTIONS[next_status], StatusForm(formdata=None, status=next_status.value))
            for next_status in service.next_statuses(case, current_user)
        ]
        if may_edit
        else [],
        status_errors=_errors(forms.get("status_form")),
        note_form=forms.get("note_form") or _note_form(case),
        triage_form=(forms.get("triage_form") or _triage_form(case))
        if is_owner and may_edit
        else None,
        involve_form=(forms.get("involve_form") or _involve_form(case))
        if is_owner and may_edit
        else None,
        feedback=db.get(CaseFeedback, case.id),
        feedback_form=forms.get("feedback_form") or FeedbackForm(formdata=None),
        why=explainer_for(db, current_user, case),
        **share_context(CASES, case),
    )
    return page, status


PAGE = RecordPage("cases.detail", "case_id", _detail_page)


def _errors(form: FlaskForm | None) -> list[str]:
    """A button form's refusals: the service's and its (hidden) fields'."""
    if form is None:
        return []
    return [error for errors in form.errors.values() for error in errors]  # form_errors too


@bp.route("/cases/<int:case_id>")
@requires()
def detail(case_id: int):
    return _detail_page(case_id)


@bp.route("/cases/<int:case_id>/status", methods=["POST"])
@requires(Role.member)
def change_status(case_id: int):
    form = StatusForm()
    return PAGE.submit(
        case_id,
        form,
        "status_form",
        lambda ctx: service.change_status(ctx, case_id, CaseStatus(form.status.data)),
        lambda case: f"{case.reference} is {case.status.label.lower()} now.",
    )


@bp.route("/cases/<int:case_id>/notes", methods=["POST"])
@requires(Role.member)
def add_note(case_id: int):
    case = sharing.get_record(db_session(), current_user, CASES, case_id)
    form = _note_form(case, submitted=True)

    def act(ctx):
        visibility, team_id = form.visibility()
        return service.add_note(ctx, case_id, form.body.data, visibility, team_id)

    def added(note):
        flash("Your note is on the case.", "success")
        return redirect(url_for("cases.detail", case_id=note.case_id, _anchor="notes"))

    return submit_form(
        form, act, lambda status: _detail_page(case_id, status, note_form=form), added
    )


@bp.route("/cases/<int:case_id>/triage", methods=["POST"])
@requires(Role.member, kinds=OWNERS)
def triage(case_id: int):
    case = sharing.get_record(db_session(), current_user, CASES, case_id)
    form = _triage_form(case, submitted=True)
    return PAGE.submit(
        case_id,
        form,
        "triage_form",
        lambda ctx: service.triage_case(
            ctx,
            case_id,
            CasePriority(form.priority.data),
            form.assigned_user.data or None,
            form.assigned_team.data or None,
        ),
        lambda saved: f"{saved.reference} is triaged.",
    )


@bp.route("/cases/settings", methods=["GET", "POST"])
@requires(Role.admin, kinds=OWNERS)
def sla_settings():
    """The vendor's SLA targets per priority, in business hours of its calendar."""
    form = SlaPolicyForm()
    if not form.is_submitted():
        form.fill(*service.sla_policy(db_session(), current_user.organization_id))

    def saved(_):
        flash("Case SLAs saved: new and re-prioritised cases get these targets.", "success")
        return redirect(url_for("cases.sla_settings"))

    return submit_form(
        form,
        lambda ctx: service.save_sla_policy(ctx, form.timezone.data.strip(), form.targets()),
        lambda status: (render_template("cases/settings.html", form=form), status),
        saved,
    )


@bp.route("/cases/<int:case_id>/involve", methods=["POST"])
@requires(Role.member, kinds=OWNERS)
def involve(case_id: int):
    case = sharing.get_record(db_session(), current_user, CASES, case_id)
    form = _involve_form(case, submitted=True)
    return PAGE.submit(
        case_id,
        form,
        "involve_form",
        lambda ctx: service.involve_partner(ctx, case_id, form.partner.data),
        lambda saved: f"The partner is involved in {saved.reference} now.",
    )


@bp.route("/cases/<int:case_id>/feedback", methods=["POST"])
@requires(Role.member, kinds=REQUESTERS)
def rate(case_id: int):
    form = FeedbackForm()

    def act(ctx):
        feedback = service.rate_case(ctx, case_id, form.rating.data, form.comment.data or "")
        return ctx.db.get_one(Case, feedback.case_id)

    return PAGE.submit(
        case_id, form, "feedback_form", act, lambda _: "Thank you: your rating is with the vendor."
    )


# Opening a case --------------------------------------------------------------------------------


def _offer_links(form: CaseForm, other_party: Callable[[Deal | Order], int | None]) -> None:
    """Offer the deals and orders the user may link. "Open a case" on a deal's or an order's
    page (``?deal=`` / ``?order=``) picks that record, and its other party as the counterpart."""
    if form.is_submitted():
        deal_id, order_id = form.deal_id.data or None, form.order_id.data or None
    else:
        deal_id, order_id = id_arg("deal"), id_arg("order")
    linkable = queries.linkable_records(db_session(), current_user, deal_id, order_id)
    form.offer(linkable)
    if form.is_submitted():
        return
    for field, records, wanted in (
        (form.deal_id, linkable.deals, deal_id),
        (form.order_id, linkable.orders, order_id),
    ):
        picked = next((record for record in records if record.id == wanted), None)
        if picked is not None:
            field.data = picked.id
            form.counterpart.data = other_party(picked)


def _open_page(form: CaseForm, heading: str):
    return lambda status: (
        render_template(
            "cases/new.html", form=form, heading=heading, linkable_shown=queries.LINKABLE
        ),
        status,
    )


@bp.app_template_global()
def open_case_url(record: Deal | Order) -> str | None:
    """Where "Open a case" about a deal or an order leads the current user: the vendor's side
    opens it for the partner, the partner's side with the vendor; None when neither may."""
    user = current_user
    if user.role < Role.member:
        return None
    parameter = {"deal": record.id} if isinstance(record, Deal) else {"order": record.id}
    kind = user.organization.kind
    if record.owner_org_id == user.organization_id and kind in OWNERS:
        return url_for("cases.create", **parameter)
    if _partner_of(record) == user.organization_id and kind in REQUESTERS:
        return url_for("cases.request_case", **parameter)
    return None


def _partner_of(record: Deal | Order) -> int | None:
    return record.partner_org_id if isinstance(record, Deal) else record.buyer_org_id


@bp.route("/cases/new", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def create():
    """The vendor opens a case for one of its partners."""
    form = CaseForm()
    partnerships = db_session().scalars(sharing.managed_partnerships(current_user))
    form.counterpart.choices = [
        SelectChoice(p.child_id, p.child.name) for p in partnerships if p.status == OrgStatus.active
    ]
    _offer_links(form, _partner_of)
    return submit_form(
        form,
        lambda ctx: service.open_case_for_partner(ctx, form.counterpart.data, form.details()),
        _open_page(form, "Open a case for a partner"),
        PAGE.shown(lambda case: f"{case.reference} is open."),
    )


@bp.route("/cases/open", methods=["GET", "POST"])
@requires(Role.member, kinds=REQUESTERS)
def request_case():
    """A partner opens a case with one of its vendors."""
    form = CaseForm()
    form.counterpart.label.text = "Vendor"
    vendors = registration_vendors(db_session(), current_user)
    form.counterpart.choices = [SelectChoice(vendor.id, vendor.name) for vendor in vendors]
    _offer_links(form, lambda record: record.owner_org_id)
    return submit_form(
        form,
        lambda ctx: service.open_case_with_vendor(ctx, form.counterpart.data, form.details()),
        _open_page(form, "Open a case with a vendor"),
        PAGE.shown(lambda case: f"{case.reference} is open; the vendor will pick it up."),
    )
