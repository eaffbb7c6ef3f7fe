"""Claiming a lead from the pool: one winner, and the lead leaves everyone else's pool."""

import pytest
from sqlalchemy import select

from partners.context import NotFound, ServiceError
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from partners.sharing.grants import prune_pool_grants
from partners.sharing.models import GranteeKind, GrantSource
from partners.sharing.rules import Grantee
from portal.leads.models import LeadStatus
from portal.leads.service import (
    ALREADY_CLAIMED,
    LeadDetails,
    claim_lead,
    decline_lead,
    update_lead,
)
from portal.leads.sharing import LeadGrant, get_lead, lead_inbox

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
)


@pytest.fixture
def pool(db):
    """A vendor sharing every lead with all its partners at claim level, and two partners."""
    vendor = create_org(db, OrgKind.vendor)
    owner = create_user(db, vendor, Role.manager)
    first, second = create_org(db), create_org(db)
    for partner in (first, second):
        create_partnership(db, vendor, partner, tier=Tier.silver)
    create_rule(db, owner, Grantee(GranteeKind.all_partners), AccessLevel.claim)
    return owner, create_user(db, first), create_user(db, second)


def inbox_ids(db, user):
    return {lead.id for lead in db.scalars(lead_inbox(user))}


def test_second_claimer_is_told_it_is_taken_and_the_lead_leaves_their_pool(db, pool):
    owner, alice, bob = pool
    lead = create_lead(db, owner)
    assert lead.id in inbox_ids(db, alice) and lead.id in inbox_ids(db, bob)

    claimed = claim_lead(context(db, alice), lead.id)
    assert (claimed.status, claimed.claimed_by_org_id) == (
        LeadStatus.claimed,
        alice.organization_id,
    )
    with pytest.raises(NotFound):
        claim_lead(context(db, bob), lead.id)
    assert lead.id not in inbox_ids(db, bob)
    with pytest.raises(NotFound):
        get_lead(db, bob, lead.id)
    assert get_lead(db, alice, lead.id, AccessLevel.edit) == lead
    assert get_lead(db, owner, lead.id, AccessLevel.manage) == lead
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "lead.claimed"))
    assert entry.actor_org_id == alice.organization_id


def test_a_claim_racing_past_the_access_check_gets_the_clear_message(db, pool, monkeypatch):
    owner, alice, bob = pool
    lead = create_lead(db, owner)
    claim_lead(context(db, alice), lead.id)
    # Bob loaded the lead before Alice's claim committed: only the conditional UPDATE decides.
    monkeypatch.setattr("portal.leads.service.get_lead", lambda *_args: lead)
    with pytest.raises(ServiceError, match=ALREADY_CLAIMED):
        claim_lead(context(db, bob), lead.id)


def test_view_level_sees_the_pool_but_cannot_claim(db):
    vendor = create_org(db, OrgKind.vendor)
    owner = create_user(db, vendor, Role.manager)
    partner = create_org(db)
    create_partnership(db, vendor, partner)
    create_rule(db, owner, Grantee(GranteeKind.organization, partner.id), AccessLevel.view)
    viewer = create_user(db, partner)
    lead = create_lead(db, owner)
    assert inbox_ids(db, viewer) == {lead.id}
    with pytest.raises(NotFound):
        claim_lead(context(db, viewer), lead.id)


def test_owner_cannot_claim_its_own_lead(db, pool):
    owner, _alice, _bob = pool
    lead = create_lead(db, owner)
    with pytest.raises(ServiceError, match="owns this lead"):
        claim_lead(context(db, owner), lead.id)


def grant_rows(db, lead, source=None):
    query = select(LeadGrant).where(LeadGrant.lead_id == lead.id)
    if source is not None:
        query = query.where(LeadGrant.source_kind == source)
    return list(db.scalars(query))


def test_a_claim_leaves_the_rule_rows_inert_until_the_worker_tidies_them(db, pool):
    owner, alice, bob = pool
    lead = create_lead(db, owner)
    claim_lead(context(db, alice), lead.id)
    # The claim wrote no row per rule: the rule's rows stay, and reach no one.
    assert grant_rows(db, lead, GrantSource.rule)
    with pytest.raises(NotFound):
        get_lead(db, bob, lead.id)
    assert lead.id not in inbox_ids(db, bob)

    assert prune_pool_grants(context(db, owner)) > 0
    assert not grant_rows(db, lead, GrantSource.rule)
    assert not any(row.in_pool for row in grant_rows(db, lead))
    with pytest.raises(NotFound):
        get_lead(db, bob, lead.id)
    assert get_lead(db, alice, lead.id, AccessLevel.edit) == lead
    assert prune_pool_grants(context(db, owner)) == 0


def test_a_lead_back_in_the_pool_is_offered_by_the_rules_that_match_it_now(db):
    """Rule rows a claim left behind must not outlive a change that unmatches the lead."""
    vendor = create_org(db, OrgKind.vendor)
    owner = create_user(db, vendor, Role.manager)
    emea, other_emea, apac = create_org(db), create_org(db), create_org(db)
    for partner, region in ((emea, "EMEA"), (other_emea, "EMEA"), (apac, "APAC")):
        create_partnership(db, vendor, partner)
        create_rule(db, owner, Grantee(GranteeKind.organization, partner.id), regions=(region,))
    alice, carol, dave = (create_user(db, org) for org in (emea, other_emea, apac))
    lead = create_lead(db, owner, region="EMEA")
    assert lead.id in inbox_ids(db, carol)
    claim_lead(context(db, alice), lead.id)
    update_lead(context(db, owner), lead.id, LeadDetails(company=lead.company, region="APAC"))
    decline_lead(context(db, alice), lead.id, "Not our region any more")

    assert lead.status == LeadStatus.available
    assert inbox_ids(db, dave) == {lead.id}
    assert inbox_ids(db, carol) == set()
    with pytest.raises(NotFound):
        get_lead(db, carol, lead.id)
