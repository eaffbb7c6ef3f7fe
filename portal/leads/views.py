"""Lead pages: the partner's inbox and claims, the owner's leads, and sharing rules."""

from __future__ import annotations

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import Select
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.context import NotFound, ServiceError
from partners.roles import OrgKind, Role, Tier
from partners.sharing import rules
from partners.sharing.models import GranteeKind
from portal.account.forms import ActionForm
from portal.account.views.sharing import share_context
from portal.leads import assignment, forwarding, policy, queries, scoring, service
from portal.leads.blueprint import CLAIMERS, OWNERS, bp
from portal.leads.forms import (
    MANUAL_MOVES,
    AcceptForm,
    ActivityForm,
    AssignForm,
    DeclineForm,
    ForwardForm,
    LeadFilterForm,
    LeadForm,
    LostForm,
    OwnedLeadFilterForm,
    ProgressForm,
    RecallForm,
    RuleForm,
    ScoringRuleForm,
    fill_settings,
    settings_form,
    settings_values,
)
from portal.leads.models import ActivityKind, HandoffOutcome, LeadStatus
from portal.leads.sharing import LEADS, get_lead
from web.access import requires
from web.csv_export import csv_response
from web.database import db_session
from web.errors import render_error
from web.explainer import explainer_for
from web.numbers import page_number
from web.pagination import paginate
from web.services import service_context

EXPORT_COLUMNS = (
    "id",
    "company",
    "contact_name",
    "contact_email",
    "country",
    "region",
    "industry",
    "product_line",
    "campaign",
    "score",
    "amount",
    "status",
    "created_at",
)


def _list_page(tab: str, query: Select, form: LeadFilterForm, total: queries.Count | None = None):
    db = db_session()
    page = queries.window(db, query, page_number())
    waiting = queries.window(db, queries.waiting_for_us(current_user), 1) if tab == "pool" else None
    shown = page.items + (waiting.items if waiting else [])
    hops = forwarding.hops_to(db, current_user.organization_id, [lead.id for lead in shown])
    return render_template(
        "leads/inbox.html",
        tab=tab,
        page=page,
        waiting=waiting,
        hops=hops,
        deadlines=policy.accept_by(db, shown, hops, service_context().now()),
        form=form,
        action_form=ActionForm(),
        total=total,
    )


@bp.route("/")
@requires(Role.viewer, kinds=CLAIMERS)
def index():
    form = LeadFilterForm(request.args)
    return _list_page("pool", queries.inbox(current_user, form.filters()), form)


@bp.route("/mine")
@requires(Role.viewer, kinds=CLAIMERS)
def mine():
    form = LeadFilterForm(request.args)
    form.sort.choices = [*form.sort.choices, SelectChoice(queries.ACCEPT_BY, "Accept by, soonest")]
    return _list_page("mine", queries.my_leads(current_user, form.filters()), form)


@bp.route("/all")
@requires(Role.viewer, kinds=CLAIMERS)
def everything():
    form = LeadFilterForm(request.args)
    query = queries.all_visible(current_user, form.filters())
    return _list_page("all", query, form, queries.bounded_count(db_session(), query))


def _csv(query: Select, filename: str) -> Response:
    return csv_response(query, EXPORT_COLUMNS, filename)


@bp.route("/export.csv")
@requires(Role.viewer, kinds=CLAIMERS)
def export():
    filters = LeadFilterForm(request.args).filters()
    return _csv(queries.inbox(current_user, filters), "lead-pool.csv")


@bp.route("/all/export.csv")
@requires(Role.viewer, kinds=CLAIMERS)
def export_all():
    filters = LeadFilterForm(request.args).filters()
    return _csv(queries.all_visible(current_user, filters), "shared-leads.csv")


@bp.route("/mine/export.csv")
@requires(Role.viewer, kinds=CLAIMERS)
def export_mine():
    filters = LeadFilterForm(request.args).filters()
    return _csv(queries.my_leads(current_user, filters), "my-leads.csv")


def _detail_page(lead_id: int, status: int = 200, **forms):
    db = db_session()
    lead = get_lead(db, current_user, lead_id)
    is_owner = lead.owner_org_id == current_user.organization_id
    is_claimant = current_user.organization_id in forwarding.working_organizations(db, lead)
    moves = _moves(lead) if is_claimant and current_user.role >= Role.member else []
    handoff = forwarding.open_handoff(db, lead)
    hops = {lead.id: handoff} if handoff is not None else {}
    deadline = policy.accept_by(db, [lead], hops, service_context().now()).get(lead.id)
    page = render_template(
        "leads/detail.html",
        lead=lead,
        is_owner=is_owner,
        is_claimant=is_claimant,
        score=scoring.explain(db, lead),
        moves=moves,
        deadline=deadline,
        may_lose=LeadStatus.lost in moves,
        level=sharing.access_level(db, current_user, lead),
        why=explainer_for(db, current_user, lead),
        timeline=queries.timeline(db, current_user, lead),
        exclusions=queries.exclusions(db, lead) if is_owner else [],
        action_form=ActionForm(),
        accept_form=forms.get("accept_form") or AcceptForm(formdata=None),
        decline_form=forms.get("decline_form") or DeclineForm(formdata=None),
        activity_form=forms.get("activity_form") or ActivityForm(formdata=None),
        progress_form=forms.get("progress_form") or ProgressForm(formdata=None),
        lost_form=forms.get("lost_form") or LostForm(formdata=None),
        **_forwarding_context(db, lead, handoff, forms),
        **share_context(LEADS, lead),
    )
    return page, status


def _reseller_choices(distributor_id: int) -> list[SelectChoice]:
    return [
        SelectChoice(org.id, org.name) for org in forwarding.resellers(db_session(), distributor_id)
    ]


def _forwarding_context(db, lead, handoff, forms: dict) -> dict:
    """The chain of custody and the two-tier forms the viewer may use on this lead."""
    mine = current_user.organization_id
    forward_form = forms.get("forward_form") or ForwardForm(formdata=None)
    may_forward = (
        lead.claimed_by_org_id == mine
        and handoff is None
        and current_user.organization.kind == OrgKind.distributor
        and lead.status.value in forwarding.FORWARDABLE
    )
    if may_forward:
        forward_form.reseller.choices = _reseller_choices(mine)
    pending = handoff is not None and handoff.outcome == HandoffOutcome.pending
    return {
        "custody": forwarding.chain_of_custody(db, lead),
        "handoff": handoff,
        "may_forward": may_forward and bool(forward_form.reseller.choices),
        "hop_for_me": pending and handoff.to_org_id == mine,
        "forward_form": forward_form,
        "recall_form": forms.get("recall_form") or RecallForm(formdata=None),
        "hop_accept_form": forms.get("hop_accept_form") or AcceptForm(formdata=None, prefix="hop"),
        "hop_decline_form": forms.get("hop_decline_form")
        or DeclineForm(formdata=None, prefix="hop"),
    }


def _moves(lead) -> list[LeadStatus]:
    """The pipeline moves the claimant may make by hand now (``service.PROGRESS``): not
    converted, which comes from converting the lead into a deal."""
    allowed = service.PROGRESS.get(lead.status, ())
    return [status for status in (*MANUAL_MOVES, LeadStatus.lost) if status in allowed]


@bp.route("/<int:lead_id>")
@requires()
def detail(lead_id: int):
    return _detail_page(lead_id)


def _work(lead_id: int, form, name: str, act, done: str, then: str = ""):
    """Validate a lifecycle form, call the service, or show the lead page again with 422;
    on success go to the lead's page, or to the ``then`` endpoint."""
    if form.validate_on_submit():
        try:
            lead = act(service_context())
        except ServiceError as error:
            db_session().rollback()
            form.form_errors.append(str(error))
        else:
            flash(done.format(company=lead.company, status=lead.status.value), "success")
            return redirect(url_for(then) if then else url_for("leads.detail", lead_id=lead_id))
    elif not form.is_submitted() or "csrf_token" in form.errors:
        return render_error(400)
    return _detail_page(lead_id, 422, **{name: form})


@bp.route("/<int:lead_id>/accept", methods=["POST"])
@requires(Role.member, kinds=CLAIMERS)
def accept(lead_id: int):
    form = AcceptForm()
    return _work(
        lead_id,
        form,
        "accept_form",
        lambda ctx: service.accept_lead(ctx, lead_id, ActivityKind(form.kind.data), form.body.data),
        "You accepted {company}; its timeline has your first activity.",
    )


@bp.route("/<int:lead_id>/decline", methods=["POST"])
@requires(Role.member, kinds=CLAIMERS)
def decline(lead_id: int):
    form = DeclineForm()
    return _work(
        lead_id,
        form,
        "decline_form",
        lambda ctx: service.decline_lead(ctx, lead_id, form.reason.data),
        "You declined {company}: it went back to its owner and will not be offered to you again.",
        then="leads.mine",  # the lead is no longer ours to see
    )


@bp.route("/<int:lead_id>/activity", methods=["POST"])
@requires(Role.member, kinds=CLAIMERS)
def log_activity(lead_id: int):
    form = ActivityForm()

    def act(ctx):
        activity = service.log_activity(ctx, lead_id, ActivityKind(form.kind.data), form.body.data)
        return get_lead(ctx.db, current_user, activity.lead_id)

    return _work(lead_id, form, "activity_form", act, "Activity logged on {company}.")


@bp.route("/<int:lead_id>/progress", methods=["POST"])
@requires(Role.member, kinds=CLAIMERS)
def progress(lead_id: int):
    form = ProgressForm()
    return _work(
        lead_id,
        form,
        "progress_form",
        lambda ctx: service.advance_lead(ctx, lead_id, LeadStatus(form.status.data)),
        "{company} is {status} now.",
    )


@bp.route("/<int:lead_id>/lost", methods=["POST"])
@requires(Role.member, kinds=CLAIMERS)
def mark_lost(lead_id: int):
    form = LostForm()
    return _work(
        lead_id,
        form,
        "lost_form",
        lambda ctx: service.advance_lead(ctx, lead_id, LeadStatus.lost, form.reason.data),
        "{company} is marked lost; the reason is on its timeline.",
    )


@bp.route("/<int:lead_id>/forward", methods=["POST"])
@requires(Role.member, kinds=(OrgKind.distributor,))
def forward(lead_id: int):
    form = ForwardForm()
    form.reseller.choices = _reseller_choices(current_user.organization_id)

    def act(ctx):
        forwarding.forward_lead(ctx, lead_id, form.reseller.data, form.note.data or "")
        return get_lead(ctx.db, current_user, lead_id)

    return _work(lead_id, form, "forward_form", act, "{company} is with your reseller now.")


@bp.route("/<int:lead_id>/recall", methods=["POST"])
@requires(Role.member, kinds=(OrgKind.distributor,))
def recall(lead_id: int):
    form = RecallForm()
    return _work(
        lead_id,
        form,
        "recall_form",
        lambda ctx: forwarding.recall_lead(ctx, lead_id, form.reason.data or ""),
        "You took {company} back from your reseller.",
    )


@bp.route("/<int:lead_id>/handoff/accept", methods=["POST"])
@requires(Role.member, kinds=CLAIMERS)
def accept_handoff(lead_id: int):
    form = AcceptForm(prefix="hop")
    return _work(
        lead_id,
        form,
        "hop_accept_form",
        lambda ctx: forwarding.accept_forward(
            ctx, lead_id, ActivityKind(form.kind.data), form.body.data
        ),
        "You accepted {company} from your distributor.",
    )


@bp.route("/<int:lead_id>/handoff/decline", methods=["POST"])
@requires(Role.member, kinds=CLAIMERS)
def decline_handoff(lead_id: int):
    form = DeclineForm(prefix="hop")
    return _work(
        lead_id,
        form,
        "hop_decline_form",
        lambda ctx: forwarding.decline_forward(ctx, lead_id, form.reason.data),
        "You declined {company}; it went back to your distributor.",
        then="leads.mine",  # the lead is no longer ours to see
    )


@bp.route("/<int:lead_id>/claim", methods=["POST"])
@requires(Role.member)
def claim(lead_id: int):
    if not ActionForm().validate_on_submit():
        return render_error(400)
    try:
        lead = service.claim_lead(service_context(), lead_id)
    except NotFound as error:
        # The same answer whether it was claimed meanwhile or never shared: nothing leaks.
        return render_error(404, str(error) or None)
    except ServiceError as error:
        db_session().rollback()
        flash(str(error), "error")
        return redirect(url_for("leads.index"))
    flash(f"You claimed {lead.company}. It is in My leads now.", "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


# The owner's side ----------------------------------------------------------------------------


@bp.route("/manage")
@requires(Role.viewer, kinds=OWNERS)
def manage():
    form = OwnedLeadFilterForm(request.args)
    query = queries.owned_leads(current_user, form.status.data or "")
    return render_template(
        "leads/manage.html",
        page=paginate(db_session(), query),
        form=form,
        action_form=ActionForm(),
        assign_form=AssignForm(formdata=None),
    )


@bp.route("/assign", methods=["POST"])
@requires(Role.member, kinds=OWNERS)
def assign():
    """Route the selected leads, or every new and returned one, to partners."""
    form = AssignForm()
    if not form.validate_on_submit():
        return render_error(400)
    if not form.all_new.data and not form.lead_ids.data:
        flash("Select the leads to assign, or assign every new lead.", "error")
        return redirect(url_for("leads.manage"))
    try:
        result = assignment.assign_leads(
            service_context(), None if form.all_new.data else list(form.lead_ids.data)
        )
    except ServiceError as error:
        db_session().rollback()
        flash(str(error), "error")
        return redirect(url_for("leads.manage"))
    message = f"{len(result.assigned)} lead(s) assigned to partners."
    if result.unassigned:
        message += f" {len(result.unassigned)} could not be: no partner can take them now."
    flash(message, "success" if result.assigned else "error")
    return redirect(url_for("leads.manage"))


@bp.route("/settings", methods=["GET", "POST"])
@requires(Role.manager, kinds=OWNERS)
def lead_settings():
    """SLA and open-claim tables per tier, and each partner's routing weight and tags."""
    db = db_session()
    rows = queries.routing_rows(db, current_user)
    form = settings_form(rows)()
    if not form.is_submitted():
        fill_settings(form, policy.settings_or_defaults(db, current_user.organization_id), rows)
    elif form.validate_on_submit():
        try:
            policy.save_settings(service_context(), **settings_values(form, rows))
        except ServiceError as error:
            db_session().rollback()
            form.form_errors.append(str(error))
        else:
            flash("Lead settings are saved.", "success")
            return redirect(url_for("leads.lead_settings"))
    status = 422 if form.is_submitted() else 200
    return render_template("leads/settings.html", form=form, rows=rows, tiers=list(Tier)), status


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def create():
    form = LeadForm()
    if scoring.scores_by_rules(db_session(), current_user.organization_id):
        del form.score  # the owner's scoring rules set it
    if not form.validate_on_submit():
        return render_template("leads/new.html", form=form), 422 if form.errors else 200
    ctx = service_context()
    try:
        lead = service.create_lead(ctx, form.details())
        if form.publish.data:
            service.publish_lead(ctx, lead.id)
    except ServiceError as error:
        form.company.errors.append(str(error))
        return render_template("leads/new.html", form=form), 422
    published = " and published to the pool" if form.publish.data else ""
    flash(f"Lead {lead.company} is created{published}.", "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


@bp.route("/<int:lead_id>/publish", methods=["POST"])
@requires(Role.member)
def publish(lead_id: int):
    if not ActionForm().validate_on_submit():
        return render_error(400)
    try:
        lead = service.publish_lead(service_context(), lead_id)
    except ServiceError as error:
        db_session().rollback()
        flash(str(error), "error")
    else:
        flash(f"{lead.company} is in the pool; your sharing rules apply to it.", "success")
    return redirect(url_for("leads.detail", lead_id=lead_id))


# Sharing rules -------------------------------------------------------------------------------


@bp.route("/rules")
@requires(Role.manager, kinds=OWNERS)
def rule_list():
    page = paginate(db_session(), rules.owner_rules(current_user))
    return render_template("leads/rules.html", page=page)


def _rule_form(rule=None) -> RuleForm:
    form = RuleForm()
    partners = db_session().scalars(sharing.managed_partnerships(current_user))
    form.grantee_org.choices = [(str(p.child_id), p.child.name) for p in partners]
    if rule is not None and not form.is_submitted():
        form.fill(rules.RuleSpec.of(rule), rule.active)
    if rule is not None:
        # A rule keeps its record type (the service refuses a change): shown, not editable.
        form.record_type.data = rule.record_type.value
        form.record_type.render_kw = {"disabled": True}
    return form


def _valid_spec(form: RuleForm) -> rules.RuleSpec | None:
    if not form.validate_on_submit():
        return None
    known = {value for value, _label in form.grantee_org.choices}
    if form.grantee_kind.data == GranteeKind.organization.value and (
        form.grantee_org.data not in known
    ):
        form.grantee_org.errors.append("Choose one of your partners.")
        return None
    return form.spec()


def _edit(rule=None):
    """Preview (and, for a change, dry-run) first; save only from a previewed form."""
    db = db_session()
    form = _rule_form(rule)
    spec = _valid_spec(form) if form.is_submitted() else None
    if form.is_submitted() and spec is None:
        return render_template("leads/rule.html", form=form, rule=rule), 422
    if spec is None:
        return render_template("leads/rule.html", form=form, rule=rule)
    after = spec if form.active.data else None
    if not form.save.data:
        diff = rules.dry_run(db, current_user, rule, after)
        diff_ids = set(diff.gained) | set(diff.lost)
        return render_template(
            "leads/rule.html",
            form=form,
            rule=rule,
            preview=rules.preview(db, current_user, spec) if after else None,
            diff=diff,
            organizations=queries.organizations_by_id(db, diff_ids),
        )
    ctx = service_context()
    try:
        if rule is None:
            saved = rules.create_rule(ctx, spec)
            if not form.active.data:
                rules.deactivate_rule(ctx, saved.id)
        elif after is None:
            saved = rules.deactivate_rule(ctx, rule.id)
        else:
            saved = rules.update_rule(ctx, rule.id, spec)
    except ServiceError as error:
        form.grantee_kind.errors.append(str(error))
        return render_template("leads/rule.html", form=form, rule=rule), 422
    flash(f"Rule {saved.name} is saved.", "success")
    return redirect(url_for("leads.rule_list"))


@bp.route("/rules/new", methods=["GET", "POST"])
@requires(Role.manager, kinds=OWNERS)
def new_rule():
    return _edit()


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@requires(Role.manager, kinds=OWNERS)
def edit_rule(rule_id: int):
    return _edit(rules.get_rule(db_session(), current_user, rule_id))


# Lead scoring --------------------------------------------------------------------------------


def _scoring_page(template: str, form: ScoringRuleForm, status: int = 200, **context):
    return render_template(template, form=form, action_form=ActionForm(), **context), status


def _save_scoring(form: ScoringRuleForm, save, page):
    """Validate, call the service, flash what changed; or show the page again with 422."""
    if form.validate_on_submit():
        try:
            change = save(service_context(), form.spec())
        except ServiceError as error:
            db_session().rollback()
            form.form_errors.append(str(error))
        else:
            flash(_scoring_message("saved", change), "success")
            return redirect(url_for("leads.scoring_rules"))
    elif "csrf_token" in form.errors:
        return render_error(400)
    return page(422)


def _scoring_message(done: str, change: scoring.ScoringChange) -> str:
    spec = scoring.ScoringRuleSpec.of(change.rule)
    rescored = (
        "Your leads are being re-scored in the background."
        if change.rescored is None
        else f"{change.rescored} lead(s) re-scored."
    )
    return f"Scoring rule “{spec.describe()}” ({spec.points:+d}) {done}. {rescored}"


@bp.route("/scoring", methods=["GET", "POST"])
@requires(Role.manager, kinds=OWNERS)
def scoring_rules():
    """The owner's scoring rules, and the form that adds one."""
    form = ScoringRuleForm()

    def page(status: int = 200):
        rules = scoring.owner_rules(db_session(), current_user.organization_id)
        specs = [(rule, scoring.ScoringRuleSpec.of(rule)) for rule in rules]
        return _scoring_page("leads/scoring.html", form, status, rules=specs)

    if not form.is_submitted():
        return page()
    return _save_scoring(form, scoring.create_rule, page)


@bp.route("/scoring/<int:scoring_rule_id>", methods=["GET", "POST"])
@requires(Role.manager, kinds=OWNERS)
def edit_scoring_rule(scoring_rule_id: int):
    rule = scoring.get_rule(db_session(), current_user, scoring_rule_id)
    form = ScoringRuleForm()

    def page(status: int = 200):
        spec = scoring.ScoringRuleSpec.of(rule)
        return _scoring_page("leads/scoring_rule.html", form, status, rule=rule, spec=spec)

    if not form.is_submitted():
        form.fill(rule)
        return page()
    return _save_scoring(
        form, lambda ctx, spec: scoring.update_rule(ctx, scoring_rule_id, spec), page
    )


@bp.route("/scoring/<int:scoring_rule_id>/delete", methods=["POST"])
@requires(Role.manager, kinds=OWNERS)
def delete_scoring_rule(scoring_rule_id: int):
    scoring.get_rule(db_session(), current_user, scoring_rule_id)
    if not ActionForm().validate_on_submit():
        return render_error(400)
    change = scoring.delete_rule(service_context(), scoring_rule_id)
    flash(_scoring_message("deleted", change), "success")
    return redirect(url_for("leads.scoring_rules"))


@bp.app_template_filter("money")
def _money(value) -> str:
    return "—" if value is None else f"{value:,.2f}"
