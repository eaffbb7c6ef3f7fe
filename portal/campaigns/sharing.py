"""Campaigns as the sharing engine sees them: invited and accepted organizations take part
(rows of ``campaign_participant``, not columns), and rules reach a campaign once launched."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from partners.sharing.grant_tables import grant_table
from partners.sharing.kinds import SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import RecordType
from partners.sharing.registry import register_kind
from portal.campaigns.models import Campaign, CampaignParticipant, CampaignStatus, ParticipantState

CampaignGrant = grant_table("campaign", Campaign.__tablename__)


def _participants(db: Session, campaign: Campaign) -> list[tuple[int, AccessLevel]]:
    """Invited and accepted organizations view the campaign (an invitee, to decide); a
    declined one does not."""
    participants = select(CampaignParticipant.organization_id).where(
        CampaignParticipant.campaign_id == campaign.id,
        CampaignParticipant.state != ParticipantState.declined,
    )
    return [(org_id, AccessLevel.view) for org_id in db.scalars(participants)]


def _audience_members() -> Select[tuple[int, int]]:
    """``(campaign, organization)`` for each organization that accepted to take part (not
    while only invited): it is in the campaign's audience (``audiences.campaign_audience``)."""
    return select(CampaignParticipant.campaign_id, CampaignParticipant.organization_id).where(
        CampaignParticipant.state == ParticipantState.accepted
    )


CAMPAIGNS = register_kind(
    SharedKind(
        record_type=RecordType.campaign,
        model=Campaign,
        grant=CampaignGrant,
        list_criteria={"regions": Campaign.region, "product_lines": Campaign.product_line},
        amount=None,
        score=None,
        #: A draft is still being prepared: rules reach a campaign once it is launched.
        rule_scope=lambda: Campaign.status != CampaignStatus.draft,
        participants=(),
        participant_rows=_participants,
        participant_label="takes part in the campaign: {}",
        audience_members=_audience_members,
    )
)
