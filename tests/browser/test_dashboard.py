"""In Chromium: the demo vendor's channel manager opens the dashboard from the home page; every
chart draws data, its table is beside it, and a filter narrows them."""

from flask import current_app  # noqa: F401 - keeps Flask's import order stable under Playwright
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD


def test_a_vendor_manager_reads_the_channel_dashboard(browser, base_url, demo, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill("channel@acme.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Channel dashboard").click()
    expect(page.get_by_role("heading", name="Channel dashboard", level=1)).to_be_visible()
    shots(page, "dashboard")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(4)
    for chart in charts.all():
        assert chart.locator("rect").count() > 0
    published = page.locator("#table-funnel tbody tr").first.locator("td").first
    assert int(published.inner_text()) > 0
    page.get_by_label("Region", exact=True).select_option("NA")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{base_url}/analytics/dashboard?period=&region=NA&tier=&partner=")
    page.close()
