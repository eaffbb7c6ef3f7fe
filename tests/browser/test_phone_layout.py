"""In Chromium at 390 px: the menu reaches every page and no page scrolls sideways."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD

from support.navigation import admin_items, admin_link

PHONE = {"width": 390, "height": 844}
PERSONAS = (
    "admin@acme.example",  # vendor admin
    "admin@bluebird.example",  # partner admin
    "sales@bluebird.example",  # partner member
    "admin@echo.example",  # distributor's reseller admin
)


def phone_page(browser, base_url: str, email: str):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    return page


def open_menu(page, item: str) -> None:
    """Open the collapsed navigation and follow one of its links (in the Admin menu too)."""
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    if item in admin_items(page):
        admin_link(page, item).click()
    else:
        nav.get_by_role("link", name=item, exact=True).click()


def assert_fits(page) -> None:
    page.wait_for_load_state()  # concord.js (deferred) has stacked the tables that do not fit
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_every_page_in_the_menu_fits_a_phone_for_each_persona(browser, base_url, demo, shots):
    for email in PERSONAS:
        page = phone_page(browser, base_url, email)
        assert_fits(page)
        items = page.locator("#main-menu").locator("a").all_text_contents()
        items = [item.strip() for item in items]
        assert len(items) >= 5, items
        for item in items:
            open_menu(page, item)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_fits(page)
            shots(page, f"{email.split('@')[0]}-{item}")
        page.context.close()


def test_a_partners_main_jobs_on_a_phone(browser, base_url, demo, shots):
    page = phone_page(browser, base_url, "sales@bluebird.example")

    open_menu(page, "Leads")
    row = page.get_by_role("row").filter(has=page.get_by_role("button", name="Claim")).first
    company = row.get_by_role("link").first.inner_text()
    page.wait_for_load_state()
    expect(row).to_have_css("display", "block")  # a card, not a squeezed table row
    claim = row.get_by_role("button", name="Claim")
    box = claim.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    claim.click()
    expect(page.get_by_text(f"You claimed {company}")).to_be_visible()
    assert_fits(page)

    accept = page.locator("form.accept")
    accept.get_by_label("First contact or qualification data").fill("Called the buyer.")
    accept.get_by_role("button", name="Accept lead").click()
    expect(page.get_by_text(f"You accepted {company}")).to_be_visible()
    assert_fits(page)
    shots(page, "01-lead-accepted")

    open_menu(page, "Deals")
    page.get_by_role("link", name="Register a deal").first.click()
    page.get_by_label("Customer", exact=True).fill("Stark Phone GmbH")
    page.get_by_label("Contact email").fill("buyer@stark.example")
    page.get_by_label("Amount").fill("48000")
    page.get_by_label("Expected close").fill("2027-03-31")
    page.get_by_label("Product, line 1").fill("Edge Router X")
    page.get_by_label("Quantity, line 1").fill("12")
    page.get_by_label("Unit price, line 1").fill("3500")
    assert_fits(page)
    shots(page, "02-register-form")
    page.get_by_role("button", name="Register deal").click()
    expect(page.get_by_text("the vendor will review it")).to_be_visible()
    assert_fits(page)

    open_menu(page, "Cases")
    page.get_by_role("link", name="Edge Router X2 reboots under load").click()
    page.get_by_label("Note", exact=True).fill("Firmware 4.2.1 on both routers.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Firmware 4.2.1 on both routers.")).to_be_visible()
    assert_fits(page)
    shots(page, "03-case-note")

    open_menu(page, "Documents")
    page.get_by_role("link", name="Edge X2 crash log").click()
    assert_fits(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download", exact=True).click()
    assert download.value.suggested_filename == "edge-x2-crash.txt"
    page.context.close()
