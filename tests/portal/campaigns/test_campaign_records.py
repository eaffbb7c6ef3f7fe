"""Participants attach the leads and deals they work on to a campaign: the campaign page counts
what each viewer may see, another participant never learns of a partner's deal, and a record
that is not the actor's to attach is refused with nothing stored."""

import pytest
from sqlalchemy import select

from partners.events import Event
from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.campaigns.models import CampaignRecord
from portal.deals.service import DealDetails, register_deal
from portal.leads.service import claim_lead

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
)
from support.campaigns import invite, new_campaign, respond, sign_in


@pytest.fixture
def world(db):
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    bluebird = create_org(db, OrgKind.partner, "Bluebird Solutions")
    cobalt = create_org(db, OrgKind.partner, "Cobalt Systems")
    create_partnership(db, vendor, bluebird, tier=Tier.gold)
    create_partnership(db, vendor, cobalt, tier=Tier.gold)
    bea = create_user(db, bluebird, Role.member)
    carl = create_user(db, cobalt, Role.member)
    return {
        "vendor": vendor,
        "manager": create_user(db, vendor, Role.manager),
        "bea": bea,
        "carl": carl,
        "bea_viewer": create_user(db, bluebird, Role.viewer),
        "bea_deal": register_deal(
            context(db, bea),
            vendor.id,
            DealDetails(customer="Orchid Retail", name="Orchid roll-out"),
        ),
        "carl_deal": register_deal(
            context(db, carl), vendor.id, DealDetails(customer="Pine Logistics", name="Pine WAN")
        ),
    }


@pytest.fixture
def campaign(client, db, world):
    sign_in(client, world["manager"])
    campaign = new_campaign(client, db, name="Retail spring")
    assert client.post(f"/campaigns/{campaign.id}/status", {"status": "active"}).status_code == 302
    invite(client, campaign, world["bea"].organization, world["carl"].organization)
    respond(client, campaign, world["bea"])
    respond(client, campaign, world["carl"])
    return campaign


def attach(client, campaign, value: str):
    return client.post(f"/campaigns/{campaign.id}/records", {"record": value})


def test_a_participant_attaches_its_deal_and_the_owner_sees_it_counted(client, db, world, campaign):
    sign_in(client, world["bea"])
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Orchid roll-out (Orchid Retail)" in page  # offered
    assert "Pine WAN" not in page  # Cobalt's deal is not Bluebird's to attach

    response = attach(client, campaign, f"deal:{world['bea_deal'].id}")
    assert response.status_code == 302
    shown = client.get(response.location).get_data(as_text=True)
    assert "Attached to Retail spring" in shown
    deal_page = client.get(f"/deals/{world['bea_deal'].id}").get_data(as_text=True)
    assert "Joint campaign" in deal_page and f'href="/campaigns/{campaign.id}"' in deal_page

    sign_in(client, world["manager"])
    owner_view = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Orchid roll-out" in owner_view

    # another participant sees neither the deal nor a count that includes it
    sign_in(client, world["carl"])
    other = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Orchid" not in other
    assert other.count('<span class="badge count">0</span>') == 2
    events = db.scalars(select(Event).where(Event.type == "deal.campaign_attached")).all()
    assert [event.record_id for event in events] == [world["bea_deal"].id]


def test_a_claimed_lead_is_attached_and_taken_out_again(client, db, world, campaign):
    create_rule(db, world["manager"], Grantee(GranteeKind.all_partners), AccessLevel.claim)
    lead = create_lead(db, world["manager"], company="Willow Dental")
    claim_lead(context(db, world["bea"]), lead.id)
    sign_in(client, world["bea"])
    assert attach(client, campaign, f"lead:{lead.id}").status_code == 302
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Willow Dental" in page and "Take out" in page

    response = client.post(f"/campaigns/{campaign.id}/records/lead/{lead.id}/detach")
    assert response.status_code == 302
    assert db.scalars(select(CampaignRecord)).all() == []
    assert "Taken out of Retail spring" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(
    "value",
    ["deal:{carl_deal}", "deal:999999", "lead:1", "case:1", "deal:", "nonsense"],
)
def test_what_is_not_yours_to_attach_is_refused_and_nothing_is_stored(
    client, db, world, campaign, value
):
    sign_in(client, world["bea"])
    response = attach(client, campaign, value.format(carl_deal=world["carl_deal"].id))
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.scalars(select(CampaignRecord)).all() == []


def test_only_those_taking_part_attach(client, db, world, campaign):
    sign_in(client, world["bea_viewer"])  # a viewer reads, changes nothing
    assert attach(client, campaign, f"deal:{world['bea_deal'].id}").status_code == 403
    # Cobalt leaves: its deal can no longer be attached, even by a forged post
    respond(client, campaign, world["carl"], "decline")
    assert attach(client, campaign, f"deal:{world['carl_deal'].id}").status_code == 404
    assert db.scalars(select(CampaignRecord)).all() == []


def test_the_attacher_or_the_owner_takes_a_record_out_nobody_else(client, db, world, campaign):
    sign_in(client, world["bea"])
    attach(client, campaign, f"deal:{world['bea_deal'].id}")
    sign_in(client, world["carl"])
    refused = client.post(f"/campaigns/{campaign.id}/records/deal/{world['bea_deal'].id}/detach")
    assert refused.status_code == 404  # Cobalt may not even see the deal
    sign_in(client, world["manager"])
    done = client.post(f"/campaigns/{campaign.id}/records/deal/{world['bea_deal'].id}/detach")
    assert done.status_code == 302
    assert db.scalars(select(CampaignRecord)).all() == []
