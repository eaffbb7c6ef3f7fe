"""In Chromium, on the demo data: a partner after giving a lead back, a reseller with a lead
forwarded to it, and a claim's deadline on the partner's own clock."""

import re

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD


def test_a_partner_declines_a_claimed_lead_and_lands_on_my_leads(browser, demo, sign_in, shots):
    bluebird = browser.new_context().new_page()
    sign_in(bluebird, "admin@bluebird.example", DEMO_PASSWORD)
    bluebird.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    row = bluebird.get_by_role("row").filter(has_text="Initech Energy")
    row.get_by_role("button", name="Claim").click()
    bluebird.get_by_label("Why you decline it").fill("No energy practice this quarter.")
    bluebird.get_by_role("button", name="Decline lead").click()

    expect(bluebird.get_by_text("You declined Initech Energy: it went back")).to_be_visible()
    expect(bluebird.get_by_role("link", name="My leads")).to_have_attribute("aria-current", "page")
    assert bluebird.get_by_role("heading", name="Not found").count() == 0
    assert bluebird.get_by_role("link", name="Initech Energy").count() == 0
    shots(bluebird, "01-declined")


def test_a_reseller_finds_the_forwarded_lead_waiting_in_its_inbox(browser, demo, sign_in, shots):
    echo = browser.new_context().new_page()
    sign_in(echo, "admin@echo.example", DEMO_PASSWORD)
    echo.get_by_role("navigation", name="Main").get_by_role("link", name="Leads").click()
    waiting = echo.locator("section", has=echo.get_by_role("heading", name="Waiting for you"))
    row = waiting.get_by_role("row").filter(has_text="Northwind Retail")
    expect(row.get_by_text("Delta Distribution")).to_be_visible()
    expect(row.get_by_text("waiting for you")).to_be_visible()
    expect(row.locator(".deadline")).not_to_be_empty()
    shots(echo, "01-inbox-waiting")

    echo.get_by_role("link", name="My leads").click()
    mine = echo.get_by_role("row").filter(has_text="Northwind Retail")
    expect(mine.get_by_text("waiting for you")).to_be_visible()
    echo.get_by_role("link", name="All shared with us").click()
    shared = echo.get_by_role("row").filter(has_text="Northwind Retail")
    expect(shared.get_by_text("waiting for you")).to_be_visible()
    assert shared.get_by_text("accepted").count() == 0

    shared.get_by_role("link", name="Northwind Retail").click()
    actions = echo.locator("section", has=echo.get_by_role("heading", name="Actions"))
    expect(actions.get_by_role("heading", name="Forwarded to you")).to_be_visible()
    expect(actions.get_by_role("button", name="Accept lead")).to_be_visible()
    expect(actions.get_by_role("button", name="Decline lead")).to_be_visible()
    assert echo.get_by_text("Nothing to do here right now.").count() == 0
    shots(echo, "02-forwarded-lead")

    actions.get_by_label("First contact or qualification data").fill("Called Ana in Lyon.")
    actions.get_by_role("button", name="Accept lead").click()
    expect(echo.get_by_text("You accepted Northwind Retail from your distributor.")).to_be_visible()
    echo.get_by_role("link", name="My leads").click()
    expect(echo.get_by_role("row").filter(has_text="Northwind Retail")).to_contain_text("accepted")
    shots(echo, "03-my-leads-accepted")


def test_a_partner_sees_its_claims_deadline_on_its_own_clock_and_sorts_by_it(
    browser, demo, sign_in, shots
):
    bluebird = browser.new_context().new_page()
    sign_in(bluebird, "admin@bluebird.example", DEMO_PASSWORD)  # gold, Europe/Berlin
    for company in ("Initech Energy", "Globex Health"):
        bluebird.get_by_role("link", name="Leads").first.click()
        bluebird.get_by_role("row").filter(has_text=company).get_by_role("button").click()
    accept_by = bluebird.locator("dd .deadline")
    expect(accept_by).to_contain_text(re.compile(r"\d+ business hours? left"))
    expect(accept_by.locator("time")).to_have_text(re.compile(r"CES?T$"))  # Berlin, not UTC
    assert "UTC" not in accept_by.locator("time").inner_text()
    shots(bluebird, "01-claim-deadline")

    bluebird.get_by_role("link", name="Leads").first.click()
    bluebird.get_by_role("link", name="My leads").click()
    header = bluebird.get_by_role("columnheader", name="Accept by")
    expect(header).to_be_visible()
    companies = bluebird.locator("table.leads tbody tr td:first-child a")
    expect(companies).to_have_text(["Globex Health", "Initech Energy"])  # newest first
    header.get_by_role("link").click()
    expect(bluebird.get_by_role("columnheader", name="Accept by")).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(companies).to_have_text(["Initech Energy", "Globex Health"])  # soonest first
    expect(bluebird.locator("td .deadline").first).to_contain_text("business hour")
    shots(bluebird, "02-my-leads-by-deadline")
