"""Creating, publishing and claiming leads: the one way each of these happens."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import update

from partners import audit
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, User
from partners.roles import Role
from partners.sharing import AccessLevel, get_lead, refresh_lead_grants, require_role
from portal.leads.models import Lead, LeadStatus

ALREADY_CLAIMED = "This lead has already been claimed."
#: Also the answer for ids that never existed, so it tells a stranger nothing.
NOT_CLAIMABLE = "This lead has already been claimed or is no longer shared with you."


@dataclass(frozen=True)
class LeadDetails:
    company: str
    contact_name: str = ""
    contact_email: str = ""
    country: str = ""
    region: str = ""
    industry: str = ""
    product_line: str = ""
    campaign: str | None = None
    score: int = 0
    amount: Decimal | None = None

    def columns(self) -> dict:
        values = asdict(self)
        values["company"] = self.company.strip()
        values["contact_email"] = self.contact_email.strip().lower()
        values["email_domain"] = values["contact_email"].rpartition("@")[2]
        values["country"] = self.country.upper()
        return values


def _actor(ctx: ServiceContext, role: Role = Role.member) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, role)
    return actor


def create_lead(ctx: ServiceContext, details: LeadDetails) -> Lead:
    """A new lead owned by the actor's organization, private until published."""
    actor = _actor(ctx)
    if not details.company.strip():
        raise ServiceError("A lead needs a company name.")
    lead = Lead(
        owner_org_id=actor.organization_id,
        status=LeadStatus.new,
        created_at=ctx.now(),
        updated_at=ctx.now(),
        **details.columns(),
    )
    ctx.db.add(lead)
    refresh_lead_grants(ctx.db, lead)
    audit.record(ctx, "lead.created", lead, summary=f"Lead {lead.company}")
    return lead


def update_lead(ctx: ServiceContext, lead_id: int, details: LeadDetails) -> Lead:
    """Change a lead's attributes; the owner's rules are evaluated again."""
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.edit)
    changes = {k: v for k, v in details.columns().items() if getattr(lead, k) != v}
    before = {k: str(getattr(lead, k)) for k in changes}
    for column, value in changes.items():
        setattr(lead, column, value)
    lead.updated_at = ctx.now()
    refresh_lead_grants(ctx.db, lead)
    audit.record(
        ctx,
        "lead.updated",
        lead,
        before=before,
        after={k: str(v) for k, v in changes.items()},
        summary=f"Lead {lead.company} updated",
    )
    return lead


def publish_lead(ctx: ServiceContext, lead_id: int) -> Lead:
    """Put a new or returned lead in the pool, where the owner's sharing rules apply."""
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.manage)
    if lead.status not in (LeadStatus.new, LeadStatus.returned):
        raise ServiceError("Only new or returned leads can be published.")
    before = lead.status
    lead.status, lead.claimed_by_org_id, lead.claimed_at = LeadStatus.available, None, None
    lead.updated_at = ctx.now()
    refresh_lead_grants(ctx.db, lead)
    audit.record(
        ctx,
        "lead.published",
        lead,
        before={"status": before.value},
        after={"status": lead.status.value},
        summary=f"Lead {lead.company} published to the pool",
    )
    return lead


def claim_lead(ctx: ServiceContext, lead_id: int) -> Lead:
    """Claim a lead from the pool for the actor's organization; exactly one claimant wins.

    The conditional UPDATE is the arbiter: of concurrent claimers, the first to update the row
    sees it available; the rest wait for its lock, then find it claimed and update nothing.
    """
    actor = _actor(ctx)
    try:
        lead = get_lead(ctx.db, actor, lead_id, AccessLevel.claim)
    except NotFound:
        raise NotFound(NOT_CLAIMABLE) from None
    if lead.owner_org_id == actor.organization_id:
        raise ServiceError("Your organization owns this lead; assign it instead.")
    now = ctx.now()
    won = ctx.db.execute(
        update(Lead)
        .where(Lead.id == lead.id, Lead.status == LeadStatus.available)
        .values(
            status=LeadStatus.claimed,
            claimed_by_org_id=actor.organization_id,
            claimed_at=now,
            updated_at=now,
        )
        .returning(Lead.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if won is None:
        raise ServiceError(ALREADY_CLAIMED)
    ctx.db.refresh(lead)
    refresh_lead_grants(ctx.db, lead)
    audit.record(
        ctx,
        "lead.claimed",
        lead,
        subject_org=ctx.db.get(Organization, lead.owner_org_id),
        before={"status": LeadStatus.available.value},
        after={"status": lead.status.value, "claimed_by_org_id": actor.organization_id},
        summary=f"{actor.organization.name} claimed lead {lead.company}",
    )
    return lead
