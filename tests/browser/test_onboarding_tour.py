"""A newcomer's first tour in Chromium: onboard a partner, its admin joins, the audit shows it."""

import re

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright

from app.demo import DEMO_PASSWORD

INVITE = re.compile(r"http://\S+/invitations/\S+")


def _sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_vendor_onboards_partner_whose_admin_joins(browser, demo, base_url, mailbox, shots):
    vendor = browser.new_context()
    page = vendor.new_page()
    _sign_in(page, base_url, "admin@acme.example")
    assert page.get_by_role("heading", name="Welcome, Alice Admin").is_visible()
    shots(page, "01-home")

    page.get_by_role("link", name="Partners").click()
    assert page.get_by_role("link", name="Bluebird Solutions").is_visible()
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
    assert page.get_by_text("Foxtrot Networks is onboarded").is_visible()
    shots(page, "04-partner-detail")

    link = INVITE.search(mailbox.last_to("fran@foxtrot.example").get_content()).group(0)
    partner = browser.new_context()
    their = partner.new_page()
    their.goto(link)
    assert their.get_by_role("heading", name="Join Foxtrot Networks").is_visible()
    their.get_by_label("New password", exact=True).fill("foxtrot partners rule")
    their.get_by_label("Repeat the new password").fill("foxtrot partners rule")
    shots(their, "05-accept-invitation")
    their.get_by_role("button", name="Join").click()
    assert their.get_by_text("Sign in with your new password").is_visible()
    _sign_in(their, base_url, "fran@foxtrot.example", "foxtrot partners rule")
    assert their.get_by_text("Foxtrot Networks").first.is_visible()
    assert their.get_by_role("link", name="Partners").count() == 0  # a partner runs no partners
    shots(their, "06-partner-home")

    page.get_by_role("link", name="Audit log").click()
    log = page.locator("table.audit")
    for action in ("org.created", "partnership.created", "user.invited"):
        assert log.get_by_text(action).first.is_visible()
    shots(page, "07-audit")

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_text("You are signed out").is_visible()
    page.goto(f"{base_url}/home")
    assert page.get_by_role("heading", name="Sign in to Concord").is_visible()
    vendor.close()
    partner.close()


def test_wrong_password_and_empty_states_read_well(browser, demo, base_url, shots):
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, base_url, "admin@acme.example", "wrong password")
    assert page.get_by_role("alert").is_visible()
    shots(page, "01-login-error")
    _sign_in(page, base_url, "admin@echo.example")
    assert page.get_by_role("link", name="Partners").count() == 0  # a reseller runs no partners
    page.get_by_role("link", name="Teams", exact=True).click()
    assert page.get_by_text("No teams yet").is_visible()
    shots(page, "02-empty-teams")
    context.close()
