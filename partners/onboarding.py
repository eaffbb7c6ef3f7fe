"""Organizations and partnerships: creating companies, onboarding partners, tiers, suspension."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partners import audit
from partners.context import ServiceContext, ServiceError
from partners.models import Organization, Partnership, User
from partners.people import invite
from partners.roles import OrgKind, OrgStatus, Role, Tier
from partners.sharing import require_role

#: Which kinds may run a partnership with which: vendors with partners and distributors,
#: distributors with their own resellers (two-tier distribution).
ALLOWED_CHILDREN = {
    OrgKind.vendor: {OrgKind.partner, OrgKind.distributor},
    OrgKind.distributor: {OrgKind.partner},
    OrgKind.partner: set(),
}


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "org"


def _unique_slug(ctx: ServiceContext, name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while ctx.db.scalar(
        select(func.count()).select_from(Organization).where(Organization.slug == slug)
    ):
        n += 1
        slug = f"{base}-{n}"
    return slug


def organization_by_slug(db: Session, slug: str) -> Organization | None:
    return db.scalar(select(Organization).where(Organization.slug == slug))


def create_organization(ctx: ServiceContext, name: str, kind: OrgKind) -> Organization:
    name = name.strip()
    if not name:
        raise ServiceError("An organization needs a name.")
    org = Organization(name=name, kind=kind, slug=_unique_slug(ctx, name))
    ctx.db.add(org)
    ctx.db.flush()
    audit.record(
        ctx,
        "org.created",
        org,
        summary=f"Created {kind.value} {name}",
        subject_org=org,
        after={"name": name, "kind": kind.value},
    )
    return org


def link(
    ctx: ServiceContext,
    parent: Organization,
    child: Organization,
    *,
    tier: Tier = Tier.registered,
    region: str = "",
    timezone: str = "UTC",
) -> Partnership:
    if child.kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ServiceError(f"A {parent.kind.value} cannot take on a {child.kind.value} as partner.")
    existing = ctx.db.scalar(
        select(Partnership).where(
            Partnership.parent_id == parent.id, Partnership.child_id == child.id
        )
    )
    if existing:
        raise ServiceError(f"{child.name} is already a partner of {parent.name}.")
    partnership = Partnership(
        parent=parent, child=child, tier=tier, region=region, timezone=timezone
    )
    ctx.db.add(partnership)
    ctx.db.flush()
    audit.record(
        ctx,
        "partnership.created",
        partnership,
        subject_org=child,
        summary=f"{parent.name} ↔ {child.name} ({tier.value})",
        after={"tier": tier.value, "region": region, "timezone": timezone},
    )
    return partnership


def onboard_partner(
    ctx: ServiceContext,
    *,
    name: str,
    kind: OrgKind,
    tier: Tier,
    region: str,
    timezone: str,
    admin_email: str,
    admin_name: str = "",
) -> Partnership:
    """A vendor (or distributor) admin creates a partner company and invites its first admin."""
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.admin)
    parent = actor.organization
    child = create_organization(ctx, name, kind)
    partnership = link(ctx, parent, child, tier=tier, region=region, timezone=timezone)
    invite(ctx, child, email=admin_email, name=admin_name, role=Role.admin)
    return partnership


def _require_manager_of(ctx: ServiceContext, partnership: Partnership) -> User:
    actor = ctx.actor
    assert actor is not None and actor.organization_id == partnership.parent_id
    require_role(actor, Role.admin)
    return actor


def change_tier(ctx: ServiceContext, partnership: Partnership, tier: Tier) -> None:
    _require_manager_of(ctx, partnership)
    before = partnership.tier
    if before == tier:
        return
    partnership.tier = tier
    audit.record(
        ctx,
        "partnership.tier_changed",
        partnership,
        subject_org=partnership.child,
        before={"tier": before.value},
        after={"tier": tier.value},
        summary=f"{partnership.child.name}: {before.value} → {tier.value}",
    )


def update_terms(
    ctx: ServiceContext, partnership: Partnership, *, region: str, timezone: str
) -> None:
    _require_manager_of(ctx, partnership)
    before = {"region": partnership.region, "timezone": partnership.timezone}
    partnership.region, partnership.timezone = region, timezone
    audit.record(
        ctx,
        "partnership.updated",
        partnership,
        subject_org=partnership.child,
        before=before,
        after={"region": region, "timezone": timezone},
        summary=f"{partnership.child.name}: region {region}, timezone {timezone}",
    )


def set_status(ctx: ServiceContext, partnership: Partnership, status: OrgStatus) -> None:
    """Suspend or reactivate; a partner with no active partnership left cannot sign in."""
    _require_manager_of(ctx, partnership)
    before = partnership.status
    if before == status:
        return
    partnership.status = status
    verb = "suspended" if status == OrgStatus.suspended else "reactivated"
    audit.record(
        ctx,
        f"partnership.{verb}",
        partnership,
        subject_org=partnership.child,
        before={"status": before.value},
        after={"status": status.value},
        summary=f"{partnership.child.name} {verb}",
    )
