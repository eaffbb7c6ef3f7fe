"""In Chromium: a partner claims a lead from the pool; another partner's inbox loses it."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee

from factories import create_lead, create_org, create_partnership, create_rule, create_user


def _seed(live_app) -> dict[str, str]:
    with live_app.extensions["concord.db"].factory() as session:
        vendor = create_org(session, OrgKind.vendor, "Acme Networks")
        owner = create_user(session, vendor, Role.manager)
        people = {}
        for name in ("Bluebird Solutions", "Cobalt Systems"):
            partner = create_org(session, OrgKind.partner, name)
            create_partnership(session, vendor, partner, tier=Tier.gold)
            people[name] = create_user(session, partner, Role.member).email
        create_rule(session, owner, Grantee(GranteeKind.all_partners))
        for company, region, industry, score in (
            ("Northwind Retail", "EMEA", "retail", 88),
            ("Globex Health", "NA", "health", 64),
            ("Initech Energy", "EMEA", "energy", 72),
        ):
            create_lead(
                session,
                owner,
                company=company,
                contact_name="Dana Buyer",
                region=region,
                industry=industry,
                country="DE",
                score=score,
            )
        session.commit()
    return people


def test_partner_claims_a_lead_and_it_leaves_the_other_partners_inbox(
    browser, live_app, sign_in, shots
):
    people = _seed(live_app)
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    for page, name in ((first, "Bluebird Solutions"), (second, "Cobalt Systems")):
        sign_in(page, people[name])
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
        expect(page.get_by_role("link", name="Northwind Retail")).to_be_visible()
    shots(first, "01-inbox")

    first.get_by_label("Search company or contact").fill("northwind")
    first.get_by_role("button", name="Filter").click()
    assert first.get_by_role("link", name="Globex Health").count() == 0
    row = first.get_by_role("row").filter(has_text="Northwind Retail")
    row.get_by_role("button", name="Claim").click()
    expect(first.get_by_text("You claimed Northwind Retail")).to_be_visible()
    shots(first, "02-claimed")
    first.get_by_role("link", name="Leads").first.click()
    first.get_by_role("link", name="My leads").click()
    expect(first.get_by_role("link", name="Northwind Retail")).to_be_visible()
    shots(first, "03-my-leads")

    second.reload()
    expect(second.get_by_role("link", name="Globex Health")).to_be_visible()
    assert second.get_by_role("link", name="Northwind Retail").count() == 0
    shots(second, "04-other-inbox")
