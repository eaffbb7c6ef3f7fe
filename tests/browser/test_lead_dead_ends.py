"""In Chromium, on the demo data: what a partner sees after giving a lead back."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD


def _sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_partner_declines_a_claimed_lead_and_lands_on_my_leads(browser, demo, base_url, shots):
    bluebird = browser.new_context().new_page()
    _sign_in(bluebird, base_url, "admin@bluebird.example")
    bluebird.get_by_role("link", name="Leads").click()
    row = bluebird.get_by_role("row").filter(has_text="Initech Energy")
    row.get_by_role("button", name="Claim").click()
    bluebird.get_by_label("Why you decline it").fill("No energy practice this quarter.")
    bluebird.get_by_role("button", name="Decline lead").click()

    expect(bluebird.get_by_text("You declined Initech Energy: it went back")).to_be_visible()
    expect(bluebird.get_by_role("link", name="My leads")).to_have_attribute("aria-current", "page")
    assert bluebird.get_by_role("heading", name="Not found").count() == 0
    assert bluebird.get_by_role("link", name="Initech Energy").count() == 0
    shots(bluebird, "01-declined")
