"""What the shell shows: navigation that fits the user's role and organization kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request, url_for
from flask_login import current_user

from partners.roles import OrgKind, Role
from web.access import may_open


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    active: bool = False

    @property
    def url(self) -> str:
        return url_for(self.endpoint)


@dataclass(frozen=True)
class Navigation:
    """The bar: the work everyone does, then one "Admin" menu of what the user may administer."""

    work: tuple[NavItem, ...] = ()
    admin: tuple[NavItem, ...] = ()

    @property
    def admin_active(self) -> bool:
        return any(item.active for item in self.admin)


#: label → the endpoints it may open (the first the user may use) and the sections (endpoint
#: prefixes) it is current for; the longest matching prefix wins, so "Sharing rules" and not
#: "Leads" is current on the rules page.
_Entry = tuple[str, tuple[str, ...], tuple[str, ...]]
WORK: tuple[_Entry, ...] = (
    ("Home", ("home.index",), ("home.",)),
    ("Leads", ("leads.index", "leads.manage"), ("leads.",)),
    ("Deals", ("deals.index",), ("deals.",)),
    ("Cases", ("cases.index",), ("cases.",)),
    ("Campaigns", ("campaigns.index",), ("campaigns.",)),
    ("Orders", ("orders.index",), ("orders.",)),
    ("EDI", ("edi.index",), ("edi.index", "edi.interchange", "edi.upload")),
    ("Documents", ("documents.index",), ("documents.", "generated.")),
)
ADMIN: tuple[_Entry, ...] = (
    ("Partners", ("partnerships.index",), ("partnerships.",)),
    ("People", ("admin.users",), ("admin.user", "admin.invite", "admin.change_role")),
    ("Teams", ("admin.teams",), ("admin.team", "admin.delete_team")),
    ("Sharing rules", ("leads.rule_list",), ("leads.rule",)),
    ("EDI partners", ("edi.partners",), ("edi.partner", "edi.profile")),
    ("Audit log", ("admin.audit_log",), ("admin.audit",)),
    ("Settings", ("admin.security",), ("admin.security", "admin.visibility")),
)


def _match(endpoint: str, sections: tuple[str, ...]) -> int:
    """How closely ``endpoint`` belongs to an item: its longest matching section, or 0."""
    return max((len(prefix) for prefix in sections if endpoint.startswith(prefix)), default=0)


def navigation() -> Navigation:
    """Only the pages the user may open (``may_open``: the routes' own declarations)."""
    if not current_user.is_authenticated:
        return Navigation()
    endpoint = request.endpoint or ""
    found: dict[str, list[tuple[str, str, int]]] = {"work": [], "admin": []}
    for group, table in (("work", WORK), ("admin", ADMIN)):
        for label, targets, sections in table:
            target = next((target for target in targets if may_open(target)), None)
            if target:
                found[group].append((label, target, _match(endpoint, sections)))
    best = max((match for entries in found.values() for *_, match in entries), default=0)

    def items(group: str) -> tuple[NavItem, ...]:
        return tuple(NavItem(label, to, 0 < best == match) for label, to, match in found[group])

    return Navigation(items("work"), items("admin"))


def page_url(number: int) -> str:
    """The current page's URL with its filters kept and another page number."""
    args = request.args.to_dict()
    args["page"] = str(number)
    return url_for(request.endpoint or "home.index", **(request.view_args or {}), **args)


def template_context() -> dict:
    return {"navigation": navigation(), "OrgKind": OrgKind, "Role": Role}


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M UTC")
