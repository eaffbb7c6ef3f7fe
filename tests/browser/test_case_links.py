"""In Chromium: a partner opens a case from its deal's page, the deal and the vendor already
picked, no ids typed."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from partners.roles import Tier


def test_open_a_case_from_a_deal_page(browser, acme_partners, sign_in, shots):
    people = acme_partners({"Bluebird Solutions": Tier.gold})
    partner = sign_in(browser.new_context().new_page(), people["Bluebird Solutions"])
    partner.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()
    partner.get_by_role("link", name="Register a deal").first.click()
    partner.get_by_label("Customer", exact=True).fill("Northwind GmbH")
    partner.get_by_role("button", name="Register deal").click()
    expect(partner.get_by_text("the vendor will review it")).to_be_visible()

    partner.get_by_role("link", name="Open a case").click()
    expect(partner.get_by_role("heading", name="Open a case with a vendor")).to_be_visible()
    expect(partner.get_by_label("Vendor").locator("option:checked")).to_have_text("Acme Networks")
    deal = partner.get_by_label("Deal", exact=True)
    expect(deal.locator("option:checked")).to_have_text("Northwind GmbH")
    assert partner.get_by_text("/deals/").count() == 0
    partner.get_by_label("Subject").fill("Pricing for the rollout")
    shots(partner, "01-case-from-deal")
    partner.get_by_role("button", name="Open the case").click()
    expect(partner.get_by_text("is open; the vendor will pick it up")).to_be_visible()
    expect(partner.get_by_role("link", name="Northwind GmbH")).to_be_visible()
    shots(partner, "02-case-opened")
