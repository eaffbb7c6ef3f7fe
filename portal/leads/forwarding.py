"""Two-tier distribution: a distributor forwards a lead it holds to one of its resellers.

The distributor stays the claimant towards the owner; the reseller joins as a participant (edit
access through the same grant rows as everything else). The hop is a lease of its own: the
reseller accepts within the distributor's SLA for its tier (the distributor's lead settings),
in business hours of the reseller's timezone, or the lead comes back to the distributor — as it
does when the reseller declines or the distributor recalls it. It never falls back into the
owner's pool from here, and a reseller that declined or let a hop lapse is not offered that
lead again. The owner keeps its access and sees the chain of custody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from partners import audit, sharing
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, Partnership, User
from partners.roles import OrgKind, OrgStatus, Role
from partners.sharing import AccessLevel, require_role
from portal.leads import policy
from portal.leads.models import ActivityKind, HandoffOutcome, Lead, LeadActivity, LeadHandoff
from portal.leads.sharing import get_lead

#: Lead statuses a distributor may forward from: it accepted the lead and still works it.
FORWARDABLE = ("accepted", "working", "qualified")
OPEN = (HandoffOutcome.pending, HandoffOutcome.accepted)


def _actor(ctx: ServiceContext) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.member)
    return actor


def open_handoff(db: Session, lead: Lead) -> LeadHandoff | None:
    """The hop in progress (pending or accepted), if the lead is forwarded."""
    if lead.forwarded_to_org_id is None:
        return None
    return db.scalar(
        select(LeadHandoff)
        .where(LeadHandoff.lead_id == lead.id, LeadHandoff.outcome.in_(OPEN))
        .order_by(LeadHandoff.id.desc())
    )


def hops_to(db: Session, org_id: int, lead_ids: list[int]) -> dict[int, LeadHandoff]:
    """The open hops of these leads to this organization, by lead: what a reseller's lists show
    as "waiting for you" (pending) or as its own work (accepted)."""
    if not lead_ids:
        return {}
    hops = db.scalars(
        select(LeadHandoff).where(
            LeadHandoff.lead_id.in_(lead_ids),
            LeadHandoff.to_org_id == org_id,
            LeadHandoff.outcome.in_(OPEN),
        )
    )
    return {hop.lead_id: hop for hop in hops}


def working_organizations(db: Session, lead: Lead) -> set[int]:
    """Who works the lead: the claimant, and the reseller once it accepted the hop."""
    orgs = set() if lead.claimed_by_org_id is None else {lead.claimed_by_org_id}
    handoff = open_handoff(db, lead)
    if handoff is not None and handoff.outcome == HandoffOutcome.accepted:
        orgs.add(handoff.to_org_id)
    return orgs


def resellers(db: Session, distributor_id: int) -> list[Organization]:
    """The distributor's active resellers: whom it may forward to."""
    return list(
        db.scalars(
            select(Organization)
            .join(Partnership, Partnership.child_id == Organization.id)
            .where(
                Partnership.parent_id == distributor_id,
                Partnership.status == OrgStatus.active,
                Organization.status == OrgStatus.active,
            )
            .order_by(Organization.name)
        )
    )


def forward_lead(
    ctx: ServiceContext, lead_id: int, reseller_id: int, note: str = ""
) -> LeadHandoff:
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.edit)
    if lead.claimed_by_org_id != actor.organization_id:
        raise NotFound()
    if actor.organization.kind != OrgKind.distributor:
        raise ServiceError("Only a distributor forwards leads to its resellers.")
    if lead.status.value not in FORWARDABLE:
        raise ServiceError("Accept the lead before you forward it.")
    if lead.forwarded_to_org_id is not None:
        raise ServiceError("This lead is already with a reseller; recall it first.")
    partnership = policy.partnership_between(ctx.db, actor.organization_id, reseller_id)
    if partnership is None or partnership.status != OrgStatus.active:
        raise ServiceError("Choose one of your active resellers.")
    if _passed_on(ctx.db, lead.id, reseller_id):
        raise ServiceError("That reseller already gave this lead back; choose another.")
    now = ctx.now()
    lease = policy.lease(ctx.db, actor.organization_id, partnership, now)
    handoff = LeadHandoff(
        lead_id=lead.id,
        from_org_id=actor.organization_id,
        to_org_id=reseller_id,
        forwarded_by_id=actor.id,
        forwarded_at=now,
        expires_at=lease.expires_at,
        sla_hours=lease.hours,
        note=note.strip()[:300],
    )
    ctx.db.add(handoff)
    lead.forwarded_to_org_id, lead.updated_at = reseller_id, now
    sharing.changed(ctx.db, lead)
    reseller = ctx.db.get_one(Organization, reseller_id)
    audit.record(
        ctx,
        "lead.forwarded",
        lead,
        subject_org=reseller,
        after={
            "forwarded_to_org_id": reseller_id,
            "expires_at": lease.expires_at.isoformat(),
            "sla_business_hours": lease.hours,
        },
        summary=f"{actor.organization.name} forwarded lead {lead.company} to {reseller.name}",
    )
    return handoff


def _passed_on(db: Session, lead_id: int, org_id: int) -> bool:
    return (
        db.scalar(
            select(LeadHandoff.id).where(
                LeadHandoff.lead_id == lead_id,
                LeadHandoff.to_org_id == org_id,
                LeadHandoff.outcome.in_([HandoffOutcome.declined, HandoffOutcome.expired]),
            )
        )
        is not None
    )


def _pending_for(ctx: ServiceContext, lead_id: int) -> tuple[User, Lead, LeadHandoff]:
    """The actor's organization's pending hop on the lead, or NotFound for anyone else."""
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.edit)
    handoff = open_handoff(ctx.db, lead)
    if handoff is None or handoff.to_org_id != actor.organization_id:
        raise NotFound()
    if handoff.outcome != HandoffOutcome.pending:
        raise ServiceError("You already accepted this lead.")
    return actor, lead, handoff


def accept_forward(ctx: ServiceContext, lead_id: int, kind: ActivityKind, body: str) -> Lead:
    """The reseller accepts the hop with its first logged contact; from now on it works it."""
    actor, lead, handoff = _pending_for(ctx, lead_id)
    now = ctx.now()
    if handoff.expires_at < now:
        raise ServiceError("Your time to accept this lead has run out; it went back.")
    if not body.strip():
        raise ServiceError("Describe the contact or the qualification data.")
    ctx.db.add(
        LeadActivity(
            lead_id=lead.id,
            organization_id=actor.organization_id,
            user_id=actor.id,
            kind=kind,
            body=body.strip()[:5000],
            at=now,
        )
    )
    handoff.outcome, handoff.accepted_at = HandoffOutcome.accepted, now
    lead.updated_at = now
    audit.record(
        ctx,
        "lead.forward_accepted",
        lead,
        subject_org=ctx.db.get(Organization, handoff.from_org_id),
        before={"outcome": HandoffOutcome.pending.value},
        after={"outcome": HandoffOutcome.accepted.value, "first_activity": kind.value},
        summary=f"{actor.organization.name} accepted lead {lead.company}",
    )
    return lead


def decline_forward(ctx: ServiceContext, lead_id: int, reason: str) -> Lead:
    """The reseller gives the lead back to the distributor, with a reason."""
    _, lead, handoff = _pending_for(ctx, lead_id)
    if not reason.strip():
        raise ServiceError("Say why you decline the lead.")
    _end(ctx, lead, handoff, HandoffOutcome.declined, reason.strip()[:300])
    return lead


def recall_lead(ctx: ServiceContext, lead_id: int, reason: str) -> Lead:
    """The distributor takes a forwarded lead back from its reseller."""
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.edit)
    handoff = open_handoff(ctx.db, lead)
    if lead.claimed_by_org_id != actor.organization_id or handoff is None:
        raise NotFound()
    _end(ctx, lead, handoff, HandoffOutcome.recalled, reason.strip()[:300] or "Recalled.")
    return lead


def expire_forwards(ctx: ServiceContext) -> int:
    """Bring back every forwarded lead its reseller did not accept in time (the worker runs
    this with ``expire_claims``); returns how many."""
    due = ctx.db.scalars(
        select(LeadHandoff)
        .where(LeadHandoff.outcome == HandoffOutcome.pending, LeadHandoff.expires_at < ctx.now())
        .order_by(LeadHandoff.expires_at, LeadHandoff.id)
        .with_for_update(skip_locked=True)
    ).all()
    for handoff in due:
        lead = ctx.db.get_one(Lead, handoff.lead_id)
        reason = f"Not accepted before its deadline, {handoff.expires_at.isoformat()}."
        _end(ctx, lead, handoff, HandoffOutcome.expired, reason)
    return len(due)


def _end(
    ctx: ServiceContext, lead: Lead, handoff: LeadHandoff, outcome: HandoffOutcome, reason: str
) -> None:
    before = handoff.outcome
    handoff.outcome, handoff.ended_at, handoff.reason = outcome, ctx.now(), reason
    lead.forwarded_to_org_id, lead.updated_at = None, ctx.now()
    sharing.changed(ctx.db, lead)
    reseller = ctx.db.get_one(Organization, handoff.to_org_id)
    audit.record(
        ctx,
        f"lead.forward_{outcome.value}",
        lead,
        subject_org=reseller,
        before={"outcome": before.value, "forwarded_to_org_id": reseller.id},
        after={"outcome": outcome.value, "reason": reason},
        summary=f"Lead {lead.company} came back from {reseller.name} to the distributor: {reason}",
    )


@dataclass(frozen=True)
class CustodyStep:
    """One line of the chain of custody."""

    at: datetime
    organization: Organization
    what: str
    detail: str = ""


def chain_of_custody(db: Session, lead: Lead) -> list[CustodyStep]:
    """Who held the lead, from the claim through every hop, oldest first."""
    if lead.claimed_by_org_id is None or lead.claimed_at is None:
        return []
    claimant = db.get_one(Organization, lead.claimed_by_org_id)
    steps = [CustodyStep(lead.claimed_at, claimant, f"{lead.claim_via or 'pool'} claim")]
    if lead.accepted_at is not None:
        steps.append(CustodyStep(lead.accepted_at, claimant, "accepted"))
    hops = db.scalars(
        select(LeadHandoff).where(LeadHandoff.lead_id == lead.id).order_by(LeadHandoff.id)
    )
    for hop in hops:
        to = db.get_one(Organization, hop.to_org_id)
        deadline = (
            f"to accept within {hop.sla_hours} business hours ({hop.expires_at:%d %b %Y %H:%M} UTC)"
        )
        steps.append(CustodyStep(hop.forwarded_at, to, "forwarded", _join(hop.note, deadline)))
        if hop.accepted_at is not None:
            steps.append(CustodyStep(hop.accepted_at, to, "accepted"))
        if hop.ended_at is not None:
            steps.append(CustodyStep(hop.ended_at, to, hop.outcome.value, hop.reason))
    return steps


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)
