"""Claiming a lead from the pool: one winner, and the lead leaves everyone else's pool."""

import pytest
from sqlalchemy import select

from partners.context import NotFound, ServiceError
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, get_lead, lead_inbox
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads.models import LeadStatus
from portal.leads.service import ALREADY_CLAIMED, claim_lead

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
