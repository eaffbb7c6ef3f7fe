"""In Chromium at 390 px: the menu reaches every page and no page scrolls sideways."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD

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
    """Open the collapsed navigation and follow one of its links."""
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    nav.get_by_role("link", name=item, exact=True).click()


def assert_fits(page) -> None:
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
