"""The channel dashboard and scorecards against hand-counted fixtures: funnel, returns, deals;
a partner never sees another partner's figures; each CSV file equals its table."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html import unescape

import pytest

from partners.models import Partnership
from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.analytics import service
from portal.analytics.figures import Filters
from portal.deals import service as deal_service
from portal.deals.models import DealStage
from portal.deals.service import DealDetails
from portal.leads import service as lead_service
from portal.leads.models import ActivityKind

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user


@pytest.fixture
def channel(db):
    """Six leads of a vendor, all shared with its two gold partners (one lead never published).
    Alpha claims three, accepts two, converts one into a deal it wins (1,000) and one it loses
    (300); Beta claims one and declines it. Beta also registers a deal that waits (50)."""
    vendor = create_org(db, OrgKind.vendor, "Vendor Corp")
    alpha = create_org(db, OrgKind.partner, "Alpha Resellers")
    beta = create_org(db, OrgKind.partner, "Beta Solutions")
    links = {org.id: create_partnership(db, vendor, org, tier=Tier.gold) for org in (alpha, beta)}
    manager = create_user(db, vendor, Role.manager, "channel@vendor.example")
    alice = create_user(db, alpha, Role.member, "alice@alpha.example")
    bob = create_user(db, beta, Role.member, "bob@beta.example")
    create_rule(db, manager, Grantee(GranteeKind.all_partners), regions=("EMEA",))
    leads = [create_lead(db, manager, region="EMEA") for _ in range(5)]
    create_lead(db, manager, publish=False, region="EMEA")
    as_alice, as_bob = context(db, alice), context(db, bob)
    for lead in leads[:3]:
        lead_service.claim_lead(as_alice, lead.id)
    for lead in leads[:2]:
        lead_service.accept_lead(as_alice, lead.id, ActivityKind.call, "Called")
    for lead, amount, stage in ((leads[0], 1000, DealStage.won), (leads[1], 300, DealStage.lost)):
        deal = deal_service.convert_lead(
            as_alice,
            lead.id,
            DealDetails(customer=lead.company, region="EMEA", amount=Decimal(amount)),
        )
        deal_service.change_stage(as_alice, deal.id, stage)
    lead_service.claim_lead(as_bob, leads[3].id)
    lead_service.decline_lead(as_bob, leads[3].id, "Not our market")
    deal_service.register_deal(
        as_bob, vendor.id, DealDetails(customer="Waiting Co", region="EMEA", amount=Decimal(50))
    )
    db.flush()
    return {
        "manager": manager,
        "alice": alice,
        "bob": bob,
        "alpha": alpha,
        "beta": beta,
        "links": links,
    }


def rows(table: service.Table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def test_the_vendor_dashboard_counts_its_channel_by_hand(db, channel):
    figures = service.vendor_dashboard(db, channel["manager"], Filters())
    assert rows(figures.table("funnel")) == {
        "Published": (5, None),
        "Claimed": (3, 60.0),
        "Accepted": (2, 66.7),
        "Converted": (2, 100.0),
        "Won": (1, 50.0),
    }
    headline = rows(figures.table("headline"))
    assert headline["Claims returned: declined"] == (1,)
    assert headline["Claims returned: SLA lapsed"] == (0,)
    assert headline["Registrations waiting"] == (1,)
    stages = rows(figures.table("pipeline_stage"))
    assert stages["Won"] == (1, Decimal(1000)) and stages["Lost"] == (1, Decimal(300))
    assert rows(figures.table("pipeline_partner")) == {"Beta Solutions": (1, Decimal(50))}
    assert figures.table("win_rate").rows == (("Gold", "EMEA", 1, 2, 50.0, Decimal(1000)),)


def test_filters_narrow_every_figure(db, channel):
    def figures(**filters) -> service.Dashboard:
        return service.vendor_dashboard(db, channel["manager"], Filters(**filters))

    beta = figures(partner_id=channel["beta"].id)
    assert rows(beta.table("funnel"))["Claimed"] == (0, None)
    assert rows(beta.table("headline"))["Claims returned: declined"] == (1,)
    assert rows(beta.table("pipeline_partner")) == {"Beta Solutions": (1, Decimal(50))}
    assert rows(figures(region="NA").table("funnel"))["Published"] == (0, None)
    silver = figures(tier=Tier.silver)
    assert rows(silver.table("headline"))["Claims returned: declined"] == (0,)
    assert silver.table("win_rate").rows == ()
    assert rows(figures(tier=Tier.gold).table("funnel"))["Won"] == (1, 50.0)


def test_a_scorecard_compares_the_partner_with_its_tier(db, channel):
    alpha = channel["links"][channel["alpha"].id]
    card = rows(service.scorecard(db, channel["manager"], alpha).table("scorecard"))
    assert card["Leads received"][0] == 5
    assert card["Leads claimed"][0] == 3
    assert card["Leads accepted"][0] == 2
    assert card["Acceptance rate (%)"][0] == 66.7
    assert card["Win rate (%)"][0] == 50.0
    assert card["Revenue"][0] == Decimal(1000)
    # Medians of Alpha (3 claimed) and Beta (0 claimed, 1 declined), the two gold partners.
    assert card["Leads claimed"][1] == 1.5
    assert card["Declined claims"] == (0, 0.5)


def test_a_partner_sees_only_its_own_scorecard_and_no_tier_medians_of_two(db, client, channel):
    alpha_link = channel["links"][channel["alpha"].id]
    beta_link = channel["links"][channel["beta"].id]
    card = rows(service.scorecard(db, channel["bob"], beta_link).table("scorecard"))
    assert card["Leads claimed"] == (0, None)
    assert card["Declined claims"] == (1, None)
    # Beta sees the one lead left in the pool: not the three Alpha holds, nor the one it
    # declined (which it never sees again).
    assert card["Leads received"][0] == 1
    client.login("bob@beta.example")
    assert client.get(f"/analytics/scorecard/{alpha_link.id}").status_code == 404
    assert client.get(f"/analytics/scorecard/{alpha_link.id}/scorecard.csv").status_code == 404
    assert client.get("/analytics/dashboard").status_code == 404
    page = client.get(f"/analytics/scorecard/{beta_link.id}").get_data(as_text=True)
    assert "Alpha" not in page and "2 active" not in page  # nor how many share its tier
    assert (
        client.get("/analytics/scorecard")
        .headers["Location"]
        .endswith(f"/analytics/scorecard/{beta_link.id}")
    )


def html_table(page: str, key: str) -> list[list[str]]:
    body = re.search(rf'<table class="figures" id="table-{key}">(.*?)</table>', page, re.S)
    assert body is not None
    cells = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    table = []
    for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        table.append([unescape(c).strip().replace("—", "") for c in cells.findall(row)])
    return table


def test_each_csv_equals_its_table_on_the_page(db, client, channel):
    client.login("channel@vendor.example")
    response = client.get("/analytics/dashboard?period=90")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 4 and "<title" in page and "<desc" in page
    for table in service.vendor_dashboard(db, channel["manager"], Filters()).tables:
        download = client.get(f"/analytics/dashboard/{table.key}.csv?period=90")
        assert download.mimetype == "text/csv"
        assert list(csv.reader(io.StringIO(download.get_data(as_text=True)))) == html_table(
            page, table.key
        )
    alpha_link = channel["links"][channel["alpha"].id]
    assert f'href="/analytics/scorecard/{alpha_link.id}"' in page
    page = client.get(f"/analytics/scorecard/{alpha_link.id}").get_data(as_text=True)
    download = client.get(f"/analytics/scorecard/{alpha_link.id}/scorecard.csv")
    assert list(csv.reader(io.StringIO(download.get_data(as_text=True)))) == html_table(
        page, "scorecard"
    )
    assert client.get("/analytics/dashboard/nothing.csv").status_code == 404
    assert client.get(f"/analytics/scorecard/{alpha_link.id + 1000}").status_code == 404


def test_another_vendor_cannot_open_a_scorecard(db, client, channel):
    other = create_org(db, OrgKind.vendor)
    create_user(db, other, Role.admin, "admin@other.example")
    db.flush()
    client.login("admin@other.example")
    link: Partnership = channel["links"][channel["alpha"].id]
    assert client.get(f"/analytics/scorecard/{link.id}").status_code == 404
    page = client.get("/analytics/dashboard").get_data(as_text=True)
    assert "Alpha" not in page and "Beta" not in page
