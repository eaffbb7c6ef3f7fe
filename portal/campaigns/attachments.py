"""Leads and deals attributed to a campaign by the organizations that take part in it.

An organization that takes part (or the campaign's owner) attaches a lead or deal it works on
(it reaches the record at edit level) to one campaign; the campaign's results count it. The
event is recorded on the lead or deal, not on the campaign, so only those who may see the record
learn of it: another participant never hears of a partner's deal. The campaign page lists the
attached records each viewer may see, through the records' own sharing predicate.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from partners import audit
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import User
from partners.roles import Role
from partners.sharing import AccessLevel, get_record, require_role, visible_records
from partners.sharing.kinds import SharedKind
from partners.sharing.models import RecordType
from portal.campaigns.models import (
    Campaign,
    CampaignParticipant,
    CampaignRecord,
    ParticipantState,
)
from portal.campaigns.sharing import CAMPAIGNS
from portal.deals.models import Deal
from portal.deals.sharing import DEALS
from portal.leads.models import Lead
from portal.leads.sharing import LEADS

#: What may be attached, by record type: its kind, and how a record is named.
ATTACHABLE: dict[str, SharedKind] = {RecordType.lead.value: LEADS, RecordType.deal.value: DEALS}


def _label(record: Lead | Deal) -> str:
    return record.company if isinstance(record, Lead) else record.name


def _kind(record_type: str) -> SharedKind:
    kind = ATTACHABLE.get(record_type)
    if kind is None:
        raise NotFound()
    return kind


def takes_part(db: Session, campaign: Campaign, organization_id: int) -> bool:
    """The owner, or an organization that accepted the invitation."""
    if campaign.owner_org_id == organization_id:
        return True
    participant = db.get(CampaignParticipant, (campaign.id, organization_id))
    return participant is not None and participant.state == ParticipantState.accepted


def attach(ctx: ServiceContext, campaign_id: int, record_type: str, record_id: int) -> Campaign:
    """Attribute a lead or deal the actor works on to a campaign its organization takes part
    in; a record already attached to another campaign moves (audited as such)."""
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    record = get_record(ctx.db, actor, _kind(record_type), record_id, AccessLevel.edit)
    campaign = get_record(ctx.db, actor, CAMPAIGNS, campaign_id)
    if not takes_part(ctx.db, campaign, actor.organization_id):
        raise ServiceError("Your organization does not take part in this campaign.")
    if campaign.status.ended:
        raise ServiceError(f"The campaign is {campaign.status.value}: nothing more is attached.")
    current = _attachment(ctx.db, record_type, record_id)
    if current is not None and current.campaign_id == campaign.id:
        raise ServiceError(f"It is attached to {campaign.name} already.")
    before = {"campaign": current.campaign_id} if current is not None else None
    if current is not None:
        ctx.db.delete(current)
        ctx.db.flush()
    ctx.db.add(
        CampaignRecord(
            campaign_id=campaign.id,
            record_type=record_type,
            record_id=record_id,
            organization_id=actor.organization_id,
            attached_by_id=actor.id,
            attached_at=ctx.now(),
        )
    )
    audit.record(
        ctx,
        f"{record_type}.campaign_attached",
        record,
        before=before,
        after={"campaign": campaign.id},
        summary=f"{_label(record)} attached to campaign {campaign.name}",
    )
    return campaign


def detach(ctx: ServiceContext, campaign_id: int, record_type: str, record_id: int) -> None:
    """Take a record out of its campaign: the organization that attached it, or the campaign's
    owner, may (each still reaching the record)."""
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    record = get_record(ctx.db, actor, _kind(record_type), record_id)
    current = _attachment(ctx.db, record_type, record_id)
    if current is None or current.campaign_id != campaign_id:
        raise ServiceError("It is not attached to this campaign.")
    campaign = ctx.db.get_one(Campaign, campaign_id)
    if actor.organization_id not in (current.organization_id, campaign.owner_org_id):
        raise ServiceError("Only the organization that attached it, or the campaign's owner.")
    ctx.db.execute(delete(CampaignRecord).where(CampaignRecord.id == current.id))
    audit.record(
        ctx,
        f"{record_type}.campaign_detached",
        record,
        before={"campaign": campaign.id},
        summary=f"{_label(record)} taken out of campaign {campaign.name}",
    )


def _attachment(db: Session, record_type: str, record_id: int) -> CampaignRecord | None:
    return db.scalar(
        select(CampaignRecord).where(
            CampaignRecord.record_type == record_type, CampaignRecord.record_id == record_id
        )
    )


def attached_campaign(
    db: Session, viewer: User, record_type: str, record_id: int
) -> Campaign | None:
    """The campaign a lead or deal is attached to, if the viewer may see that campaign."""
    attached = select(CampaignRecord.campaign_id).where(
        CampaignRecord.record_type == record_type, CampaignRecord.record_id == record_id
    )
    return db.scalar(visible_records(CAMPAIGNS, viewer, db=db).where(Campaign.id.in_(attached)))


#: How many of its newest leads and deals the attach form offers (each kind).
OFFERED = 100


def attachable_records(
    db: Session, viewer: User, campaign: Campaign
) -> tuple[list[Lead], list[Deal]]:
    """The newest leads and deals the viewer works on (edit level) and could attach: those not
    attached to this campaign already."""
    offered = []
    for record_type, kind in ATTACHABLE.items():
        here = select(CampaignRecord.record_id).where(
            CampaignRecord.campaign_id == campaign.id, CampaignRecord.record_type == record_type
        )
        query = visible_records(kind, viewer, AccessLevel.edit, db=db).where(
            kind.model.id.not_in(here)
        )
        offered.append(list(db.scalars(query.order_by(kind.model.id.desc()).limit(OFFERED))))
    leads, deals = offered
    return leads, deals


def campaign_results(
    db: Session, viewer: User, campaign: Campaign, limit: int = 50
) -> dict[str, tuple[int, list[tuple[Lead | Deal, int]]]]:
    """Per kind, the attached records the viewer may see (newest first, at most ``limit``, each
    with the organization that attached it) and how many of them there are: a record the viewer
    may not see is neither listed nor counted."""
    results = {}
    for record_type, kind in ATTACHABLE.items():
        attached = (
            visible_records(kind, viewer, db=db)
            .join(
                CampaignRecord,
                (CampaignRecord.record_id == kind.model.id)
                & (CampaignRecord.record_type == record_type),
            )
            .where(CampaignRecord.campaign_id == campaign.id)
        )
        count = db.scalar(select(func.count()).select_from(attached.subquery()))
        rows = db.execute(
            attached.add_columns(CampaignRecord.organization_id)
            .order_by(kind.model.id.desc())
            .limit(limit)
        )
        results[record_type] = (count or 0, [tuple(row) for row in rows])
    return results
