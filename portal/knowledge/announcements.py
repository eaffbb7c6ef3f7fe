"""Announcements: a vendor's message to its partners, pinned on their home page.

The audience is a property of the partnership (every partner, a tier and above, a region, a
kind of partner), evaluated when the page is read against the viewer's active partnership
with the announcement's owner, as the engine's audiences are: a partner moved to another tier
or suspended sees what its partnership says now. Creating one is audited, so it is an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from partners import audit
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Partnership, User
from partners.roles import OrgKind, OrgStatus, Role, Tier
from partners.sharing import require_role
from portal.knowledge.models import Announcement, AnnouncementRead, AudienceKind
from portal.knowledge.service import MAX_BODY_LENGTH, OWNERS


@dataclass(frozen=True)
class AnnouncementDetails:
    title: str
    body: str
    audience: AudienceKind
    starts_at: datetime
    expires_at: datetime
    tier: Tier | None = None
    region: str | None = None
    partner_kind: OrgKind | None = None


def _owner(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.manager)
    if actor.organization.kind not in OWNERS:
        raise ServiceError("Only vendors and distributors make announcements.")
    return actor


def _audience_fields(details: AnnouncementDetails) -> dict:
    """The audience's one detail, checked: a tier, a region or a kind when the audience needs
    it, and nothing else."""
    needed = {
        AudienceKind.tier: ("tier", details.tier, "Choose the lowest tier that sees it."),
        AudienceKind.region: ("region", (details.region or "").strip(), "Name the region."),
        AudienceKind.kind: ("partner_kind", details.partner_kind, "Choose a kind of partner."),
    }
    fields: dict = {"tier": None, "region": None, "partner_kind": None}
    if details.audience in needed:
        name, value, message = needed[details.audience]
        if not value:
            raise ServiceError(message)
        fields[name] = value
    return fields


def create_announcement(ctx: ServiceContext, details: AnnouncementDetails) -> Announcement:
    actor = _owner(ctx)
    title = details.title.strip()
    if not title:
        raise ServiceError("An announcement needs a title.")
    if len(details.body) > MAX_BODY_LENGTH:
        raise ServiceError(f"The text is longer than {MAX_BODY_LENGTH:,} characters.")
    if details.expires_at <= details.starts_at:
        raise ServiceError("The expiry must come after the start.")
    if details.expires_at <= ctx.now():
        raise ServiceError("The expiry must be in the future.")
    announcement = Announcement(
        owner_org_id=actor.organization_id,
        title=title[:200],
        body=details.body.strip(),
        audience=details.audience,
        starts_at=details.starts_at,
        expires_at=details.expires_at,
        created_by_id=actor.id,
        created_at=ctx.now(),
        **_audience_fields(details),
    )
    ctx.db.add(announcement)
    ctx.db.flush()
    audit.record(
        ctx,
        "announcement.created",
        announcement,
        summary=f"Announcement to {announcement.audience_label}: {announcement.title}",
        after={
            "audience": announcement.audience.value,
            "starts_at": announcement.starts_at.isoformat(),
            "expires_at": announcement.expires_at.isoformat(),
        },
    )
    return announcement


def _reaches(user: User) -> ColumnElement[bool]:
    """A WHERE on ``announcement``: its owner has an active partnership with the user's
    organization that is in the audience."""
    org = user.organization
    tiers = {tier: [t for t in Tier if t >= tier] for tier in Tier}
    in_audience = or_(
        Announcement.audience == AudienceKind.all_partners,
        and_(
            Announcement.audience == AudienceKind.tier,
            or_(
                *(
                    and_(Announcement.tier == tier, Partnership.tier.in_(at_or_above))
                    for tier, at_or_above in tiers.items()
                )
            ),
        ),
        and_(
            Announcement.audience == AudienceKind.region, Announcement.region == Partnership.region
        ),
        and_(Announcement.audience == AudienceKind.kind, Announcement.partner_kind == org.kind),
    )
    return exists().where(
        Partnership.parent_id == Announcement.owner_org_id,
        Partnership.child_id == org.id,
        Partnership.status == OrgStatus.active,
        in_audience,
    )


def pinned_announcements(user: User, now: datetime) -> Select[tuple[Announcement]]:
    """What the user's home page pins: current announcements to them not marked read."""
    read = exists().where(
        AnnouncementRead.announcement_id == Announcement.id, AnnouncementRead.user_id == user.id
    )
    return (
        select(Announcement)
        .where(
            _reaches(user),
            Announcement.starts_at <= now,
            Announcement.expires_at > now,
            ~read,
        )
        .order_by(Announcement.starts_at.desc(), Announcement.id.desc())
    )


def mark_read(ctx: ServiceContext, announcement_id: int) -> Announcement:
    """Unpin it for the actor. An announcement not addressed to them is a 404."""
    actor = ctx.actor
    assert actor is not None
    announcement = ctx.db.scalar(
        select(Announcement).where(Announcement.id == announcement_id, _reaches(actor))
    )
    if announcement is None:
        raise NotFound()
    if ctx.db.get(AnnouncementRead, (announcement.id, actor.id)) is None:
        ctx.db.add(
            AnnouncementRead(announcement_id=announcement.id, user_id=actor.id, read_at=ctx.now())
        )
        ctx.db.flush()
    return announcement


def owner_announcements(user: User) -> Select[tuple[Announcement]]:
    """The vendor's own announcements, newest first (its announcements page)."""
    return (
        select(Announcement)
        .where(Announcement.owner_org_id == user.organization_id)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
    )
