"""Creating, publishing, claiming and working leads: the one way each of these happens.

The lifecycle (``docs/sharing.md``, "Lead lifecycle"): new → available (the pool) → claimed (a
lease: the claimant accepts within its SLA, or the lead goes back and the claimant is excluded
from it) → accepted → working → qualified → converted / lost. A lead the owner routed to a
partner (``portal.leads.assignment``) enters the same flow as claimed; if it comes back it is
``returned`` to the owner, who assigns or publishes it again.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import NoReturn

from sqlalchemy import ColumnElement, Select, bindparam, select, update

from partners import audit, sharing
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import Organization, User
from partners.roles import Role
from partners.sharing import AccessLevel, reached_by, require_role
from portal.leads import forwarding, policy, scoring
from portal.leads.models import ActivityKind, Lead, LeadActivity, LeadStatus
from portal.leads.sharing import LEADS, exclude_organization, get_lead

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
        **scoring.scored_columns(ctx.db, actor.organization_id, details.columns()),
    )
    ctx.db.add(lead)
    sharing.changed(ctx.db, lead)
    audit.record(ctx, "lead.created", lead, summary=f"Lead {lead.company}")
    return lead


def update_lead(ctx: ServiceContext, lead_id: int, details: LeadDetails) -> Lead:
    """Change a lead's attributes; the owner's scoring and sharing rules are evaluated again."""
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.edit)
    columns = scoring.scored_columns(ctx.db, lead.owner_org_id, details.columns())
    before, after = audit.apply_changes(lead, columns)
    lead.updated_at = ctx.now()
    sharing.changed(ctx.db, lead)
    audit.record(
        ctx,
        "lead.updated",
        lead,
        before=before,
        after=after,
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
    sharing.changed(ctx.db, lead)
    audit.record(
        ctx,
        "lead.published",
        lead,
        before={"status": before.value},
        after={"status": lead.status.value},
        summary=f"Lead {lead.company} published to the pool",
    )
    return lead


_LEADS = Lead.__table__


def _claim(viewer_filter: ColumnElement[bool], terms: policy.ClaimTerms, values: dict) -> Select:
    """The claim's UPDATE, loading the lead it claimed: the lead, if it is in the pool, the
    claimant reaches it at claim level and (if the owner set a cap) holds fewer open claims
    than the cap allows. A Core UPDATE loaded as ORM rows: an ORM UPDATE returning the entity
    takes SQLAlchemy's bulk-update path, the largest single item in a profile of a claim."""
    statement = (
        update(_LEADS)
        .where(_LEADS.c.id == bindparam("lead_id"), _LEADS.c.status == LeadStatus.available)
        .where(viewer_filter)
        .values(values)
        .returning(*_LEADS.c)
    )
    if terms.cap is not None:
        statement = statement.where(policy.UNDER_CAP)
    # A lead the session holds already takes the claimed row's values.
    return select(Lead).from_statement(statement).execution_options(populate_existing=True)


def claim_lead(ctx: ServiceContext, lead_id: int) -> Lead:
    """Claim a lead from the pool for the actor's organization; exactly one claimant wins.

    The conditional UPDATE is the arbiter: of concurrent claimers, the first to update the row
    sees it available; the rest wait for its lock, then find it claimed and update nothing. It
    also carries the access check and the cap (counted after the claimant's turn was taken, so
    the cap holds), so a claim is four statements: the terms, the UPDATE, the grants, the
    audit entry; only a refused claim reads more, to say why. See ``docs/performance.md``,
    "Claims/s".
    """
    actor = _actor(ctx)
    now = ctx.now()
    # One partner's claims on one owner take turns from here to commit, so the cap holds.
    terms = policy.claim_terms(ctx.db, lead_id, actor.organization_id, now)
    if terms is None:
        raise NotFound(NOT_CLAIMABLE)
    if terms.owner_id == actor.organization_id:
        raise ServiceError("Your organization owns this lead; assign it instead.")
    claimed = {
        "status": LeadStatus.claimed,
        "claimed_by_org_id": actor.organization_id,
        "claimed_at": now,
        "claim_via": "pool",
        "claim_expires_at": terms.lease.expires_at,
        "accepted_at": None,
        "updated_at": now,
    }
    statement = _claim(reached_by(ctx.db, actor, LEADS, AccessLevel.claim), terms, claimed)
    lead = ctx.db.scalar(statement, {"lead_id": lead_id, **terms.cap_params()})
    if lead is None:
        _refuse_claim(ctx, actor, lead_id, terms)
    sharing.changed(ctx.db, lead)
    audit.record(
        ctx,
        "lead.claimed",
        lead,
        subject_org_id=lead.owner_org_id,
        before={"status": LeadStatus.available.value},
        after={
            "status": lead.status.value,
            "claimed_by_org_id": actor.organization_id,
            "expires_at": terms.lease.expires_at.isoformat(),
            "sla_business_hours": terms.lease.hours,
        },
        summary=f"{actor.organization.name} claimed lead {lead.company}",
    )
    return lead


def _refuse_claim(
    ctx: ServiceContext, actor: User, lead_id: int, terms: policy.ClaimTerms
) -> NoReturn:
    """Why a claim updated nothing: not shared (or no longer: someone claimed it and this
    claimant reached it only through the pool), over the cap, or taken."""
    try:
        get_lead(ctx.db, actor, lead_id, AccessLevel.claim)
    except NotFound:
        raise NotFound(NOT_CLAIMABLE) from None
    terms.refuse_over_cap(ctx.db)
    raise ServiceError(ALREADY_CLAIMED)


# Working a claimed lead ----------------------------------------------------------------------

ACTIVE_STATUSES = (LeadStatus.accepted, LeadStatus.working, LeadStatus.qualified)
#: Where a lead the claimant works may go next, by hand.
PROGRESS = {
    LeadStatus.accepted: (LeadStatus.working, LeadStatus.qualified, LeadStatus.lost),
    LeadStatus.working: (LeadStatus.qualified, LeadStatus.converted, LeadStatus.lost),
    LeadStatus.qualified: (LeadStatus.converted, LeadStatus.lost),
}
CLAIM_EXPIRED = "claim_expired"
DECLINED = "declined"


def _claimed_lead(ctx: ServiceContext, lead_id: int) -> tuple[User, Lead]:
    """A lead the actor's organization works (the claimant's, or the reseller's it was
    forwarded to), or NotFound for anyone else."""
    actor = _actor(ctx)
    lead = get_lead(ctx.db, actor, lead_id, AccessLevel.edit)
    if actor.organization_id not in forwarding.working_organizations(ctx.db, lead):
        raise NotFound()
    return actor, lead


def _activity(
    ctx: ServiceContext, actor: User, lead: Lead, kind: ActivityKind, body: str
) -> LeadActivity:
    body = body.strip()
    if not body:
        raise ServiceError("Describe the contact or the qualification data.")
    activity = LeadActivity(
        lead_id=lead.id,
        organization_id=actor.organization_id,
        user_id=actor.id,
        kind=kind,
        body=body[:5000],
        at=ctx.now(),
    )
    ctx.db.add(activity)
    return activity


def accept_lead(ctx: ServiceContext, lead_id: int, kind: ActivityKind, body: str) -> Lead:
    """Accept a claimed lead with its first logged contact or qualification data; the lease ends."""
    actor, lead = _claimed_lead(ctx, lead_id)
    if lead.status != LeadStatus.claimed:
        raise ServiceError("Only a claimed lead can be accepted.")
    now = ctx.now()
    if lead.claim_expires_at is not None and lead.claim_expires_at < now:
        raise ServiceError("Your claim on this lead has expired; it goes back to its owner.")
    activity = _activity(ctx, actor, lead, kind, body)
    lead.status, lead.accepted_at, lead.claim_expires_at = LeadStatus.accepted, now, None
    lead.updated_at = now
    sharing.changed(ctx.db, lead)
    audit.record(
        ctx,
        "lead.accepted",
        lead,
        subject_org=ctx.db.get(Organization, lead.owner_org_id),
        before={"status": LeadStatus.claimed.value},
        after={"status": lead.status.value, "first_activity": activity.kind.value},
        summary=f"{actor.organization.name} accepted lead {lead.company}",
    )
    return lead


def log_activity(ctx: ServiceContext, lead_id: int, kind: ActivityKind, body: str) -> LeadActivity:
    """Add a call, email, meeting, note or qualification data to the timeline of a lead the
    actor's organization works; the first one after acceptance makes the lead ``working``."""
    actor, lead = _claimed_lead(ctx, lead_id)
    if lead.status == LeadStatus.claimed:
        raise ServiceError("Accept the lead first: your first activity accepts it.")
    if lead.status not in ACTIVE_STATUSES:
        raise ServiceError("This lead is closed.")
    activity = _activity(ctx, actor, lead, kind, body)
    if lead.status == LeadStatus.accepted:
        lead.status = LeadStatus.working
    lead.updated_at = ctx.now()
    ctx.db.flush()
    audit.record(
        ctx,
        "lead.activity",
        lead,
        after={"kind": kind.value, "status": lead.status.value},
        summary=f"{kind.label} logged on lead {lead.company}",
    )
    return activity


def advance_lead(ctx: ServiceContext, lead_id: int, status: LeadStatus, reason: str = "") -> Lead:
    """Move a lead the actor's organization works on: working → qualified → converted / lost.

    Losing a lead needs a reason; it goes on the lead's timeline and in the audit entry.
    """
    actor, lead = _claimed_lead(ctx, lead_id)
    if status not in PROGRESS.get(lead.status, ()):
        raise ServiceError(f"A {lead.status.value} lead cannot become {status.value}.")
    after = {"status": status.value}
    if status == LeadStatus.lost:
        reason = reason.strip()[:300]
        if not reason:
            raise ServiceError("Say why the lead is lost.")
        _activity(ctx, actor, lead, ActivityKind.note, f"Lost: {reason}")
        after["reason"] = reason
    before = lead.status
    lead.status, lead.updated_at = status, ctx.now()
    sharing.changed(ctx.db, lead)
    audit.record(
        ctx,
        "lead.progressed",
        lead,
        before={"status": before.value},
        after=after,
        summary=f"Lead {lead.company} is {status.value}",
    )
    return lead


def decline_lead(ctx: ServiceContext, lead_id: int, reason: str) -> Lead:
    """Give a claimed lead back at once, with a reason; it is not offered to us again."""
    actor, lead = _claimed_lead(ctx, lead_id)
    if lead.status != LeadStatus.claimed:
        raise ServiceError("Only a claimed lead can be declined.")
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why you decline the lead.")
    _give_back(ctx, lead, DECLINED, reason[:300], actor.organization)
    return lead


def expire_claims(ctx: ServiceContext) -> int:
    """Send back every claimed lead whose lease ran out, and every forwarded one its reseller
    did not accept in time; returns how many (the worker and ``concord leads expire`` run
    this)."""
    now = ctx.now()
    returned = forwarding.expire_forwards(ctx)
    due = ctx.db.scalars(
        select(Lead)
        .where(Lead.status == LeadStatus.claimed, Lead.claim_expires_at < now)
        .order_by(Lead.claim_expires_at, Lead.id)
        .with_for_update(skip_locked=True)
    ).all()
    for lead in due:
        claimant = ctx.db.get_one(Organization, lead.claimed_by_org_id)
        deadline = lead.claim_expires_at
        assert deadline is not None
        reason = f"Not accepted by {claimant.name} before its deadline, {_iso(deadline)}."
        _give_back(ctx, lead, CLAIM_EXPIRED, reason, claimant)
    return returned + len(due)


def _give_back(
    ctx: ServiceContext, lead: Lead, cause: str, reason: str, claimant: Organization
) -> None:
    """End the claim: a pool lead goes back to the pool, a routed one back to its owner, and
    the claimant is excluded from it for good."""
    now = ctx.now()
    via = lead.claim_via or "pool"
    before = {
        "status": lead.status.value,
        "claimed_by_org_id": claimant.id,
        "claim_via": via,
        "expires_at": _iso(lead.claim_expires_at),
    }
    lead.status = LeadStatus.available if via == "pool" else LeadStatus.returned
    lead.claimed_by_org_id = lead.claimed_at = lead.claim_expires_at = lead.claim_via = None
    lead.updated_at = now
    exclude_organization(ctx.db, lead, claimant.id, cause, reason, now)
    sharing.changed(ctx.db, lead)
    where = "the pool" if lead.status == LeadStatus.available else "its owner"
    audit.record(
        ctx,
        "lead.returned",
        lead,
        subject_org=claimant,
        before=before,
        after={
            "status": lead.status.value,
            "reason": cause,
            "detail": reason,
            "excluded_org_id": claimant.id,
        },
        summary=f"Lead {lead.company} went back to {where}: {reason}",
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
