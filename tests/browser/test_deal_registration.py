"""In Chromium: two partners register the same customer; the second is told only until when it
is protected; the vendor's channel manager compares them side by side and decides."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from partners.roles import Tier


def _open_deals(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()


def _register(page, customer: str, email: str) -> None:
    _open_deals(page)
    page.get_by_role("link", name="Register a deal").first.click()
    page.get_by_label("Customer", exact=True).fill(customer)
    page.get_by_label("Contact email").fill(email)
    page.get_by_label("VAT number").fill("DE 123 456 789")
    page.get_by_label("Amount").fill("48000")
    page.get_by_label("Expected close").fill("2027-03-31")
    page.get_by_label("Product, line 1").fill("Edge Router X")
    page.get_by_label("Quantity, line 1").fill("12")
    page.get_by_label("Unit price, line 1").fill("3500")
    page.get_by_label("Product, line 2").fill("Support plan")


def test_a_conflict_is_reviewed_side_by_side(browser, acme_partners, sign_in, shots):
    people = acme_partners({"Bluebird Solutions": Tier.gold, "Cobalt Systems": Tier.gold})
    first = browser.new_context().new_page()
    sign_in(first, people["Bluebird Solutions"])
    _register(first, "Northwind GmbH", "buyer@northwind.example")
    shots(first, "01-register-form")
    first.get_by_role("button", name="Register deal").click()
    expect(first.get_by_text("the vendor will review it")).to_be_visible()
    shots(first, "02-registered")

    manager = browser.new_context().new_page()
    sign_in(manager, people["manager"])
    _open_deals(manager)
    manager.get_by_role("link", name="Registrations to review").click()
    manager.get_by_role("link", name="Northwind GmbH").click()
    manager.get_by_label("Protect for (days)").fill("60")
    manager.get_by_role("button", name="Approve registration").click()
    expect(manager.get_by_text("protected until").first).to_be_visible()

    second = browser.new_context().new_page()
    sign_in(second, people["Cobalt Systems"])
    # The customer first: the partner is told at once, before filling in the deal.
    _open_deals(second)
    second.get_by_role("link", name="Register a deal").first.click()
    second.get_by_label("Customer", exact=True).fill("NORTHWIND gmbh.")
    second.get_by_role("button", name="Check the customer").click()
    check = second.locator("#customer-check")
    expect(check).to_contain_text("This customer is already protected until")
    expect(second.get_by_label("Customer", exact=True)).to_have_value("NORTHWIND gmbh.")
    assert "Bluebird" not in second.content()
    assert second.locator(".error").count() == 0
    shots(second, "03a-customer-checked")
    _register(second, "NORTHWIND gmbh.", "cto@northwind.example")
    second.get_by_role("button", name="Register deal").click()
    notice = second.locator("#protection-notice")
    assert "This customer is already protected until" in notice.inner_text()
    assert "Bluebird" not in second.content()
    shots(second, "03-second-registrant")

    _open_deals(manager)
    manager.get_by_role("link", name="Registrations to review").click()
    assert manager.get_by_text("1 conflict").count() == 2  # each competes with the other
    shots(manager, "04-review-queue")
    manager.get_by_role("row").filter(has_text="Cobalt Systems").get_by_role("link").click()
    comparison = manager.locator("table.compare")
    assert "Bluebird Solutions" in comparison.inner_text()
    assert "Cobalt Systems" in comparison.inner_text()
    shots(manager, "05-side-by-side")
    manager.get_by_label("Why it is rejected").fill("An earlier registration holds this customer.")
    manager.get_by_role("button", name="Reject registration").click()
    expect(manager.get_by_text("the partner is told why")).to_be_visible()
    _open_deals(manager)
    shots(manager, "06-vendor-deal-list")

    second.reload()
    expect(second.get_by_text("Rejected because")).to_be_visible()
    shots(second, "07-rejected")
