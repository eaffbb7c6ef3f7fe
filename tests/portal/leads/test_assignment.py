"""Routing leads to partners: exactly proportional, deterministic, resumable, and only to
partners that can take them; routed leads follow the same lease as claims."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from partners.context import NotFound
from partners.models import AuditEntry
from partners.roles import OrgKind, OrgStatus, Role, Tier
from portal.leads.assignment import assign_lead, assign_leads, smooth_weighted_pick
from portal.leads.models import ActivityKind, Lead, LeadRoutingSettings, LeadStatus
from portal.leads.service import accept_lead, decline_lead, expire_claims
from portal.leads.sharing import get_lead

from factories import context as base_context
from factories import (
    create_lead,
    create_org,
    create_partnership,
    create_user,
    lead_settings,
    route_partner,
)

MONDAY_10_BERLIN = datetime(2026, 11, 23, 9, tzinfo=UTC)
UNCAPPED = {tier.value: 10_000 for tier in Tier}


def context(db, actor=None, *, clock):
    ctx = base_context(db, actor)
    ctx.clock = clock
    return ctx


def test_smooth_weighted_round_robin_interleaves_and_is_exact():
    cursor: dict[str, int] = {}
    peers = [("a", 5), ("b", 1), ("c", 1)]
    picks = [smooth_weighted_pick(cursor, peers) for _ in range(7)]
    assert picks == ["a", "a", "b", "a", "c", "a", "a"]  # nginx's documented sequence
    assert cursor == {"a": 0, "b": 0, "c": 0}  # a whole cycle leaves no debt


@pytest.fixture
def channel(db, clock):
    """A vendor routing to three gold partners at weights 2:1:1, caps lifted."""
    clock.set(MONDAY_10_BERLIN)
    vendor = create_org(db, OrgKind.vendor, "Acme")
    owner = create_user(db, vendor, Role.manager)
    partners = []
    for weight in (2, 1, 1):
        org = create_org(db)
        partnership = create_partnership(db, vendor, org, tier=Tier.gold)
        route_partner(db, partnership, weight)
        partners.append((org, partnership, create_user(db, org)))
    lead_settings(db, vendor, max_open_claims=UNCAPPED)
    return owner, partners


def new_leads(db, owner, count: int, **details) -> list[Lead]:
    return [create_lead(db, owner, publish=False, **details) for _ in range(count)]


def ids(leads: list[Lead]) -> list[int]:
    return [lead.id for lead in leads]


def shares(result, partners) -> list[int]:
    counts = result.per_organization() if hasattr(result, "per_organization") else result
    return [counts[org.id] for org, _p, _u in partners]


def test_300_leads_at_2_1_1_go_exactly_150_75_75_in_one_bulk_call(db, channel, clock):
    owner, partners = channel
    new_leads(db, owner, 300)
    result = assign_leads(context(db, owner, clock=clock))
    assert shares(result, partners) == [150, 75, 75] and result.unassigned == []
    assert db.scalar(
        select(LeadRoutingSettings.cursor).where(
            LeadRoutingSettings.owner_org_id == owner.organization_id
        )
    ) == {str(p.id): 0 for _o, p, _u in partners}
    # Every assigned lead is claimed by its partner, on a lease, and audited.
    lead = db.get(Lead, next(iter(result.assigned)))
    assert lead.status == LeadStatus.claimed and lead.claim_via == "assignment"
    assert lead.claim_expires_at is not None
    assert db.query(AuditEntry).filter_by(action="lead.assigned").count() == 300


def test_one_by_one_gives_the_same_split_and_the_cursor_carries_across_calls(db, channel, clock):
    owner, partners = channel
    leads = new_leads(db, owner, 300)
    counts: Counter = Counter()
    sequence = []
    for lead in leads:
        org_id = assign_lead(context(db, owner, clock=clock), lead.id)
        counts[org_id] += 1
        sequence.append(org_id)
    assert shares(counts, partners) == [150, 75, 75]
    first, second, third = (org.id for org, _p, _u in partners)
    assert sequence[:4] == [first, second, third, first]

    # A call that routes one lead leaves the cursor where the next call continues from.
    more = new_leads(db, owner, 2)
    assert assign_lead(context(db, owner, clock=clock), more[0].id) == first
    assert assign_lead(context(db, owner, clock=clock), more[1].id) == second


def test_suspended_inactive_and_full_partners_get_none(db, channel, clock):
    owner, partners = channel
    _first, (_second, second_p, _), (third, _third_p, _) = partners
    second_p.status = OrgStatus.suspended  # a suspended partnership
    third.status = OrgStatus.suspended  # a suspended organization
    db.flush()
    result = assign_leads(context(db, owner, clock=clock), ids(new_leads(db, owner, 8)))
    assert shares(result, partners) == [8, 0, 0]

    # Full: gold may hold 2 open claims now; the first partner already holds 8.
    lead_settings(db, owner.organization, max_open_claims={"gold": 2})
    second_p.status = OrgStatus.active
    result = assign_leads(context(db, owner, clock=clock), ids(new_leads(db, owner, 4)))
    assert shares(result, partners) == [0, 2, 0]
    assert len(result.unassigned) == 2  # nobody left with room

    # A weight of 0 takes none either.
    lead_settings(db, owner.organization, max_open_claims=UNCAPPED)
    route_partner(db, second_p, 0)
    result = assign_leads(context(db, owner, clock=clock))
    assert shares(result, partners) == [2, 0, 0]


def test_region_tier_and_specialisation_decide_who_can_take_a_lead(db, clock):
    clock.set(MONDAY_10_BERLIN)
    vendor = create_org(db, OrgKind.vendor)
    owner = create_user(db, vendor, Role.manager)
    emea, na, health, silver = (create_org(db) for _ in range(4))
    create_partnership(db, vendor, emea, tier=Tier.gold, region="EMEA")
    create_partnership(db, vendor, na, tier=Tier.gold, region="NA")
    route_partner(
        db, create_partnership(db, vendor, health, tier=Tier.gold, region=""), 1, ("health",)
    )
    create_partnership(db, vendor, silver, tier=Tier.silver, region="EMEA")
    lead_settings(db, vendor, min_tier=Tier.gold)

    def routed(**details) -> int | None:
        lead = create_lead(db, owner, publish=False, **details)
        return assign_lead(context(db, owner, clock=clock), lead.id)

    assert routed(region="NA", industry="retail") == na.id
    assert {routed(region="EMEA", industry="retail") for _ in range(4)} == {emea.id}
    assert {routed(region="APAC", industry="health") for _ in range(2)} == {health.id}
    assert routed(region="APAC", industry="retail") is None  # nobody covers it


def test_an_assigned_lead_follows_the_lease_and_comes_back_to_its_owner(db, channel, clock):
    owner, partners = channel
    (first, _fp, first_user), (second, _sp, _su), _third = partners
    lead, other = new_leads(db, owner, 2)
    assert assign_lead(context(db, owner, clock=clock), lead.id) == first.id
    assert get_lead(db, first_user, lead.id) == lead
    decline_lead(context(db, first_user, clock=clock), lead.id, "Not our segment")
    assert lead.status == LeadStatus.returned and lead.claimed_by_org_id is None
    with pytest.raises(NotFound):
        get_lead(db, first_user, lead.id)
    # Routed again, it skips the partner that declined it.
    assert assign_lead(context(db, owner, clock=clock), lead.id) == second.id

    # Not accepted within gold's 16 business hours: back to the owner, audited.
    assert assign_lead(context(db, owner, clock=clock), other.id) is not None
    clock.set(MONDAY_10_BERLIN + timedelta(days=2, minutes=1))  # Wednesday 10:01 Berlin
    assert expire_claims(context(db, clock=clock)) == 2
    reasons = [
        entry.after["reason"]
        for entry in db.scalars(
            select(AuditEntry).where(AuditEntry.action == "lead.returned").order_by(AuditEntry.id)
        )
    ]
    assert reasons == ["declined", "claim_expired", "claim_expired"]
    assert {lead.status, other.status} == {LeadStatus.returned}


def test_accepting_a_routed_lead_frees_capacity(db, channel, clock):
    owner, partners = channel
    lead_settings(db, owner.organization, max_open_claims={"gold": 1})
    leads = new_leads(db, owner, 4)
    result = assign_leads(context(db, owner, clock=clock))
    assert shares(result, partners) == [1, 1, 1] and result.unassigned == [leads[3].id]
    first, _p, first_user = partners[0]
    accept_lead(context(db, first_user, clock=clock), leads[0].id, ActivityKind.call, "Met them")
    assert assign_lead(context(db, owner, clock=clock), leads[3].id) == first.id
