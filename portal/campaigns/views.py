"""Campaign pages: the list, a campaign with its participants and documents, creating and editing
one, its status, and inviting or removing participants."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from partners import sharing
from partners.models import Organization
from partners.roles import Role
from partners.sharing import AccessLevel
from portal.account.forms import ActionForm
from portal.account.views.sharing import share_context
from portal.campaigns import attachments, queries, service
from portal.campaigns.forms import (
    STATUS_ACTIONS,
    AttachForm,
    CampaignFilterForm,
    CampaignForm,
    ParticipantForm,
    ResponseForm,
    StatusForm,
)
from portal.campaigns.models import CampaignStatus, ParticipantState
from portal.campaigns.sharing import CAMPAIGNS
from web.access import requires
from web.database import db_session
from web.explainer import explainer_for
from web.forms import RecordPage, submit_form
from web.pagination import paginate
from web.services import service_context

bp = Blueprint("campaigns", __name__, template_folder="templates")
OWNERS = service.OWNERS


@bp.route("/campaigns/")
@requires()
def index():
    form = CampaignFilterForm(request.args)
    query = queries.campaign_list(current_user, form.filters())
    return render_template("campaigns/list.html", page=paginate(db_session(), query), form=form)


# One campaign --------------------------------------------------------------------------------


def _detail_page(campaign_id: int, status: int = 200, **forms: FlaskForm):
    db = db_session()
    campaign = sharing.get_record(db, current_user, CAMPAIGNS, campaign_id)
    level = sharing.access_level(db, current_user, campaign)
    is_owner = campaign.owner_org_id == current_user.organization_id
    member = current_user.role >= Role.member
    may_edit = member and level is not None and level >= AccessLevel.edit
    invitations = queries.participants(db, campaign)
    mine = next((row for org, row in invitations if org.id == current_user.organization_id), None)
    taking_part = mine is not None and mine.state == ParticipantState.accepted
    manages_participants = member and is_owner
    participant_form = forms.get("participant_form") or ParticipantForm(formdata=None)
    if manages_participants and not campaign.status.ended:
        invitable = service.invitable_organizations(service_context(), campaign)
        participant_form.organization_ids.choices = [
            SelectChoice(org.id, org.name) for org in invitable
        ]
    attaches = member and not campaign.status.ended and (is_owner or taking_part)
    attach_form = forms.get("attach_form") or AttachForm(formdata=None)
    if attaches:
        attach_form.offer(*attachments.attachable_records(db, current_user, campaign))
    page = render_template(
        "campaigns/detail.html",
        results=attachments.campaign_results(db, current_user, campaign),
        attaches=attaches,
        attach_form=attach_form,
        campaign=campaign,
        level=level,
        is_owner=is_owner,
        owner=db.get(Organization, campaign.owner_org_id),
        may_edit=may_edit and not campaign.status.ended,
        # The owner sees every invitation and its state; participants who else takes part;
        # others (an invitee deciding, a rule's or share's audience) only how many take part.
        participants=(
            invitations
            if is_owner
            else [i for i in invitations if i[1].state == ParticipantState.accepted]
            if taking_part
            else None
        ),
        participant_count=sum(row.state == ParticipantState.accepted for _, row in invitations),
        invitation=mine,
        taking_part=taking_part,
        response_form=forms.get("response_form") or ResponseForm(formdata=None),
        manages_participants=manages_participants,
        participant_form=participant_form,
        status_form=forms.get("status_form") or StatusForm(formdata=None),
        status_actions=[(s, STATUS_ACTIONS[s]) for s in campaign.status.next],
        action_form=ActionForm(),
        why=explainer_for(db, current_user, campaign),
        **share_context(CAMPAIGNS, campaign),
    )
    return page, status


PAGE = RecordPage("campaigns.detail", "campaign_id", _detail_page)


@bp.route("/campaigns/<int:campaign_id>")
@requires()
def detail(campaign_id: int):
    return _detail_page(campaign_id)


@bp.route("/campaigns/<int:campaign_id>/status", methods=["POST"])
@requires(Role.member)
def change_status(campaign_id: int):
    form = StatusForm()
    return PAGE.submit(
        campaign_id,
        form,
        "status_form",
        lambda ctx: service.change_status(ctx, campaign_id, CampaignStatus(form.status.data)),
        lambda campaign: f"{campaign.name} is {campaign.status.value} now.",
    )


@bp.route("/campaigns/<int:campaign_id>/participants", methods=["POST"])
@requires(Role.member, kinds=OWNERS)
def add_participant(campaign_id: int):
    form = ParticipantForm()
    invited: list = []

    def invite(ctx):
        invited[:] = service.invite_partners(
            ctx, campaign_id, form.organization_ids.data or (), form.audience()
        )
        return service.get_campaign(ctx, campaign_id)

    return PAGE.submit(
        campaign_id,
        form,
        "participant_form",
        invite,
        lambda campaign: (
            f"Invited: {', '.join(org.name for org in invited)}. They take part once they accept."
        ),
    )


@bp.route("/campaigns/<int:campaign_id>/records", methods=["POST"])
@requires(Role.member)
def attach_record(campaign_id: int):
    """Attach one of the organization's leads or deals: the campaign's results count it."""
    form = AttachForm()
    form.offer(*attachments.attachable_records(db_session(), current_user, _campaign(campaign_id)))
    return PAGE.submit(
        campaign_id,
        form,
        "attach_form",
        lambda ctx: attachments.attach(ctx, campaign_id, *form.chosen()),
        lambda campaign: f"Attached to {campaign.name}: its results count it now.",
    )


@bp.route("/campaigns/<int:campaign_id>/records/<kind>/<int:record_id>/detach", methods=["POST"])
@requires(Role.member)
def detach_record(campaign_id: int, kind: str, record_id: int):
    form = ActionForm()

    def detach(ctx):
        attachments.detach(ctx, campaign_id, kind, record_id)
        return service.get_campaign(ctx, campaign_id)

    return PAGE.submit(
        campaign_id,
        form,
        "action_form",
        detach,
        lambda campaign: f"Taken out of {campaign.name}.",
    )


def _campaign(campaign_id: int):
    return sharing.get_record(db_session(), current_user, CAMPAIGNS, campaign_id)


@bp.app_template_global()
def attached_campaign(record_type: str, record_id: int):
    """For a lead's or deal's page: the campaign it counts for, if the reader may see it."""
    return attachments.attached_campaign(db_session(), current_user, record_type, record_id)


@bp.route("/campaigns/<int:campaign_id>/respond", methods=["POST"])
@requires(Role.member)
def respond(campaign_id: int):
    """Accept (back to the campaign, now with the participants' documents) or decline (back
    to the list: the campaign is no longer visible to the organization)."""
    form = ResponseForm()
    accept = bool(form.accept.data)
    if accept:
        done = PAGE.shown(lambda c: f"Your organization takes part in {c.name} now.")
    else:

        def done(campaign):
            flash(f"You declined the campaign {campaign.name}; its owner is told.", "success")
            return redirect(url_for("campaigns.index"))

    return submit_form(
        form,
        lambda ctx: service.respond_to_invitation(ctx, campaign_id, accept, form.reason.data or ""),
        lambda status: PAGE.render(campaign_id, status, response_form=form),
        done,
    )


@bp.route(
    "/campaigns/<int:campaign_id>/participants/<int:organization_id>/remove", methods=["POST"]
)
@requires(Role.member, kinds=OWNERS)
def remove_participant(campaign_id: int, organization_id: int):
    form = ActionForm()
    return PAGE.submit(
        campaign_id,
        form,
        "action_form",
        lambda ctx: service.remove_participant(ctx, campaign_id, organization_id),
        lambda campaign: "The partner no longer takes part in the campaign.",
    )


# Creating and editing ----------------------------------------------------------------------------


def _form_page(template: str, form: CampaignForm, **context):
    return lambda status: (render_template(template, form=form, **context), status)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@requires(Role.member, kinds=OWNERS)
def create():
    form = CampaignForm()
    return submit_form(
        form,
        lambda ctx: service.create_campaign(ctx, form.details()),
        _form_page("campaigns/new.html", form),
        PAGE.shown(lambda campaign: f"Campaign {campaign.name} is created as a draft."),
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@requires(Role.member)
def edit(campaign_id: int):
    campaign = sharing.get_record(
        db_session(), current_user, CAMPAIGNS, campaign_id, AccessLevel.edit
    )
    form = CampaignForm()
    if not form.is_submitted():
        form.fill(campaign)
    return submit_form(
        form,
        lambda ctx: service.update_campaign(ctx, campaign_id, form.details()),
        _form_page("campaigns/edit.html", form, campaign=campaign),
        PAGE.shown(lambda saved: f"Changes to {saved.name} are saved."),
    )
