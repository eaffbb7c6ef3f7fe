"""What the shell shows: navigation that fits the user's role and organization kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

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


class Entry(NamedTuple):
    label: str
    #: The endpoints it may open: the first the user may use (``may_open``).
    targets: tuple[str, ...]
    #: Endpoint prefixes it is current for; the longest match wins, so "Sharing rules" and not
    #: "Leads" is current on the rules page.
    sections: tuple[str, ...]
    #: Organization kinds it is offered to, where its route admits every kind.
    kinds: frozenset[OrgKind] | None = None


WORK: tuple[Entry, ...] = (
    Entry("Home", ("home.index",), ("home.",)),
    Entry("Leads", ("leads.index", "leads.manage"), ("leads.",)),
    Entry("Deals", ("deals.index",), ("deals.",)),
    Entry("Dashboard", ("analytics.dashboard", "analytics.my_scorecard"), ("analytics.",)),
    Entry("Cases", ("cases.index",), ("cases.",)),
    Entry("Campaigns", ("campaigns.index",), ("campaigns.",)),
    Entry("Funds", ("funds.index",), ("funds.",)),
    Entry("Orders", ("orders.index",), ("orders.",)),
    Entry(
        "EDI",
        ("edi.index",),
        ("edi.index", "edi.interchange", "edi.upload"),
        frozenset({OrgKind.vendor, OrgKind.distributor}),  # those that exchange EDI
    ),
    Entry("Documents", ("documents.index",), ("documents.", "generated.")),
)
ADMIN: tuple[Entry, ...] = (
    Entry("Partners", ("partnerships.index",), ("partnerships.",)),
    Entry("People", ("admin.users",), ("admin.user", "admin.invite", "admin.change_role")),
    Entry("Teams", ("admin.teams",), ("admin.team", "admin.delete_team")),
    Entry("Sharing rules", ("leads.rule_list",), ("leads.rule",)),
    Entry("EDI partners", ("edi.partners",), ("edi.partner", "edi.profile")),
    Entry("Inbound webhooks", ("inbound_admin.index",), ("inbound_admin.",)),
    Entry("Audit log", ("admin.audit_log",), ("admin.audit",)),
    Entry("Settings", ("admin.security",), ("admin.security", "admin.visibility")),
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
        for entry in table:
            if entry.kinds and current_user.organization.kind not in entry.kinds:
                continue
            target = next((target for target in entry.targets if may_open(target)), None)
            if target:
                found[group].append((entry.label, target, _match(endpoint, entry.sections)))
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
