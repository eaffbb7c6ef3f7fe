"""The header's search box in Chromium: "/" focuses it, Enter shows grouped results, a hit
opens its record (with its breadcrumb trail)."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD


def test_slash_focuses_the_box_and_a_hit_opens_the_record(browser, base_url, demo, shots):
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill("sales@bluebird.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    box = page.get_by_role("searchbox", name="Search")
    expect(box).not_to_be_focused()
    page.wait_for_load_state("load")  # concord.js (deferred) listens for "/" from then on

    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.type("reboots")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Results for “reboots”")).to_be_visible()
    cases = page.get_by_role("region", name="Cases")
    expect(cases).to_be_visible()
    expect(box).to_have_value("reboots")
    shots(page, "01-results")

    cases.get_by_role("link", name="Edge Router X2 reboots under load").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Edge Router X2 reboots under load"
    )
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link", name="Cases")).to_be_visible()

    # "/" typed into a field is a character, not the shortcut.
    page.get_by_label("Note", exact=True).fill("")
    page.get_by_label("Note", exact=True).press("/")
    expect(page.get_by_label("Note", exact=True)).to_have_value("/")
    page.context.close()


def test_the_admin_menu_opens_and_closes_from_the_keyboard(browser, base_url, demo, shots):
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill("admin@acme.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    menu = page.locator("details#admin-menu")
    people = menu.get_by_role("link", name="People")
    expect(people).to_be_hidden()
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(people).to_be_visible()
    shots(page, "admin-menu")
    page.keyboard.press("Escape")
    expect(people).to_be_hidden()
    expect(menu.locator("summary")).to_be_focused()
    page.keyboard.press("Enter")
    people.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("details#admin-menu summary")).to_have_class("current")
    page.context.close()
