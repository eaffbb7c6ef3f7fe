"""In Chromium, on the demo data: a reseller accepts the lead its distributor forwarded; the
distributor and the vendor see the chain of custody; the vendor views the portal as a partner."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD

from support.navigation import admin_link


def test_a_forwarded_lead_down_the_two_tiers_and_view_as(browser, demo, sign_in, shots):
    echo = browser.new_context().new_page()
    sign_in(echo, "admin@echo.example", DEMO_PASSWORD)
    echo.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    echo.get_by_role("link", name="All shared with us").click()
    echo.get_by_role("link", name="Northwind Retail").click()
    expect(echo.get_by_role("heading", name="Forwarded to you")).to_be_visible()
    shots(echo, "01-reseller-forwarded")
    hop = echo.locator("form.accept")
    hop.get_by_label("First contact or qualification data").fill("Visited the Lyon store.")
    hop.get_by_role("button", name="Accept lead").click()
    expect(echo.get_by_text("You accepted Northwind Retail from your distributor.")).to_be_visible()

    delta = browser.new_context().new_page()
    sign_in(delta, "admin@delta.example", DEMO_PASSWORD)
    delta.goto(echo.url)
    custody = delta.locator("section", has=delta.get_by_role("heading", name="Chain of custody"))
    expect(custody.get_by_text("Echo IT").first).to_be_visible()
    expect(delta.get_by_text("Visited the Lyon store.")).to_be_visible()
    shots(delta, "02-distributor-custody")

    acme = browser.new_context().new_page()
    sign_in(acme, "admin@acme.example", DEMO_PASSWORD)
    acme.goto(echo.url)
    expect(acme.get_by_role("heading", name="Chain of custody")).to_be_visible()
    expect(acme.get_by_role("heading", name="Shared explicitly")).to_be_visible()
    shots(acme, "03-vendor-lead")
    admin_link(acme, "Partners").click()
    acme.get_by_role("link", name="Bluebird Solutions").click()
    acme.get_by_role("link", name="View as Bluebird Solutions").click()
    expect(acme.get_by_text("Viewing as")).to_be_visible()
    expect(acme.get_by_role("link", name="Initech Energy")).to_be_visible()  # EMEA pool, gold
    acme.get_by_role("link", name="Deals they see").click()
    expect(acme.get_by_role("link", name="Wayne Enterprises")).to_be_visible()
    shots(acme, "04-view-as")
