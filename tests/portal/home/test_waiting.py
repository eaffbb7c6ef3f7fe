"""The home page's "Waiting for you": a lead a distributor forwarded waits on the reseller's home
page with its deadline, and each count links to the list showing exactly those records."""

import re

from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.cases.models import CaseStatus
from portal.cases.service import CaseDetails, change_status, open_case_for_partner
from portal.deals.service import DealDetails, register_deal
from portal.leads import forwarding
from portal.leads.models import ActivityKind
from portal.leads.service import accept_lead, claim_lead

from factories import (
    context,
    create_lead,
    create_org,
    create_partnership,
    create_rule,
    create_user,
    lead_settings,
)


def _two_tier(db):
    """The demo's shape: vendor → distributor (gold) → two resellers; the distributor forwards
    one accepted lead to the first reseller."""
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    distributor = create_org(db, OrgKind.distributor, "Delta Distribution")
    reseller, other = create_org(db, name="Bluebird"), create_org(db, name="Cobalt")
    create_partnership(db, vendor, distributor, tier=Tier.gold)
    for org in (reseller, other):
        create_partnership(db, distributor, org, tier=Tier.silver)
    lead_settings(db, distributor, sla_hours={Tier.silver.value: 8})
    owner = create_user(db, vendor, Role.manager)
    create_rule(db, owner, Grantee(GranteeKind.organization, distributor.id))
    dist_user = create_user(db, distributor)
    lead = create_lead(db, owner, company="Globex")
    claim_lead(context(db, dist_user), lead.id)
    accept_lead(context(db, dist_user), lead.id, ActivityKind.call, "Qualified by phone")
    forwarding.forward_lead(context(db, dist_user), lead.id, reseller.id, "Your area")
    return {
        "vendor": vendor,
        "owner": owner,
        "lead": lead,
        "reseller": create_user(db, reseller),
        "other": create_user(db, other),
        "distributor": dist_user,
    }


def _waiting_card(client, user) -> str:
    """The "Waiting for you" card of the user's home page."""
    client.logout()
    client.login(user.email)
    html = client.get("/home").get_data(as_text=True)
    return html.split('id="waiting-heading"', 1)[1].split("</section>", 1)[0]


def _link(card: str, label: str) -> str:
    found = re.search(r'href="([^"]+)"><strong class="count">(\d+)</strong> ' + label, card)
    assert found, card
    return found.group(1).replace("&amp;", "&"), int(found.group(2))


def test_a_forwarded_lead_waits_on_the_resellers_home_page(db, client):
    world = _two_tier(db)
    card = _waiting_card(client, world["reseller"])
    url, count = _link(card, "Leads to accept before their deadline")
    assert count == 1 and "business" in card  # the hop's deadline, in business time
    assert url == "/leads/mine?waiting=y&sort=accept_by"
    listed = client.get(url).get_data(as_text=True)
    assert "Globex" in listed and "waiting for you" in listed

    forwarding.accept_forward(
        context(db, world["reseller"]), world["lead"].id, ActivityKind.call, "Called"
    )
    card = _waiting_card(client, world["reseller"])
    assert "Leads to accept" not in card and "Nothing waits for your answer" in card
    assert "Globex" not in client.get(url).get_data(as_text=True)


def test_nothing_waits_for_the_other_reseller_or_the_distributor(db, client):
    world = _two_tier(db)
    for user in (world["other"], world["distributor"]):
        card = _waiting_card(client, user)
        assert "Nothing waits for your answer" in card and "Globex" not in card
        assert "Globex" not in client.get("/leads/mine?waiting=y").get_data(as_text=True)


def test_registrations_to_review_and_cases_waiting_count_what_the_links_show(db, client):
    world = _two_tier(db)
    partner = create_org(db, name="Echo IT")
    create_partnership(db, world["vendor"], partner)
    partner_user = create_user(db, partner)
    register_deal(context(db, partner_user), world["vendor"].id, DealDetails(customer="Initech"))
    agent = create_user(db, world["vendor"])
    vendor_ctx = context(db, world["owner"])
    open_case_for_partner(
        vendor_ctx, partner.id, CaseDetails("VPN drops"), assigned_user_id=agent.id
    )
    asked = open_case_for_partner(vendor_ctx, partner.id, CaseDetails("Need logs"))
    change_status(vendor_ctx, asked.id, CaseStatus.waiting_on_partner)

    card = _waiting_card(client, world["owner"])
    url, count = _link(card, "Deal registrations to review")
    assert (url, count) == ("/deals/registrations", 1)
    assert "Initech" in client.get(url).get_data(as_text=True)
    assert "Cases waiting" not in card  # the manager is assigned none

    url, count = _link(_waiting_card(client, agent), "Cases waiting")
    cases = client.get(url).get_data(as_text=True)
    assert count == 1 and "VPN drops" in cases and "Need logs" not in cases

    url, count = _link(_waiting_card(client, partner_user), "Cases waiting")
    cases = client.get(url).get_data(as_text=True)
    assert count == 1 and "Need logs" in cases and "VPN drops" not in cases
