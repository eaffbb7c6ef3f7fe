"""The bar in browser tests: the work links, and the "Admin" disclosure menu."""

from __future__ import annotations


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def admin_link(page, name: str):
    """Open the Admin menu (if closed) and return one of its links."""
    menu = main_nav(page).locator("details#admin-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return menu.get_by_role("link", name=name, exact=True)


def admin_items(page) -> list[str]:
    """The Admin menu's entries, open or not."""
    links = main_nav(page).locator("details#admin-menu a")
    return [text.strip() for text in links.all_text_contents()]
