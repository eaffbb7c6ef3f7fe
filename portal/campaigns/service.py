"""Joint campaigns: the one way each change to a campaign happens.

A campaign belongs to the vendor (or distributor) running it; it invites organizations from its
own active partnerships to take part. Participants view the campaign (a participation grant,
re-derived by ``refresh_record`` whenever they change) and belong to the ``campaign:<id>``
audience documents can be shared with. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from partners import audit
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, Partnership, User
from partners.roles import OrgKind, OrgStatus, Role
from partners.sharing import AccessLevel, get_record, require_role
from partners.sharing.grants import refresh_record
from partners.sharing.kinds import CAMPAIGNS
from portal.campaigns.models import Campaign, CampaignParticipant, CampaignStatus

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
    refresh_record(ctx.db, CAMPAIGNS, campaign)
    audit.record(ctx, "campaign.created", campaign, summary=f"Campaign {campaign.name}")
    return campaign


def update_campaign(ctx: ServiceContext, campaign_id: int, details: CampaignDetails) -> Campaign:
    """Change a campaign's details; the owner's rules (by region, product line) apply again."""
    campaign = _changeable(ctx, campaign_id, AccessLevel.edit)
    before, after = audit.apply_changes(campaign, details.columns())
    campaign.updated_at = ctx.now()
    refresh_record(ctx.db, CAMPAIGNS, campaign)
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
    refresh_record(ctx.db, CAMPAIGNS, campaign)  # sharing rules reach launched campaigns only
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
    """The owner's active partners not yet taking part, by name."""
    taking_part = select(CampaignParticipant.organization_id).where(
        CampaignParticipant.campaign_id == campaign.id
    )
    return list(
        ctx.db.scalars(
            select(Organization)
            .join(Partnership, Partnership.child_id == Organization.id)
            .where(
                Partnership.parent_id == campaign.owner_org_id,
                Partnership.status == OrgStatus.active,
                Organization.id.not_in(taking_part),
            )
            .order_by(Organization.name)
        )
    )


def _owned(ctx: ServiceContext, campaign_id: int) -> Campaign:
    """The campaign, for a change of participants: only its owner's people make those (they
    are the owner's partners)."""
    actor = _actor(ctx)
    campaign = get_campaign(ctx, campaign_id, AccessLevel.manage)
    if campaign.owner_org_id != actor.organization_id:
        raise NotFound()
    return campaign


def add_participant(ctx: ServiceContext, campaign_id: int, organization_id: int) -> Campaign:
    """Invite one of the owner's active partners to take part (until the campaign ends)."""
    campaign = _owned(ctx, campaign_id)
    if campaign.status.ended:
        raise ServiceError(f"The campaign is {campaign.status.value}: nobody joins it any more.")
    invitable = {org.id: org for org in invitable_organizations(ctx, campaign)}
    organization = invitable.get(organization_id)
    if organization is None:
        raise ServiceError("Choose one of your active partners that is not taking part yet.")
    actor = ctx.actor
    assert actor is not None
    ctx.db.add(
        CampaignParticipant(
            campaign_id=campaign.id,
            organization_id=organization.id,
            added_by_id=actor.id,
            added_at=ctx.now(),
        )
    )
    _participation_changed(ctx, campaign, organization, "added")
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
    _participation_changed(ctx, campaign, organization, "removed")
    return campaign


def _participation_changed(
    ctx: ServiceContext, campaign: Campaign, organization: Organization, change: str
) -> None:
    """Re-derive the participation grants (``refresh_record`` flushes first) and audit it."""
    campaign.updated_at = ctx.now()
    refresh_record(ctx.db, CAMPAIGNS, campaign)
    added = change == "added"
    audit.record(
        ctx,
        f"campaign.participant_{change}",
        campaign,
        subject_org=organization,
        **{"after" if added else "before": {"organization": organization.id}},
        summary=f"{organization.name} {'takes' if added else 'no longer takes'} part in "
        f"campaign {campaign.name}",
    )
