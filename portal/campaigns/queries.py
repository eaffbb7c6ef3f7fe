"""Read-side helpers for the campaign pages, on top of partners.sharing's selects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from partners.models import Organization, User
from partners.sharing import visible_records
from portal.campaigns.models import (
    Campaign,
    CampaignParticipant,
    CampaignStatus,
    ParticipantState,
)
from portal.campaigns.sharing import CAMPAIGNS

ORDER: tuple[Any, ...] = (
    Campaign.starts_on.is_(None),
    Campaign.starts_on.desc(),
    Campaign.id.desc(),
)


@dataclass(frozen=True)
class CampaignFilters:
    """What the campaign list's filter bar asks for; empty values do not filter."""

    search: str = ""
    status: str = ""

    def apply(self, query: Select) -> Select:
        term = self.search.strip()
        if term:
            query = query.where(Campaign.name.icontains(term, autoescape=True))
        if self.status in CampaignStatus.__members__:
            query = query.where(Campaign.status == CampaignStatus(self.status))
        return query.order_by(*ORDER)


def campaign_list(user: User, filters: CampaignFilters) -> Select[tuple[Campaign]]:
    """The campaigns the user may see (their own, those they take part in, those shared with
    them), filtered, latest start first."""
    return filters.apply(visible_records(CAMPAIGNS, user))


def participants(db: Session, campaign: Campaign) -> list[tuple[Organization, CampaignParticipant]]:
    """The organizations invited (in any state) with their invitation, by name."""
    return [
        (org, row)
        for org, row in db.execute(
            select(Organization, CampaignParticipant)
            .join(CampaignParticipant, CampaignParticipant.organization_id == Organization.id)
            .where(CampaignParticipant.campaign_id == campaign.id)
            .order_by(Organization.name)
        )
    ]


def own_campaigns(user: User) -> Select[tuple[Campaign]]:
    """The campaigns the user's organization runs and that have not been cancelled: whose
    participants its documents can be shared with."""
    return (
        select(Campaign)
        .where(
            Campaign.owner_org_id == user.organization_id,
            Campaign.status != CampaignStatus.cancelled,
        )
        .order_by(Campaign.name, Campaign.id)
    )


def pending_invitations(user: User) -> Select[tuple[Campaign, str]]:
    """The campaigns the user's organization is invited to and has not answered yet (but not
    cancelled ones), with the inviting organization's name: what the home page asks it to
    decide."""
    return (
        select(Campaign, Organization.name)
        .join(Organization, Organization.id == Campaign.owner_org_id)
        .join(CampaignParticipant, CampaignParticipant.campaign_id == Campaign.id)
        .where(
            CampaignParticipant.organization_id == user.organization_id,
            CampaignParticipant.state == ParticipantState.invited,
            Campaign.status != CampaignStatus.cancelled,
        )
        .order_by(*ORDER)
    )
