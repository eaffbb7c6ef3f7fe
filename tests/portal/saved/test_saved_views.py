"""Saved views through HTTP: a list page's filters under a name, in the user's Views menu only;
anything but a list page of this portal is refused, and another user's view is a 404."""

import re

from sqlalchemy import select

from partners.roles import OrgKind, Role
from portal.saved.models import SavedView

from factories import create_org, create_user

MENU = re.compile(r'<details class="menu" data-menu id="views-menu">(.*?)</details>', re.S)


def views_menu(client) -> list[tuple[str, str]]:
    found = MENU.search(client.get("/home").get_data(as_text=True))
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', found.group(1)) if found else []


def save(client, name: str, url: str):
    return client.post("/views/", {"name": name, "url": url})


def test_a_list_pages_filters_are_saved_under_a_name_for_that_user_only(client, other_client, db):
    org = create_org(db, OrgKind.vendor)
    alice, bob = create_user(db, org, Role.manager), create_user(db, org, Role.manager)
    client.login(alice.email)
    assert views_menu(client) == []
    assert "Save this view" in client.get("/deals/?stage=won").get_data(as_text=True)
    assert "Save this view" not in client.get("/home").get_data(as_text=True)

    response = save(client, "Won deals", "/deals/?stage=won")
    assert response.status_code == 302 and response.headers["Location"] == "/deals/?stage=won"
    save(client, "Won deals", "/deals/?stage=lost")  # the same name: replaced
    assert views_menu(client) == [("/deals/?stage=lost", "Won deals"), ("/views/", "Manage views")]

    other_client.login(bob.email)
    assert views_menu(other_client) == []
    view = db.scalar(select(SavedView).where(SavedView.user_id == alice.id))
    assert other_client.post(f"/views/{view.id}/delete").status_code == 404
    assert client.post(f"/views/{view.id}/delete").status_code == 302
    assert views_menu(client) == []


def test_only_a_list_page_of_this_portal_can_be_saved(client, db):
    user = create_user(db, create_org(db, OrgKind.partner), Role.member)
    client.login(user.email)
    for url in ("//evil.example/deals/", "https://evil.example/deals/", "/admin/users", "/nowhere"):
        save(client, "Bad", url)
    save(client, "", "/deals/")
    assert db.scalars(select(SavedView).where(SavedView.user_id == user.id)).all() == []
