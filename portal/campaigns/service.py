"""Joint campaigns: the one way each change to a campaign happens.

A campaign belongs to the vendor (or distributor) running it; it invites organizations from its
own active partnerships to take part. Participants view the campaign (a participation grant,
re-derived by ``sharing.changed`` whenever they change) and belong to the ``campaign:<id>``
audience documents can be shared with. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from partners import audit, sharing
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, Partnership, User
from partners.roles import OrgKind, OrgStatus, Role, Tier
from partners.sharing import AccessLevel, get_record, require_role
from portal.campaigns.models import (
    Campaign,
    CampaignParticipant,
    CampaignStatus,
    ParticipantState,
)
from portal.campaigns.sharing import CAMPAIGNS

#: Organizations that run campaigns with their partners.
OWNERS = (OrgKind.vendor, OrgKind.distributor)


@dataclass(frozen=True)
class CampaignDetails:
    name: str
    description: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    region: str = ""
    product_line: str = ""
    budget: Decimal | None = None

    def columns(self) -> dict:
        name = self.name.strip()
        if not name:
            raise ServiceError("A campaign needs a name.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ServiceError("The campaign cannot end before it starts.")
        if self.budget is not None and self.budget < 0:
            raise ServiceError("A budget is 0 or more.")
        return {
            "name": name[:200],
            "description": self.description.strip(),
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
            "region": self.region.strip(),
            "product_line": self.product_line.strip(),
            "budget": self.budget,
        }


def _actor(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    return actor


def get_campaign(
    ctx: ServiceContext, campaign_id: int, level: AccessLevel = AccessLevel.view
) -> Campaign:
    """The campaign if the actor reaches it at ``level``; NotFound otherwise."""
    actor = ctx.actor
    assert actor is not None
    return get_record(ctx.db, actor, CAMPAIGNS, campaign_id, level)


def _changeable(ctx: ServiceContext, campaign_id: int, level: AccessLevel) -> Campaign:
    _actor(ctx)
    campaign = get_campaign(ctx, campaign_id, level)
    if campaign.status.ended:
        raise ServiceError(f"The campaign is {campaign.status.value}: it can no longer change.")
    return campaign


def create_campaign(ctx: ServiceContext, details: CampaignDetails) -> Campaign:
    """A draft campaign of the actor's organization (a vendor or distributor)."""
    actor = _actor(ctx)
    if actor.organization.kind not in OWNERS:
        raise ServiceError("Vendors and distributors run campaigns.")
    campaign = Campaign(
        owner_org_id=actor.organization_id,
        created_by_id=actor.id,
        assigned_user_id=actor.id,
        created_at=ctx.now(),
        updated_at=ctx.now(),
        **details.columns(),
    )
    ctx.db.add(campaign)
    sharing.changed(ctx.db, campaign)
    audit.record(ctx, "campaign.created", campaign, summary=f"Campaign {campaign.name}")
    return campaign


def update_campaign(ctx: ServiceContext, campaign_id: int, details: CampaignDetails) -> Campaign:
    """Change a campaign's details; the owner's rules (by region, product line) apply again."""
    campaign = _changeable(ctx, campaign_id, AccessLevel.edit)
    before, after = audit.apply_changes(campaign, details.columns())
    campaign.updated_at = ctx.now()
    sharing.changed(ctx.db, campaign)
    audit.record(
        ctx,
        "campaign.updated",
        campaign,
        before=before,
        after=after,
        summary=f"Campaign {campaign.name} updated",
    )
    return campaign


def change_status(ctx: ServiceContext, campaign_id: int, status: CampaignStatus) -> Campaign:
    """Launch, complete or cancel: draft → active → completed, or cancelled before that."""
    campaign = _changeable(ctx, campaign_id, AccessLevel.edit)
    before = campaign.status
    if status not in before.next:
        raise ServiceError(f"A {before.value} campaign cannot become {status.value}.")
    campaign.status, campaign.updated_at = status, ctx.now()
    sharing.changed(ctx.db, campaign)  # sharing rules reach launched campaigns only
    audit.record(
        ctx,
        "campaign.status_changed",
        campaign,
        before={"status": before.value},
        after={"status": status.value},
        summary=f"Campaign {campaign.name}: {before.label} → {status.label}",
    )
    return campaign


# Participants ----------------------------------------------------------------------------------


def invitable_organizations(ctx: ServiceContext, campaign: Campaign) -> list[Organization]:
    """The owner's active partners not invited yet (or that declined: they may be asked again),
    by name."""
    asked = select(CampaignParticipant.organization_id).where(
        CampaignParticipant.campaign_id == campaign.id,
        CampaignParticipant.state != ParticipantState.declined,
    )
    return list(
        ctx.db.scalars(
            select(Organization)
            .join(Partnership, Partnership.child_id == Organization.id)
            .where(
                Partnership.parent_id == campaign.owner_org_id,
                Partnership.status == OrgStatus.active,
                Organization.id.not_in(asked),
            )
            .order_by(Organization.name)
        )
    )


@dataclass(frozen=True)
class PartnerAudience:
    """ "Every partner matching": the sharing audiences' terms (a tier or higher, a kind of
    organization) and the partnership's region. Empty terms do not restrict."""

    tier: Tier | None = None
    kind: OrgKind | None = None
    region: str = ""

    @property
    def empty(self) -> bool:
        return self.tier is None and self.kind is None and not self.region.strip()

    def matches(self, organization: Organization, partnership: Partnership) -> bool:
        return (
            (self.tier is None or partnership.tier.rank >= self.tier.rank)
            and (self.kind is None or organization.kind == self.kind)
            and (not self.region.strip() or partnership.region == self.region.strip())
        )


def _owned(ctx: ServiceContext, campaign_id: int) -> Campaign:
    """The campaign, for a change of participants: only its owner's people make those (they
    are the owner's partners)."""
    actor = _actor(ctx)
    campaign = get_campaign(ctx, campaign_id, AccessLevel.manage)
    if campaign.owner_org_id != actor.organization_id:
        raise NotFound()
    return campaign


def invite_partners(
    ctx: ServiceContext,
    campaign_id: int,
    organization_ids: Iterable[int] = (),
    audience: PartnerAudience | None = None,
) -> list[Organization]:
    """Invite several of the owner's active partners at once: those chosen and every one
    matching ``audience``. Each is "invited" until it accepts or declines. All or nothing: an id
    that is not an invitable partner refuses the whole request."""
    campaign = _owned(ctx, campaign_id)
    if campaign.status.ended:
        raise ServiceError(f"The campaign is {campaign.status.value}: nobody joins it any more.")
    invitable = {org.id: org for org in invitable_organizations(ctx, campaign)}
    chosen = set(organization_ids)
    if chosen - invitable.keys():
        raise ServiceError("Choose among your active partners that are not invited yet.")
    if audience is not None and not audience.empty:
        partnerships = ctx.db.scalars(
            select(Partnership).where(
                Partnership.parent_id == campaign.owner_org_id,
                Partnership.child_id.in_(invitable.keys()),
            )
        )
        chosen |= {p.child_id for p in partnerships if audience.matches(invitable[p.child_id], p)}
    if not chosen:
        raise ServiceError("Choose partners to invite, or an audience that matches some.")
    actor = ctx.actor
    assert actor is not None
    invited = sorted((invitable[org_id] for org_id in chosen), key=lambda org: org.name)
    for organization in invited:
        ctx.db.merge(  # a partner that declined is asked again
            CampaignParticipant(
                campaign_id=campaign.id,
                organization_id=organization.id,
                added_by_id=actor.id,
                added_at=ctx.now(),
                state=ParticipantState.invited,
                responded_by_id=None,
                responded_at=None,
                decline_reason="",
            )
        )
    campaign.updated_at = ctx.now()
    sharing.changed(ctx.db, campaign)
    for organization in invited:
        audit.record(
            ctx,
            "campaign.participant_invited",
            campaign,
            subject_org=organization,
            after={"organization": organization.id, "state": "invited"},
            summary=f"{organization.name} invited to campaign {campaign.name}",
        )
    return invited


def respond_to_invitation(
    ctx: ServiceContext, campaign_id: int, accept: bool, reason: str = ""
) -> Campaign:
    """The invited organization accepts (it takes part: the participants' documents reach it)
    or declines, with an optional reason (it loses the campaign). A participant that accepted
    may still decline later (it leaves)."""
    actor = _actor(ctx)
    campaign = get_campaign(ctx, campaign_id)
    participant = ctx.db.get(CampaignParticipant, (campaign.id, actor.organization_id))
    if participant is None or participant.state == ParticipantState.declined:
        raise NotFound()
    if campaign.status.ended:
        raise ServiceError(f"The campaign is {campaign.status.value}: nothing to answer.")
    state = ParticipantState.accepted if accept else ParticipantState.declined
    if participant.state == state:
        raise ServiceError("Your organization takes part already.")
    before = participant.state
    participant.state, participant.responded_by_id = state, actor.id
    participant.responded_at = ctx.now()
    participant.decline_reason = "" if accept else reason.strip()[:500]
    campaign.updated_at = ctx.now()
    sharing.changed(ctx.db, campaign)
    audit.record(
        ctx,
        f"campaign.invitation_{'accepted' if accept else 'declined'}",
        campaign,
        subject_org=actor.organization,
        before={"state": before.value},
        after={"state": state.value, **({} if accept else {"reason": participant.decline_reason})},
        summary=f"{actor.organization.name} {'takes part in' if accept else 'declined'} "
        f"campaign {campaign.name}",
    )
    return campaign


def remove_participant(ctx: ServiceContext, campaign_id: int, organization_id: int) -> Campaign:
    """The organization no longer takes part: it loses the campaign and what was shared with
    its participants on its next request. Possible at any time, also once the campaign ended."""
    campaign = _owned(ctx, campaign_id)
    participant = ctx.db.get(CampaignParticipant, (campaign.id, organization_id))
    if participant is None:
        raise NotFound()
    organization = ctx.db.get_one(Organization, organization_id)
    ctx.db.delete(participant)
    campaign.updated_at = ctx.now()
    sharing.changed(ctx.db, campaign)  # flushes first
    audit.record(
        ctx,
        "campaign.participant_removed",
        campaign,
        subject_org=organization,
        before={"organization": organization.id, "state": participant.state.value},
        summary=f"{organization.name} no longer takes part in campaign {campaign.name}",
    )
    return campaign
