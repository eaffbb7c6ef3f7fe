"""The bar: the work for everyone, one Admin menu with only what the user may open, and the
current page marked."""

import re

import pytest

from partners.roles import OrgKind, Role

from factories import create_org, create_partnership, create_user

ADMIN = re.compile(r'<details class="menu" data-menu id="admin-menu">(.*?)</details>', re.S)
LABEL = re.compile(r"<a [^>]*>([^<]+)</a>")
EVERYTHING = [
    "Partners",
    "People",
    "Teams",
    "Sharing rules",
    "EDI partners",
    "Inbound webhooks",
    "Audit log",
    "Settings",
]


def bar(client, url: str = "/home") -> tuple[list[str], list[str] | None]:
    body = client.get(url).get_data(as_text=True)
    nav = body[body.index('id="main-menu"') : body.index("</nav>")]
    admin = ADMIN.search(nav)
    work = nav[: admin.start()] if admin else nav
    return LABEL.findall(work), LABEL.findall(admin.group(1)) if admin else None


@pytest.mark.parametrize(
    ("kind", "role", "admin"),
    [
        (OrgKind.vendor, Role.admin, EVERYTHING),
        (OrgKind.vendor, Role.manager, ["Partners", "Sharing rules"]),
        (OrgKind.vendor, Role.viewer, ["Partners"]),
        (
            OrgKind.partner,
            Role.admin,
            ["People", "Teams", "Inbound webhooks", "Audit log", "Settings"],
        ),
        (OrgKind.partner, Role.member, None),
    ],
)
def test_the_admin_menu_holds_only_what_the_user_may_open(client, db, kind, role, admin):
    org = create_org(db, kind)
    if kind == OrgKind.partner:
        create_partnership(db, create_org(db, OrgKind.vendor), org)
    user = create_user(db, org, role)
    client.login(user.email)
    work, found = bar(client)
    assert work[0] == "Home" and "Documents" in work and "Leads" in work
    assert ("EDI" in work) == (kind == OrgKind.vendor)  # partners exchange no EDI
    assert found == admin
    for label in found or []:  # every entry opens
        link = re.search(
            rf'<a href="([^"]+)"[^>]*>{label}</a>', client.get("/home").get_data(as_text=True)
        )
        assert client.get(link.group(1)).status_code == 200, label


def test_the_current_page_is_marked_in_the_bar_or_on_the_admin_menu(client, db):
    user = create_user(db, create_org(db, OrgKind.vendor), Role.admin)
    client.login(user.email)
    body = client.get("/leads/rules").get_data(as_text=True)
    assert '<summary class="current">Admin</summary>' in body
    assert 'aria-current="page">Sharing rules</a>' in body
    assert 'aria-current="page">Leads</a>' not in body
    body = client.get("/deals/").get_data(as_text=True)
    assert '<a href="/deals/" aria-current="page">Deals</a>' in body
    assert '<summary class="current">' not in body
