"""What the shell shows: navigation that fits the user's role and organization kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request, url_for
from flask_login import current_user

from partners.roles import OrgKind, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    #: Endpoints starting with this belong to the item's section.
    section: str

    @property
    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def active(self) -> bool:
        return (request.endpoint or "").startswith(self.section)


def navigation() -> list[NavItem]:
    if not current_user.is_authenticated:
        return []
    items = [NavItem("Home", "home.index", "home.")]
    kind = current_user.organization.kind
    if kind in (OrgKind.vendor, OrgKind.distributor) and current_user.role >= Role.viewer:
        items.append(NavItem("Partners", "partnerships.index", "partnerships."))
    items.append(
        NavItem("Leads", "leads.index" if kind != OrgKind.vendor else "leads.manage", "leads.")
    )
    items.append(NavItem("Deals", "deals.index", "deals."))
    items.append(
        NavItem(
            "Dashboard",
            "analytics.dashboard" if kind == OrgKind.vendor else "analytics.my_scorecard",
            "analytics.",
        )
    )
    items.append(NavItem("Campaigns", "campaigns.index", "campaigns."))
    items.append(NavItem("Cases", "cases.index", "cases."))
    items.append(NavItem("Orders", "orders.index", "orders."))
    items.append(NavItem("Documents", "documents.index", "documents."))
    if kind in (OrgKind.vendor, OrgKind.distributor):
        items.append(NavItem("EDI", "edi.index", "edi."))
    if current_user.role >= Role.admin:
        items.append(NavItem("People", "admin.users", "admin.user"))
        items.append(NavItem("Teams", "admin.teams", "admin.team"))
        items.append(NavItem("Audit log", "admin.audit_log", "admin.audit"))
    return items


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
