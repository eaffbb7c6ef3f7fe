"""A newcomer's first tour in Chromium: onboard a partner, its admin joins, the audit shows it."""

import re

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD

from support.navigation import admin_items, admin_link

INVITE = re.compile(r"http://\S+/invitations/\S+")


def test_vendor_onboards_partner_whose_admin_joins(
    browser, demo, base_url, sign_in, mailbox, shots
):
    vendor = browser.new_context()
    page = vendor.new_page()
    sign_in(page, "admin@acme.example", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Alice Admin")).to_be_visible()
    shots(page, "01-home")

    admin_link(page, "Partners").click()
    expect(page.get_by_role("link", name="Bluebird Solutions")).to_be_visible()
    shots(page, "02-partners")
    page.get_by_role("link", name="Onboard a partner").click()
    page.get_by_label("Company name").fill("Foxtrot Networks")
    page.get_by_label("Tier").select_option("silver")
    page.get_by_label("Region").fill("APAC")
    page.get_by_label("Time zone").fill("Asia/Singapore")
    page.get_by_label("Their first admin's email").fill("fran@foxtrot.example")
    page.get_by_label("Their first admin's name").fill("Fran Fox")
    shots(page, "03-onboard-form")
    page.get_by_role("button", name="Onboard partner").click()
    expect(page.get_by_text("Foxtrot Networks is onboarded")).to_be_visible()
    shots(page, "04-partner-detail")

    link = INVITE.search(mailbox.last_to("fran@foxtrot.example").get_content()).group(0)
    partner = browser.new_context()
    their = partner.new_page()
    their.goto(link)
    expect(their.get_by_role("heading", name="Join Foxtrot Networks")).to_be_visible()
    their.get_by_label("New password", exact=True).fill("foxtrot partners rule")
    their.get_by_label("Repeat the new password").fill("foxtrot partners rule")
    shots(their, "05-accept-invitation")
    their.get_by_role("button", name="Join").click()
    expect(their.get_by_text("Sign in with your new password")).to_be_visible()
    sign_in(their, "fran@foxtrot.example", "foxtrot partners rule")
    expect(their.get_by_text("Foxtrot Networks").first).to_be_visible()
    assert "Partners" not in admin_items(their)  # a partner runs no partners
    assert "People" in admin_items(their)
    shots(their, "06-partner-home")

    admin_link(page, "Audit log").click()
    log = page.locator("table.audit")
    for action in ("org.created", "partnership.created", "user.invited"):
        expect(log.get_by_text(action).first).to_be_visible()
    shots(page, "07-audit")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out")).to_be_visible()
    page.goto(f"{base_url}/home")
    expect(page.get_by_role("heading", name="Sign in to Concord")).to_be_visible()
    vendor.close()
    partner.close()


def test_wrong_password_and_empty_states_read_well(browser, demo, sign_in, shots):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, "admin@acme.example", "wrong password")
    expect(page.get_by_role("alert")).to_be_visible()
    shots(page, "01-login-error")
    sign_in(page, "admin@echo.example", DEMO_PASSWORD)
    assert "Partners" not in admin_items(page)  # a reseller runs no partners
    admin_link(page, "Teams").click()
    expect(page.get_by_text("No teams yet")).to_be_visible()
    shots(page, "02-empty-teams")
    context.close()
