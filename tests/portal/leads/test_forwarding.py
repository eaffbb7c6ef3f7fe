"""Two-tier distribution: a distributor forwards a lead to one of its resellers, with its own
SLA on that hop; a decline or lapse returns the lead to the distributor, never to the pool."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from partners.context import NotFound, ServiceError
from partners.models import AuditEntry
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel, access_level
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.deals.service import convert_lead, details_from_lead
from portal.leads import forwarding
from portal.leads.models import ActivityKind, HandoffOutcome, LeadStatus
from portal.leads.queries import LeadFilters, my_leads, timeline, waiting_for_us
from portal.leads.service import accept_lead, claim_lead, expire_claims, log_activity
from portal.leads.sharing import get_lead, lead_inbox

from factories import context as base_context
from factories import (
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
    lead_settings,
)

#: Friday 16:30 in Berlin.
FRIDAY = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def chain(db, clock):
    """Vendor → distributor (gold) → two resellers (silver, Berlin); the distributor gives its
    silver resellers 8 business hours per hop."""
    clock.set(FRIDAY)
    vendor = create_org(db, OrgKind.vendor, "Vendor")
    distributor = create_org(db, OrgKind.distributor, "Distri")
    reseller, other = create_org(db, name="Reseller One"), create_org(db, name="Reseller Two")
    create_partnership(db, vendor, distributor, tier=Tier.gold)
    for org in (reseller, other):
        create_partnership(db, distributor, org, tier=Tier.silver)
    lead_settings(db, distributor, sla_hours={Tier.silver.value: 8})
    owner = create_user(db, vendor, Role.manager)
    create_rule(db, owner, Grantee(GranteeKind.organization, distributor.id))
    people = {
        "owner": owner,
        "distributor": create_user(db, distributor),
        "reseller": create_user(db, reseller),
        "other": create_user(db, other),
    }
    lead = create_lead(db, owner, company="Globex")

    def ctx(name):
        context = base_context(db, people[name])
        context.clock = clock
        return context

    claim_lead(ctx("distributor"), lead.id)
    accept_lead(ctx("distributor"), lead.id, ActivityKind.call, "Qualified by phone")
    return {"lead": lead, "ctx": ctx, "people": people, "reseller": reseller, "other": other}


def test_forwarded_lead_reaches_the_reseller_and_the_vendor_sees_the_chain(db, chain):
    lead, ctx, people = chain["lead"], chain["ctx"], chain["people"]
    with pytest.raises(NotFound):
        get_lead(db, people["reseller"], lead.id)
    hop = forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id, "Your area")
    assert hop.expires_at == datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # Monday 16:30 Berlin
    assert access_level(db, people["reseller"], lead) == AccessLevel.edit
    assert access_level(db, people["distributor"], lead) == AccessLevel.edit
    assert access_level(db, people["owner"], lead) == AccessLevel.manage
    with pytest.raises(NotFound):
        get_lead(db, people["other"], lead.id)
    # The reseller must accept before it works the lead.
    with pytest.raises(NotFound):
        log_activity(ctx("reseller"), lead.id, ActivityKind.note, "early")
    forwarding.accept_forward(ctx("reseller"), lead.id, ActivityKind.meeting, "Met the buyer")
    log_activity(ctx("reseller"), lead.id, ActivityKind.note, "Sent a quote")
    steps = forwarding.chain_of_custody(db, lead)
    assert [(s.organization.name, s.what) for s in steps] == [
        ("Distri", "pool claim"),
        ("Distri", "accepted"),
        ("Reseller One", "forwarded"),
        ("Reseller One", "accepted"),
    ]
    assert "Your area" in steps[2].detail and "8 business hours" in steps[2].detail
    # The distributor follows its reseller's work; the vendor sees everything.
    bodies = {a.body for a in timeline(db, people["distributor"], lead)}
    assert {"Met the buyer", "Sent a quote", "Qualified by phone"} <= bodies
    assert "Qualified by phone" not in {a.body for a in timeline(db, people["reseller"], lead)}


def test_a_declined_hop_returns_the_lead_to_the_distributor_not_the_pool(db, chain):
    lead, ctx, people = chain["lead"], chain["ctx"], chain["people"]
    forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id)
    with pytest.raises(ServiceError, match="Say why"):
        forwarding.decline_forward(ctx("reseller"), lead.id, " ")
    forwarding.decline_forward(ctx("reseller"), lead.id, "Not our vertical")
    assert lead.status == LeadStatus.accepted and lead.claimed_by_org_id is not None
    assert lead.forwarded_to_org_id is None
    assert lead.id not in {row.id for row in db.scalars(lead_inbox(people["other"]))}
    with pytest.raises(NotFound):
        get_lead(db, people["reseller"], lead.id)
    with pytest.raises(ServiceError, match="already gave this lead back"):
        forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id)
    forwarding.forward_lead(ctx("distributor"), lead.id, chain["other"].id)
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "lead.forward_declined"))
    assert entry.after == {"outcome": "declined", "reason": "Not our vertical"}


def test_a_hop_not_accepted_within_its_sla_lapses_back_to_the_distributor(db, chain, clock):
    lead, ctx = chain["lead"], chain["ctx"]
    hop = forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id)
    clock.set(hop.expires_at - MINUTE)  # the weekend does not count
    assert expire_claims(ctx("owner")) == 0
    clock.set(hop.expires_at + MINUTE)
    assert expire_claims(ctx("owner")) == 1
    assert hop.outcome == HandoffOutcome.expired and lead.forwarded_to_org_id is None
    assert lead.status == LeadStatus.accepted
    with pytest.raises(NotFound):
        forwarding.accept_forward(ctx("reseller"), lead.id, ActivityKind.call, "too late")


def test_recall_and_the_rules_of_forwarding(db, chain):
    lead, ctx = chain["lead"], chain["ctx"]
    with pytest.raises(NotFound):  # only the claimant forwards
        forwarding.forward_lead(ctx("other"), lead.id, chain["reseller"].id)
    with pytest.raises(ServiceError, match="active resellers"):
        forwarding.forward_lead(ctx("distributor"), lead.id, lead.owner_org_id)
    forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id)
    with pytest.raises(ServiceError, match="already with a reseller"):
        forwarding.forward_lead(ctx("distributor"), lead.id, chain["other"].id)
    forwarding.recall_lead(ctx("distributor"), lead.id, "Customer asked for us")
    forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id)  # may come back


def test_a_partner_that_is_not_a_distributor_cannot_forward(db, clock):
    clock.set(FRIDAY)
    vendor = create_org(db, OrgKind.vendor)
    partner, downstream = create_org(db), create_org(db)
    create_partnership(db, vendor, partner)
    owner, user = create_user(db, vendor, Role.manager), create_user(db, partner)
    create_rule(db, owner, Grantee(GranteeKind.all_partners))
    lead = create_lead(db, owner)
    claim_lead(base_context(db, user), lead.id)
    accept_lead(base_context(db, user), lead.id, ActivityKind.call, "hello")
    with pytest.raises(ServiceError, match="Only a distributor"):
        forwarding.forward_lead(base_context(db, user), lead.id, downstream.id)


def test_the_reseller_converts_the_deal_and_its_distributor_follows_it(db, chain):
    lead, ctx, people = chain["lead"], chain["ctx"], chain["people"]
    forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id)
    forwarding.accept_forward(ctx("reseller"), lead.id, ActivityKind.call, "Interested")
    deal = convert_lead(ctx("reseller"), lead.id, details_from_lead(lead))
    assert deal.partner_org_id == chain["reseller"].id
    assert access_level(db, people["reseller"], deal) == AccessLevel.edit
    assert access_level(db, people["distributor"], deal) == AccessLevel.view
    assert access_level(db, people["other"], deal) is None


def test_forwarding_through_the_pages(db, chain, client, other_client):
    lead, people = chain["lead"], chain["people"]
    page = f"/leads/{lead.id}"
    client.login(people["distributor"].email)
    assert "Forward lead" in client.get(page).get_data(as_text=True)
    refused = client.post(f"{page}/forward", {"reseller": "999999"})
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)
    forwarded = client.post(
        f"{page}/forward", {"reseller": chain["reseller"].id, "note": "<b>Hot</b>"}
    )
    assert forwarded.status_code == 302
    assert "is with your reseller now" in client.get(page).get_data(as_text=True)

    other_client.login(people["reseller"].email)
    html = other_client.get(page).get_data(as_text=True)
    assert "Forwarded to you" in html and "&lt;b&gt;Hot&lt;/b&gt;" in html
    empty = other_client.post(f"{page}/handoff/accept", {"hop-kind": "call", "hop-body": ""})
    assert empty.status_code == 422
    accepted = other_client.post(
        f"{page}/handoff/accept", {"hop-kind": "call", "hop-body": "Called the buyer"}
    )
    assert accepted.status_code == 302
    assert (
        other_client.post(f"{page}/activity", {"kind": "note", "body": "Demo"}).status_code == 302
    )

    custody = client.get(page).get_data(as_text=True)
    assert "Chain of custody" in custody and "Reseller One" in custody and "Demo" in custody
    recalled = client.post(f"{page}/recall", {"reason": "Escalated"})
    assert recalled.status_code == 302
    assert other_client.get(page).status_code == 404


def test_a_reseller_declines_through_the_page_and_lands_on_its_list(db, chain, client):
    lead, ctx, people = chain["lead"], chain["ctx"], chain["people"]
    forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id)
    client.login(people["reseller"].email)
    declined = client.post(f"/leads/{lead.id}/handoff/decline", {"hop-reason": "Too far"})
    assert declined.status_code == 302 and declined.location.endswith("/leads/mine")
    assert client.get(f"/leads/{lead.id}").status_code == 404
    stale = client.post(f"/leads/{lead.id}/handoff/decline", {"hop-reason": "x"}, csrf=False)
    assert stale.status_code == 400


def test_a_forwarded_lead_waits_in_the_resellers_inbox_and_my_leads(db, chain, client):
    lead, ctx, people = chain["lead"], chain["ctx"], chain["people"]
    reseller = people["reseller"]
    forwarding.forward_lead(ctx("distributor"), lead.id, chain["reseller"].id, "Your area")
    assert list(db.scalars(waiting_for_us(reseller))) == [lead]
    assert list(db.scalars(my_leads(reseller, LeadFilters()))) == [lead]
    assert list(db.scalars(waiting_for_us(people["other"]))) == []
    assert list(db.scalars(waiting_for_us(people["distributor"]))) == []

    client.login(reseller.email)
    inbox = client.get("/leads/").get_data(as_text=True)
    assert "Waiting for you" in inbox and "Globex" in inbox and "waiting for you" in inbox
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Forwarded to you" in page and "Nothing to do here right now." not in page
    assert ">waiting for you<" in page and ">accepted<" not in page

    forwarding.accept_forward(ctx("reseller"), lead.id, ActivityKind.call, "Called")
    assert list(db.scalars(waiting_for_us(reseller))) == []
    assert list(db.scalars(my_leads(reseller, LeadFilters()))) == [lead]  # its work now
    assert "Waiting for you" not in client.get("/leads/").get_data(as_text=True)
