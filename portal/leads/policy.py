"""An owner's lead lifecycle settings: how long a claim lasts and how many a partner may hold.

Every owner has the defaults below until it saves its own table on the settings page. The cap on
open claims applies once the owner has saved settings (or routed a lead): pools that never
configured one keep taking claims as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    ScalarSelect,
    bindparam,
    column,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from partners import audit
from partners.business_hours import (
    add_business_hours,
    business_time_between,
    in_business_hours,
    zone,
)
from partners.context import ServiceContext, ServiceError
from partners.models import Partnership
from partners.roles import Role, Tier
from partners.sharing import require_role
from portal.leads.models import (
    HandoffOutcome,
    Lead,
    LeadHandoff,
    LeadRoutingPartner,
    LeadRoutingSettings,
    LeadStatus,
)

#: Business hours a claimant has to accept, per tier of its partnership.
DEFAULT_SLA_HOURS = {
    Tier.registered.value: 48,
    Tier.silver.value: 24,
    Tier.gold.value: 16,
    Tier.platinum.value: 8,
}
#: Claimed-but-not-accepted leads a partner may hold at once, per tier.
DEFAULT_MAX_OPEN_CLAIMS = {
    Tier.registered.value: 3,
    Tier.silver.value: 5,
    Tier.gold.value: 10,
    Tier.platinum.value: 20,
}


def settings_for(db: Session, owner_id: int) -> LeadRoutingSettings | None:
    return db.get(LeadRoutingSettings, owner_id)


def settings_or_defaults(db: Session, owner_id: int) -> LeadRoutingSettings:
    """The owner's saved settings, or an unsaved row holding the defaults."""
    return settings_for(db, owner_id) or LeadRoutingSettings(
        owner_org_id=owner_id,
        sla_hours=dict(DEFAULT_SLA_HOURS),
        max_open_claims=dict(DEFAULT_MAX_OPEN_CLAIMS),
        min_tier=Tier.registered,
        cursor={},
    )


def ensure_settings(db: Session, owner_id: int, now: datetime) -> LeadRoutingSettings:
    """The owner's settings row, created with the defaults, locked for this transaction."""
    query = select(LeadRoutingSettings).where(LeadRoutingSettings.owner_org_id == owner_id)
    saved = db.scalar(query.with_for_update())
    if saved is None:
        saved = settings_or_defaults(db, owner_id)
        saved.updated_at = now
        db.add(saved)
        db.flush()
    return saved


def partnership_between(
    db: Session, owner_id: int, org_id: int, *, lock: bool = False
) -> Partnership | None:
    query = select(Partnership).where(
        Partnership.parent_id == owner_id, Partnership.child_id == org_id
    )
    return db.scalar(query.with_for_update() if lock else query)


def tier_value(table: dict, tier: Tier, defaults: dict) -> int:
    return int(table.get(tier.value, defaults[tier.value]))


@dataclass(frozen=True)
class Lease:
    hours: int
    timezone: str
    expires_at: datetime


def lease(db: Session, owner_id: int, partnership: Partnership | None, now: datetime) -> Lease:
    """The claim's deadline: the tier's SLA in business hours of the partner's timezone.

    A claimant without a partnership (reached through an explicit share) gets the registered
    tier's SLA, counted in UTC.
    """
    settings = settings_or_defaults(db, owner_id)
    tier = partnership.tier if partnership else Tier.registered
    timezone = partnership.timezone if partnership else "UTC"
    hours = tier_value(settings.sla_hours, tier, DEFAULT_SLA_HOURS)
    return Lease(hours, timezone, add_business_hours(now, hours, timezone))


#: Business time left under which a deadline shows as near, then as urgent.
SOON, URGENT = timedelta(hours=8), timedelta(hours=2)


@dataclass(frozen=True)
class Deadline:
    """When a claim or a hop must be accepted, as the partner whose lease it is counts it:
    on its own wall clock, in business time."""

    at: datetime
    timezone: str
    #: Business time from now to the deadline.
    left: timedelta
    #: Whether the lease's clock runs now (it stops outside business hours).
    running: bool

    @property
    def local(self) -> datetime:
        return self.at.astimezone(zone(self.timezone))

    @property
    def urgency(self) -> str:
        """``overdue``, ``urgent``, ``soon`` or ``ok``: the CSS class's suffix."""
        if self.left <= timedelta():
            return "overdue"
        if self.left <= URGENT:
            return "urgent"
        return "soon" if self.left <= SOON else "ok"

    def describe_left(self) -> str:
        """ "31 business hours left", "45 business minutes left", "time is up"."""
        if self.left <= timedelta():
            return "time is up"
        hours, minutes = divmod(int(self.left.total_seconds()) // 60, 60)
        if hours:
            return f"{hours} business hour{'s' if hours != 1 else ''} left"
        return f"{max(minutes, 1)} business minute{'s' if minutes != 1 else ''} left"


def _deadline(at: datetime, timezone: str, now: datetime) -> Deadline:
    left = business_time_between(now, at, timezone)
    return Deadline(at, timezone, left, in_business_hours(now, timezone))


def accept_by(
    db: Session, leads: list[Lead], hops: dict[int, LeadHandoff], now: datetime
) -> dict[int, Deadline]:
    """Each lead's next "accept by", by lead id: a pending hop's (in ``hops``), else an open
    claim's lease; each in the timezone its lease is counted in (the partnership's, UTC
    without one, as :func:`lease` counts)."""
    due: dict[int, tuple[datetime, tuple[int, int]]] = {}
    for lead in leads:
        hop = hops.get(lead.id)
        if hop is not None and hop.outcome == HandoffOutcome.pending:
            due[lead.id] = (hop.expires_at, (hop.from_org_id, hop.to_org_id))
        elif lead.claim_expires_at is not None and lead.claimed_by_org_id is not None:
            due[lead.id] = (lead.claim_expires_at, (lead.owner_org_id, lead.claimed_by_org_id))
    pairs = {pair for _, pair in due.values()}
    zones = {}
    if pairs:
        parties = tuple_(Partnership.parent_id, Partnership.child_id)
        rows = db.execute(
            select(Partnership.parent_id, Partnership.child_id, Partnership.timezone).where(
                parties.in_(pairs)
            )
        )
        zones = {(parent, child): timezone for parent, child, timezone in rows}
    return {
        lead_id: _deadline(at, zones.get(pair) or "UTC", now) for lead_id, (at, pair) in due.items()
    }


def _held() -> ColumnElement[int]:
    """Counts open claims among the leads a query selects by claimant and owner.

    The status test is an aggregate ``FILTER``, not a ``WHERE`` term, on purpose: given
    ``status = 'claimed'`` in the WHERE clause, PostgreSQL walks an index that starts with
    status (``ix_lead_status_claim_expires_at``) whenever its statistics say claimed leads are
    rare, i.e. every claimed lead of every partner (and every dead entry) at every claim: 20 to
    500 ms at 1M leads. Without it the only usable index is ``ix_lead_claimant_owner_status``,
    and the count reads this partner's leads of this owner there, index only.
    """
    return func.count().filter(Lead.status == LeadStatus.claimed)


def open_claims(db: Session, owner_id: int, org_ids: list[int]) -> dict[int, int]:
    """Claimed, not yet accepted leads of the owner that each organization holds."""
    if not org_ids:
        return {}
    rows = db.execute(
        select(Lead.claimed_by_org_id, _held())
        .where(Lead.owner_org_id == owner_id, Lead.claimed_by_org_id.in_(org_ids))
        .group_by(Lead.claimed_by_org_id)
    ).all()
    counts = dict.fromkeys(org_ids, 0)
    counts.update({org_id: count for org_id, count in rows})
    return counts


#: How many open claims ``:cap_org_id`` holds on the leads of ``:cap_owner_id``.
_HELD = select(_held()).where(
    Lead.owner_org_id == bindparam("cap_owner_id"),
    Lead.claimed_by_org_id == bindparam("cap_org_id"),
)
#: A claim UPDATE's condition for the cap, bound by :meth:`ClaimTerms.cap_params`. It counts
#: with the UPDATE's snapshot, taken after :func:`claim_terms` took the partner's turn, so it
#: sees every claim this partner committed before.
UNDER_CAP = _HELD.scalar_subquery() < bindparam("cap")


@dataclass(frozen=True)
class ClaimTerms:
    """A claimant's standing with a lead's owner, read on the claimant's turn."""

    owner_id: int
    org_id: int
    lease: Lease
    #: Open claims the claimant may hold; ``None``: the owner set no cap.
    cap: int | None

    def cap_params(self) -> dict[str, int]:
        """The parameters of :data:`UNDER_CAP`; none when the owner set no cap."""
        if self.cap is None:
            return {}
        return {"cap_owner_id": self.owner_id, "cap_org_id": self.org_id, "cap": self.cap}

    def refuse_over_cap(self, db: Session) -> None:
        """After a claim updated nothing: the cap's message, if the cap was the reason."""
        if self.cap is None:
            return
        held = db.scalar(_HELD, self.cap_params())
        if held >= self.cap:
            raise ServiceError(
                f"Your organization already holds {held} open claims on this vendor's leads, "
                f"the most your tier allows ({self.cap}). Accept or decline one of them first."
            )


def _partnership(column: InstrumentedAttribute, owner: ColumnElement[int]) -> ScalarSelect:
    return (
        select(column)
        .where(Partnership.parent_id == owner, Partnership.child_id == bindparam("org_id"))
        .scalar_subquery()
    )


def _saved(column: InstrumentedAttribute[dict], owner: ColumnElement[int]) -> ScalarSelect[dict]:
    return select(column).where(LeadRoutingSettings.owner_org_id == owner).scalar_subquery()


#: For the lead ``:lead_id``: its owner, the claimant's (``:org_id``) tier and timezone with
#: that owner (none: reached by an explicit share only) and the owner's SLA and cap tables. No
#: row: there is no such lead. Built once, as every claim runs it.
_CLAIM_TERMS = select(
    Lead.owner_org_id,
    _partnership(Partnership.tier, Lead.owner_org_id),
    _partnership(Partnership.timezone, Lead.owner_org_id),
    _saved(LeadRoutingSettings.sla_hours, Lead.owner_org_id),
    _saved(LeadRoutingSettings.max_open_claims, Lead.owner_org_id),
).where(Lead.id == bindparam("lead_id"))


#: The same, taking the claimant's turn on the owner's leads (PostgreSQL).
_CLAIM_TERMS_LOCKED = _CLAIM_TERMS.add_columns(
    func.pg_advisory_xact_lock(
        Lead.owner_org_id.cast(BigInteger)
        .op("<<")(literal_column("32"))
        .op("|")(bindparam("org_id"))
    )
)


#: Turns for several organizations at once, in the order given.
_LOCK_CLAIMS = select(func.pg_advisory_xact_lock(column("key"))).select_from(
    func.unnest(bindparam("keys", type_=ARRAY(BigInteger))).table_valued("key").render_derived()
)


def _claims_lock(owner_id: int, org_id: int) -> int:
    """The advisory lock key of one organization's claims on one owner's leads (the one-key
    form: PostgreSQL keeps it apart from two-key locks such as the lead import's). The same
    key as :data:`_CLAIM_TERMS_LOCKED` computes."""
    return owner_id << 32 | org_id


def lock_claims(db: Session, owner_id: int, org_ids: list[int]) -> None:
    """Until commit, take turns with every other claim or assignment that could add to these
    organizations' open claims on this owner's leads, so caps hold. In increasing order, so
    two callers never wait for each other crosswise. SQLite has one writer at a time anyway."""
    if org_ids and db.get_bind().dialect.name == "postgresql":
        keys = [_claims_lock(owner_id, org_id) for org_id in sorted(set(org_ids))]
        db.execute(_LOCK_CLAIMS, {"keys": keys})


def claim_terms(db: Session, lead_id: int, org_id: int, now: datetime) -> ClaimTerms | None:
    """Take the claimant's turn on the lead owner's leads (:func:`lock_claims`) and read the
    claim's lease and cap, in one round trip on PostgreSQL; ``None`` if there is no such lead.

    Nothing here says whether the claimant may see the lead: the claim's UPDATE checks that.
    A claimant without a partnership (reached through an explicit share) gets the registered
    tier's terms, counted in UTC, as :func:`lease` gives.
    """
    params = {"lead_id": lead_id, "org_id": org_id}
    postgresql = db.get_bind().dialect.name == "postgresql"
    row = db.execute(_CLAIM_TERMS_LOCKED if postgresql else _CLAIM_TERMS, params).first()
    if row is None:
        return None
    owner_id, tier, timezone, sla, caps = row[:5]
    tier, timezone = tier or Tier.registered, timezone or "UTC"
    hours = tier_value(sla or {}, tier, DEFAULT_SLA_HOURS)
    lease = Lease(hours, timezone, add_business_hours(now, hours, timezone))
    cap = None if caps is None else tier_value(caps, tier, DEFAULT_MAX_OPEN_CLAIMS)
    return ClaimTerms(owner_id, org_id, lease, cap)


@dataclass(frozen=True)
class PartnerRouting:
    weight: int
    industries: tuple[str, ...] = ()
    product_lines: tuple[str, ...] = ()


def save_settings(
    ctx: ServiceContext,
    *,
    sla_hours: dict[str, int],
    max_open_claims: dict[str, int],
    min_tier: Tier,
    partners: dict[int, PartnerRouting],
) -> LeadRoutingSettings:
    """The owner's SLA and cap tables, minimum tier, and each partner's weight and tags."""
    actor = ctx.actor
    assert actor is not None
    require_role(actor, Role.manager)
    owner_id = actor.organization_id
    for table in (sla_hours, max_open_claims):
        if any(value < 0 for value in table.values()):
            raise ServiceError("Hours and caps cannot be negative.")
    settings = ensure_settings(ctx.db, owner_id, ctx.now())
    before = {"sla_hours": settings.sla_hours, "max_open_claims": settings.max_open_claims}
    settings.sla_hours = {tier.value: int(sla_hours[tier.value]) for tier in Tier}
    settings.max_open_claims = {tier.value: int(max_open_claims[tier.value]) for tier in Tier}
    settings.min_tier, settings.updated_at = min_tier, ctx.now()
    for partnership_id, routing in partners.items():
        partnership = ctx.db.get(Partnership, partnership_id)
        if partnership is None or partnership.parent_id != owner_id:
            raise ServiceError("Choose one of your partners.")
        if routing.weight < 0:
            raise ServiceError("A weight cannot be negative.")
        row = ctx.db.get(LeadRoutingPartner, partnership_id) or LeadRoutingPartner(
            partnership_id=partnership_id
        )
        row.weight = routing.weight
        row.industries, row.product_lines = list(routing.industries), list(routing.product_lines)
        ctx.db.add(row)
    ctx.db.flush()
    audit.record(
        ctx,
        "lead_settings.updated",
        settings,
        before=before,
        after={
            "sla_hours": settings.sla_hours,
            "max_open_claims": settings.max_open_claims,
            "min_tier": min_tier.value,
            "weights": {str(k): v.weight for k, v in partners.items()},
        },
        summary="Lead routing settings updated",
    )
    return settings
