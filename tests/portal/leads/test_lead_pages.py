"""The leads pages: the inbox shows exactly the visible pool, claims, the owner's side, rules."""

import csv
import io
import re

import pytest

from partners.roles import OrgKind, Role, Tier
from partners.sharing import AccessLevel
from partners.sharing import rules as sharing_rules
from partners.sharing.criteria import Criteria
from partners.sharing.models import GranteeKind, SharingRule
from partners.sharing.rules import Grantee, RuleSpec
from portal.leads.models import Lead, LeadStatus
from portal.leads.sharing import lead_inbox

from factories import create_lead, create_org, create_partnership, create_rule, create_user

LEAD_LINK = re.compile(r'href="/leads/(\d+)"')


@pytest.fixture
def pool(db):
    """A vendor sharing EMEA leads with gold partners, and everything with one named partner."""
    vendor = create_org(db, OrgKind.vendor, "Acme")
    owner = create_user(db, vendor, Role.manager)
    gold, silver, stranger = create_org(db), create_org(db), create_org(db)
    create_partnership(db, vendor, gold, tier=Tier.gold)
    create_partnership(db, vendor, silver, tier=Tier.silver)
    create_rule(db, owner, Grantee(GranteeKind.tier, tier=Tier.gold), regions=("EMEA",))
    leads = [
        create_lead(db, owner, company="Alpha Retail", region="EMEA", industry="retail", score=90),
        create_lead(db, owner, company="Beta Health", region="EMEA", industry="health", score=40),
        create_lead(db, owner, company="Gamma 100% Energy", region="EMEA", country="de", score=70),
        create_lead(db, owner, company="Delta Foods", region="NA", industry="retail", score=95),
    ]
    return {
        "owner": owner,
        "gold": create_user(db, gold),
        "silver": create_user(db, silver),
        "stranger": create_user(db, stranger),
        "leads": leads,
    }


def listed(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [int(i) for i in LEAD_LINK.findall(response.get_data(as_text=True))]


def exported(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))]


def test_inbox_filters_search_sort_and_export_show_exactly_the_visible_pool(client, db, pool):
    gold = pool["gold"]
    alpha, beta, gamma, _delta = pool["leads"]
    visible = [lead.id for lead in db.scalars(lead_inbox(gold))]
    assert set(visible) == {alpha.id, beta.id, gamma.id}
    client.login(gold.email)
    assert listed(client, "/leads/") == visible == exported(client, "/leads/export.csv")
    for query, expected in (
        ("industry=retail", [alpha.id]),
        ("q=beta", [beta.id]),
        ("q=100%25", [gamma.id]),  # a literal %, not a wildcard
        ("country=DE", [gamma.id]),
        ("score_min=50&score_max=80", [gamma.id]),
        ("sort=score", [alpha.id, gamma.id, beta.id]),
        ("region=NA", []),
        ("score_min=abc", visible),  # a bad bound is ignored, not an error
    ):
        assert listed(client, f"/leads/?{query}") == expected, query
        assert exported(client, f"/leads/export.csv?{query}") == expected, query


def test_inbox_pages_through_the_pool_without_counting_it(client, db, pool):
    owner, gold = pool["owner"], pool["gold"]
    for n in range(30):
        create_lead(db, owner, company=f"Bulk {n:02}", region="EMEA")
    client.login(gold.email)
    first, second = listed(client, "/leads/"), listed(client, "/leads/?page=2")
    assert len(first) == 25 and len(second) == 8 and not set(first) & set(second)
    assert 'rel="next"' in client.get("/leads/").get_data(as_text=True)


def test_claim_moves_the_lead_to_my_leads_and_out_of_every_other_inbox(
    client, other_client, db, pool
):
    alpha = pool["leads"][0]
    second_gold = create_user(db, pool["gold"].organization)
    rival = create_org(db)
    create_partnership(db, pool["owner"].organization, rival, tier=Tier.platinum)
    rival_user = create_user(db, rival)
    client.login(pool["gold"].email)
    response = client.post(f"/leads/{alpha.id}/claim")
    assert response.status_code == 302
    assert "You claimed Alpha Retail" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert alpha.id not in listed(client, "/leads/")
    assert listed(client, "/leads/mine") == [alpha.id] == exported(client, "/leads/mine/export.csv")

    other_client.login(rival_user.email)
    assert alpha.id not in listed(other_client, "/leads/")
    again = other_client.post(f"/leads/{alpha.id}/claim")
    assert again.status_code == 404
    assert "already been claimed" in again.get_data(as_text=True)
    assert other_client.get(f"/leads/{alpha.id}").status_code == 404
    db.expire_all()
    assert db.get(Lead, alpha.id).claimed_by_org_id == pool["gold"].organization_id
    other_client.logout()
    other_client.login(second_gold.email)
    assert listed(other_client, "/leads/mine") == [alpha.id]


def test_a_stranger_gets_404_on_detail_and_claim(client, db, pool):
    alpha = pool["leads"][0]
    client.login(pool["stranger"].email)
    assert listed(client, "/leads/") == []
    assert client.get(f"/leads/{alpha.id}").status_code == 404
    assert client.post(f"/leads/{alpha.id}/claim").status_code == 404
    assert client.post("/leads/999999/claim").status_code == 404
    db.expire_all()
    assert db.get(Lead, alpha.id).status == LeadStatus.available


def test_a_viewer_sees_the_pool_but_has_no_claim_button(client, db, pool):
    viewer = create_user(db, pool["gold"].organization, Role.viewer)
    client.login(viewer.email)
    page = client.get("/leads/").get_data(as_text=True)
    assert "Alpha Retail" in page and ">Claim<" not in page
    assert client.post(f"/leads/{pool['leads'][0].id}/claim").status_code == 403


def test_owner_creates_publishes_and_sees_why_partners_can_see_it(client, db, pool):
    client.login(pool["owner"].email)
    response = client.post(
        "/leads/new",
        {"company": "Omega Energy", "region": "EMEA", "country": "fr", "score": "80"},
    )
    assert response.status_code == 302
    lead = db.query(Lead).filter_by(company="Omega Energy").one()
    assert lead.status == LeadStatus.new and lead.country == "FR"
    assert lead.id in listed(client, "/leads/manage?status=new")
    assert client.post(f"/leads/{lead.id}/publish").status_code == 302
    db.expire_all()
    assert lead.status == LeadStatus.available
    page = client.get(f"/leads/{lead.id}").get_data(as_text=True)
    assert "Why can they see this?" in page
    why = page.split("Why can they see this?")[1].split("</section>")[0]
    assert pool["gold"].organization.name in why and "rule “" in why
    assert pool["silver"].organization.name not in why
    assert client.post("/leads/new", {"company": ""}).status_code == 422


def test_partner_pages_are_not_the_vendors_and_back(client, db, pool):
    client.login(pool["owner"].email)
    assert client.get("/leads/").status_code == 404
    client.logout()
    client.login(pool["gold"].email)
    assert client.get("/leads/manage").status_code == 404
    assert client.get("/leads/rules").status_code == 404


def _numbers(html: str, name: str) -> int:
    return int(re.search(rf'class="{name}">(\d+)<', html).group(1))


def _rule_form(**overrides) -> dict:
    form = {
        "name": "Retail to silver",
        "industries": "retail",
        "grantee_kind": "tier",
        "grantee_tier": "silver",
        "level": "claim",
        "active": "y",
        "preview": "Preview",
    }
    form.update(overrides)
    return form


def test_rule_preview_and_dry_run_show_the_services_numbers_then_save(client, db, pool):
    owner = pool["owner"]
    client.login(owner.email)
    page = client.post("/leads/rules/new", _rule_form())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Save rule" in html
    spec = RuleSpec(
        "Retail to silver",
        Criteria(industries=("retail",)),
        Grantee(GranteeKind.tier, tier=Tier.silver),
        AccessLevel.claim,
    )
    expected = sharing_rules.preview(db, owner, spec)
    assert _numbers(html, "preview-records") == expected.records == 2
    assert _numbers(html, "preview-organizations") == len(expected.organizations) == 2
    diff = sharing_rules.dry_run(db, owner, None, spec)
    silver = pool["silver"].organization
    assert diff.gained == {silver.id: 2, pool["gold"].organization_id: 1}
    assert re.search(rf"<td>{silver.name}</td><td>2</td><td>0</td>", html)
    assert db.query(SharingRule).filter_by(name="Retail to silver").count() == 0

    saved = client.post("/leads/rules/new", _rule_form(preview="", save="Save rule"))
    assert saved.status_code == 302
    rule = db.query(SharingRule).filter_by(name="Retail to silver").one()
    client.logout()
    client.login(pool["silver"].email)
    assert len(listed(client, "/leads/")) == 2
    client.logout()

    client.login(owner.email)
    change = client.post(f"/leads/rules/{rule.id}", _rule_form(active=""))
    html = change.get_data(as_text=True)
    assert "turns the rule off" in html
    assert re.search(rf"<td>{silver.name}</td><td>0</td><td>2</td>", html)
    assert client.get("/leads/rules").status_code == 200
    assert client.post("/leads/rules/999999", _rule_form()).status_code == 404


def test_rule_for_one_partner_needs_one_of_the_owners_partners(client, db, pool):
    client.login(pool["owner"].email)
    outsider = create_org(db)
    response = client.post(
        "/leads/rules/new", _rule_form(grantee_kind="organization", grantee_org=str(outsider.id))
    )
    assert response.status_code == 422
    assert "Choose one of your partners." in response.get_data(as_text=True)
