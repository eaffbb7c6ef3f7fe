"""Explicit shares: the owner gives one record to one organization or team (or its partners of a
tier, all of them, or the participants of one of its campaigns), maybe for a while."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from partners import audit
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, Team, User
from partners.roles import Role, Tier
from partners.sharing import grants
from partners.sharing.audiences import (
    AudienceRef,
    audience_id,
    campaign_audience,
    organization_audience,
    partners_audience,
    team_audience,
    tier_audience,
)
from partners.sharing.kinds import SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import ExplicitShare, ShareStatus
from partners.sharing.organizations import require_role
from partners.sharing.records import get_record


class Identified(Protocol):
    """A record named by its id (a campaign, whose participants an audience follows)."""

    id: int


def _acting_member(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    return actor


def share_record(
    ctx: ServiceContext,
    kind: SharedKind,
    record_id: int,
    *,
    organization: Organization | None = None,
    team: Team | None = None,
    tier: Tier | None = None,
    all_partners: bool = False,
    campaign: Identified | None = None,
    level: AccessLevel = AccessLevel.view,
    expires_at: datetime | None = None,
    reason: str = "",
) -> ExplicitShare:
    """Share one record with one organization, one team, the owner's partners of ``tier`` and
    above, ``all_partners`` of the owner, or the participants of the owner's ``campaign``;
    needs manage access to it (and, for the last three, to be of the owner: they are the
    owner's partners)."""
    actor = _acting_member(ctx)
    record = get_record(ctx.db, actor, kind, record_id, AccessLevel.manage)
    chosen = [organization, team, tier, campaign]
    if [value is not None for value in chosen].count(True) + all_partners != 1:
        raise ServiceError(
            "Share with either an organization or a team (or a tier, all partners, or a "
            "campaign's participants)."
        )
    relative = tier is not None or all_partners or campaign is not None
    if relative and actor.organization_id != record.owner_org_id:
        raise ServiceError("Only the owner shares with its partners by tier or campaign.")
    if campaign is not None and campaign.owner_org_id != record.owner_org_id:
        raise ServiceError("Share with the participants of one of your own campaigns.")
    if expires_at is not None and expires_at <= ctx.now():
        raise ServiceError("The expiry must be in the future.")
    audience = _audience(record.owner_org_id, organization, team, tier, campaign)
    share = ExplicitShare(
        owner_org_id=record.owner_org_id,
        record_type=kind.record_type,
        record_id=record.id,
        grantee_org_id=organization.id if organization else None,
        grantee_team_id=team.id if team else None,
        grantee_tier=tier,
        to_all_partners=all_partners,
        grantee_campaign_id=campaign.id if campaign else None,
        audience_id=audience_id(ctx.db, audience),
        level=level,
        expires_at=expires_at,
        reason=reason.strip()[:300],
        created_by_id=actor.id,
        created_at=ctx.now(),
    )
    ctx.db.add(share)
    ctx.db.flush()
    grants.grant_share(ctx.db, share)
    audit.record(
        ctx,
        "share.created",
        share,
        subject_org=organization,
        summary=f"{kind.noun.capitalize()} {record.id} shared with {audience.key} ({level.name})",
        after={"audience": audience.key, "level": level.name, "expires_at": _iso(expires_at)},
    )
    return share


def record_shares(
    db: Session, owner: User, kind: SharedKind, record_id: int
) -> list[ExplicitShare]:
    """The record's active shares, for its owner's page."""
    return list(
        db.scalars(
            select(ExplicitShare)
            .where(
                ExplicitShare.owner_org_id == owner.organization_id,
                ExplicitShare.record_type == kind.record_type,
                ExplicitShare.record_id == record_id,
                ExplicitShare.status == ShareStatus.active,
            )
            .order_by(ExplicitShare.created_at, ExplicitShare.id)
        )
    )


def _audience(
    owner_id: int,
    organization: Organization | None,
    team: Team | None,
    tier: Tier | None,
    campaign: Identified | None,
) -> AudienceRef:
    if organization is not None:
        return organization_audience(organization.id)
    if team is not None:
        return team_audience(team.id, team.organization_id)
    if tier is not None:
        return tier_audience(owner_id, tier)
    if campaign is not None:
        return campaign_audience(campaign.id, owner_id)
    return partners_audience(owner_id)


def _end(ctx: ServiceContext, share: ExplicitShare, status: ShareStatus) -> None:
    share.status, share.ended_at = status, ctx.now()
    grants.withdraw_share(ctx.db, share)
    audit.record(
        ctx,
        f"share.{status.value}",
        share,
        summary=f"Share of {share.record_type.value} {share.record_id} {status.value}",
        before={"status": ShareStatus.active.value},
        after={"status": status.value, "expires_at": _iso(share.expires_at)},
    )


def unshare(ctx: ServiceContext, share_id: int) -> None:
    actor = _acting_member(ctx)
    share = ctx.db.get(ExplicitShare, share_id)
    if share is None or share.owner_org_id != actor.organization_id:
        raise NotFound()
    if share.status == ShareStatus.active:
        _end(ctx, share, ShareStatus.revoked)


def end_record_shares(ctx: ServiceContext, kind: SharedKind, record_id: int) -> int:
    """Revoke the record's active shares (it is being deleted); returns how many."""
    active = ctx.db.scalars(
        select(ExplicitShare).where(
            ExplicitShare.record_type == kind.record_type,
            ExplicitShare.record_id == record_id,
            ExplicitShare.status == ShareStatus.active,
        )
    ).all()
    for share in active:
        _end(ctx, share, ShareStatus.revoked)
    return len(active)


def expire_shares(ctx: ServiceContext) -> int:
    """End every share whose expiry has passed (the worker runs this); returns how many."""
    due = ctx.db.scalars(
        select(ExplicitShare).where(
            ExplicitShare.status == ShareStatus.active, ExplicitShare.expires_at <= ctx.now()
        )
    ).all()
    for share in due:
        _end(ctx, share, ShareStatus.expired)
    return len(due)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
