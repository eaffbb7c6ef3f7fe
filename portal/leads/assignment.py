"""Routing leads straight to partners instead of the open pool.

A lead goes to one of the owner's partners whose region matches the lead's, whose tier is at
least the owner's minimum, whose specialisation tags (industries, product lines) take the lead,
that holds fewer open claims than its tier allows and that has not let this lead lapse or
declined it. Among those, a smooth weighted round-robin (nginx's) picks one: exactly
proportional to the weights over every whole cycle, deterministic, and continued across calls
through the cursor stored on the owner's settings row (locked while assigning, so concurrent
calls do not pick from the same state). An assigned lead is ``claimed`` by its partner with the
same lease as a claim from the pool: accept it, decline it, or it comes back.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from partners import audit, sharing
from partners.business_hours import add_business_hours
from partners.context import ServiceContext
from partners.models import Organization, Partnership, User
from partners.roles import OrgStatus, Role, Tier
from partners.sharing import require_role
from portal.leads import policy
from portal.leads.models import (
    Lead,
    LeadExclusion,
    LeadRoutingPartner,
    LeadRoutingSettings,
    LeadStatus,
)

#: What the owner may route: not yet published, back from a partner, or waiting in the pool.
ASSIGNABLE = (LeadStatus.new, LeadStatus.returned, LeadStatus.available)
#: "Assign all": the leads nobody has been offered yet, and those that came back.
UNROUTED = (LeadStatus.new, LeadStatus.returned)


@dataclass(frozen=True)
class Candidate:
    """A partner that can take routed leads, as routing sees it."""

    partnership_id: int
    organization_id: int
    name: str
    tier: Tier
    region: str
    timezone: str
    weight: int
    industries: frozenset[str]
    product_lines: frozenset[str]

    @property
    def key(self) -> str:
        return str(self.partnership_id)

    def takes(self, lead: Lead) -> bool:
        """Geography and specialisation: an empty value on either side matches anything."""
        return (
            _matches(self.region and {self.region}, lead.region)
            and _matches(self.industries, lead.industry)
            and _matches(self.product_lines, lead.product_line)
        )


def _matches(tags, value: str) -> bool:
    if not tags or not value:
        return True
    return value.strip().casefold() in {tag.casefold() for tag in tags}


def candidates(db, owner_id: int) -> list[Candidate]:
    """The owner's active partners with an active partnership, in a stable order.

    A partnership without routing settings takes leads at weight 1 with no specialisation.
    """
    rows = db.execute(
        select(Partnership, Organization, LeadRoutingPartner)
        .join(Organization, Organization.id == Partnership.child_id)
        .outerjoin(LeadRoutingPartner, LeadRoutingPartner.partnership_id == Partnership.id)
        .where(
            Partnership.parent_id == owner_id,
            Partnership.status == OrgStatus.active,
            Organization.status == OrgStatus.active,
        )
        .order_by(Partnership.id)
    ).all()
    return [
        Candidate(
            partnership_id=partnership.id,
            organization_id=org.id,
            name=org.name,
            tier=partnership.tier,
            region=partnership.region or "",
            timezone=partnership.timezone or "UTC",
            weight=routing.weight if routing else 1,
            industries=frozenset(routing.industries if routing else ()),
            product_lines=frozenset(routing.product_lines if routing else ()),
        )
        for partnership, org, routing in rows
    ]


def smooth_weighted_pick(cursor: dict[str, int], peers: list[tuple[str, int]]) -> str:
    """nginx's smooth weighted round-robin: every peer gains its weight, the highest wins and
    pays back the total. Ties go to the first peer. ``cursor`` is updated in place."""
    total, best = 0, None
    for key, weight in peers:
        cursor[key] = cursor.get(key, 0) + weight
        total += weight
        if best is None or cursor[key] > cursor[best]:
            best = key
    assert best is not None, "no peers to pick from"
    cursor[best] -= total
    return best


@dataclass
class AssignmentResult:
    #: Lead id → the organization it went to.
    assigned: dict[int, int] = field(default_factory=dict)
    #: Leads no partner could take (none eligible), or not in a state to be routed.
    unassigned: list[int] = field(default_factory=list)

    def per_organization(self) -> Counter:
        return Counter(self.assigned.values())


def assign_leads(ctx: ServiceContext, lead_ids: list[int] | None = None) -> AssignmentResult:
    """Route the owner's leads (``None``: every new or returned one) to partners, in id order."""
    actor = _actor(ctx)
    db, now = ctx.db, ctx.now()
    owner_id = actor.organization_id
    settings = policy.ensure_settings(db, owner_id, now)
    peers = [c for c in candidates(db, owner_id) if c.weight > 0 and c.tier >= settings.min_tier]
    # The partners' turns first (as a claim takes its turn before it touches a lead), then
    # their open claims can be counted: no claim adds to them until this commits.
    policy.lock_claims(db, owner_id, [c.organization_id for c in peers])
    query = select(Lead).where(Lead.owner_org_id == owner_id).order_by(Lead.id)
    if lead_ids is None:
        query = query.where(Lead.status.in_(UNROUTED))
    else:
        query = query.where(Lead.id.in_(lead_ids))
    leads = list(db.scalars(query.with_for_update()))
    result = AssignmentResult()
    result.unassigned += sorted(set(lead_ids or ()) - {lead.id for lead in leads})
    held = policy.open_claims(db, owner_id, [c.organization_id for c in peers])
    excluded = _exclusions(db, [lead.id for lead in leads])
    cursor = {key: int(value) for key, value in (settings.cursor or {}).items()}
    for lead in leads:
        chosen = None
        if lead.status in ASSIGNABLE:
            eligible = [
                peer
                for peer in peers
                if held[peer.organization_id] < _cap(settings, peer.tier)
                and (lead.id, peer.organization_id) not in excluded
                and peer.takes(lead)
            ]
            if eligible:
                key = smooth_weighted_pick(cursor, [(p.key, p.weight) for p in eligible])
                chosen = next(p for p in eligible if p.key == key)
        if chosen is None:
            result.unassigned.append(lead.id)
            continue
        held[chosen.organization_id] += 1
        _assign(ctx, lead, chosen, settings)
        result.assigned[lead.id] = chosen.organization_id
    settings.cursor, settings.updated_at = cursor, now
    db.flush()
    return result


def assign_lead(ctx: ServiceContext, lead_id: int) -> int | None:
    """Route one lead; the organization it went to, or ``None`` if no partner could take it."""
    return assign_leads(ctx, [lead_id]).assigned.get(lead_id)


def _actor(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    return actor


def _cap(settings: LeadRoutingSettings, tier: Tier) -> int:
    return policy.tier_value(settings.max_open_claims, tier, policy.DEFAULT_MAX_OPEN_CLAIMS)


def _exclusions(db, lead_ids: list[int]) -> set[tuple[int, int]]:
    if not lead_ids:
        return set()
    rows = db.execute(
        select(LeadExclusion.lead_id, LeadExclusion.organization_id).where(
            LeadExclusion.lead_id.in_(lead_ids)
        )
    )
    return {(lead_id, org_id) for lead_id, org_id in rows}


def _assign(
    ctx: ServiceContext, lead: Lead, chosen: Candidate, settings: LeadRoutingSettings
) -> None:
    now = ctx.now()
    hours = policy.tier_value(settings.sla_hours, chosen.tier, policy.DEFAULT_SLA_HOURS)
    before = lead.status
    lead.status, lead.claimed_by_org_id, lead.claimed_at = (
        LeadStatus.claimed,
        chosen.organization_id,
        now,
    )
    lead.claim_via, lead.accepted_at = "assignment", None
    lead.claim_expires_at = add_business_hours(now, hours, chosen.timezone)
    lead.updated_at = now
    sharing.changed(ctx.db, lead)
    audit.record(
        ctx,
        "lead.assigned",
        lead,
        subject_org=ctx.db.get(Organization, chosen.organization_id),
        before={"status": before.value},
        after={
            "status": lead.status.value,
            "claimed_by_org_id": chosen.organization_id,
            "expires_at": lead.claim_expires_at.isoformat(),
            "sla_business_hours": hours,
        },
        summary=f"Lead {lead.company} assigned to {chosen.name}",
    )
