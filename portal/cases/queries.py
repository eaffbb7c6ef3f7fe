"""Read-side helpers for the case pages, on top of partners.sharing's selects.

Notes are read only through :func:`portal.cases.sharing.visible_notes`: the timeline, the
counts on the list and the search all leave out the notes the user may not read.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session, selectinload

from partners.context import NotFound
from partners.models import Organization, Team, User
from partners.sharing import visible_records
from portal.cases.models import (
    Case,
    CaseFeedback,
    CaseNote,
    CaseParty,
    CasePriority,
    CaseStatus,
)
from portal.cases.sharing import CASES, visible_notes
from portal.deals.models import Deal
from portal.deals.sharing import get_deal, visible_deals
from portal.orders.models import Order
from portal.orders.sharing import get_order, visible_orders

#: Most urgent first: the priority's rank as a number SQL can sort by.
_URGENCY = when({p: p.rank for p in CasePriority}, value=Case.priority)
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Case.created_at.desc(), Case.id.desc()),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
    "priority": (_URGENCY.desc(), Case.created_at.desc(), Case.id.desc()),
    #: The next due time of a running SLA clock (first response, then resolution) first;
    #: paused and finished cases after them.
    "due": (
        func.coalesce(Case.first_response_due_at, Case.resolution_due_at).asc().nulls_last(),
        Case.id,
    ),
}


@dataclass(frozen=True)
class CaseFilters:
    """What the case list's filter bar asks for; empty values do not filter."""

    search: str = ""
    status: str = ""
    priority: str = ""
    sort: str = "newest"
    #: Only the cases waiting for the viewer (:func:`awaiting`).
    waiting: bool = False


#: A case the vendor's side works on.
ACTIVE = (CaseStatus.open, CaseStatus.in_progress)


def awaiting(user: User) -> ColumnElement[bool]:
    """Cases waiting for this user: assigned to them and still being worked, or waiting on
    the partner when the user's organization is that partner."""
    return ((Case.assigned_user_id == user.id) & Case.status.in_(ACTIVE)) | (
        (Case.partner_org_id == user.organization_id)
        & (Case.owner_org_id != user.organization_id)
        & (Case.status == CaseStatus.waiting_on_partner)
    )


def case_list(user: User, filters: CaseFilters) -> Select[tuple[Case]]:
    """The cases the user may see, filtered and sorted. The search looks at the subject, the
    number and the notes the user may read (never the others)."""
    query = visible_records(CASES, user)
    term = filters.search.strip()
    if term:
        noted = visible_notes(user).where(CaseNote.body.icontains(term, autoescape=True))
        matches = Case.subject.icontains(term, autoescape=True) | Case.id.in_(
            noted.with_only_columns(CaseNote.case_id)
        )
        if term.isdigit():
            matches |= Case.number == int(term)
        query = query.where(matches)
    if filters.status in CaseStatus.__members__:
        query = query.where(Case.status == CaseStatus(filters.status))
    if filters.priority in CasePriority.__members__:
        query = query.where(Case.priority == CasePriority(filters.priority))
    if filters.waiting:
        query = query.where(awaiting(user))
    return query.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def note_counts(db: Session, user: User, case_ids: list[int]) -> dict[int, int]:
    """How many notes of each case the user may read."""
    notes = visible_notes(user, db).where(CaseNote.case_id.in_(case_ids)).subquery()
    rows = db.execute(select(notes.c.case_id, func.count()).group_by(notes.c.case_id))
    return {case_id: count for case_id, count in rows}


def timeline(db: Session, user: User, case: Case) -> list[CaseNote]:
    """The case's notes the user may read, oldest first, with their authors and teams."""
    return list(
        db.scalars(
            visible_notes(user, db)
            .where(CaseNote.case_id == case.id)
            .options(selectinload(CaseNote.author), selectinload(CaseNote.team))
            .order_by(CaseNote.created_at, CaseNote.id)
        )
    )


def linked_records(db: Session, user: User, case: Case) -> tuple[Deal | None, Order | None]:
    """The deal and order the case is about, each only if the user may see it."""
    deal = order = None
    with suppress(NotFound):
        deal = get_deal(db, user, case.deal_id) if case.deal_id else None
    with suppress(NotFound):
        order = get_order(db, user, case.order_id) if case.order_id else None
    return deal, order


#: Deals and orders offered to link a case to: the newest the user may see.
LINKABLE = 100


@dataclass(frozen=True)
class Linkable:
    """What a case may be linked to, for the pick-lists of the case form."""

    deals: list[Deal]
    orders: list[Order]


def linkable_records(
    db: Session, user: User, deal_id: int | None = None, order_id: int | None = None
) -> Linkable:
    """The newest deals and orders the user may see, and the ones named (by a deal or order
    page's "Open a case", or a submitted form) when they are older but visible too."""
    deals = list(db.scalars(visible_deals(user).order_by(Deal.id.desc()).limit(LINKABLE)))
    orders = list(db.scalars(visible_orders(user).order_by(Order.id.desc()).limit(LINKABLE)))
    if deal_id and deal_id not in {deal.id for deal in deals}:
        with suppress(NotFound):
            deals.append(get_deal(db, user, deal_id))
    if order_id and order_id not in {order.id for order in orders}:
        with suppress(NotFound):
            orders.append(get_order(db, user, order_id))
    return Linkable(deals, orders)


def parties(db: Session, user: User, case: Case) -> tuple[Organization, Organization | None]:
    """The vendor, and the partner on the case: named to the two of them only (as a deal's
    partner is), not to an organization the case is shared with."""
    vendor = db.get_one(Organization, case.owner_org_id)
    involved = user.organization_id in (case.owner_org_id, case.partner_org_id)
    partner = db.get(Organization, case.partner_org_id) if case.partner_org_id else None
    return vendor, partner if involved else None


def involved_ids(db: Session, case: Case) -> list[int]:
    """The other partner organizations the vendor involved in the case."""
    return list(db.scalars(select(CaseParty.organization_id).where(CaseParty.case_id == case.id)))


@dataclass(frozen=True)
class Satisfaction:
    """Partners' ratings of the cases a vendor owns: (name, average, count) rows."""

    by_team: list[tuple[str, float, int]]
    by_partner: list[tuple[str, float, int]]


def satisfaction(db: Session, user: User) -> Satisfaction:
    """Ratings of the vendor's own cases the user sees, per assigned team and per partner."""
    rated = (
        visible_records(CASES, user)
        .where(Case.owner_org_id == user.organization_id)
        .join(CaseFeedback, CaseFeedback.case_id == Case.id)
        .subquery()
    )
    feedback = select(func.avg(CaseFeedback.rating), func.count()).join(
        rated, rated.c.id == CaseFeedback.case_id
    )
    teams = feedback.add_columns(func.coalesce(Team.name, "No team")).outerjoin(
        Team, Team.id == rated.c.assigned_team_id
    )
    partners = feedback.add_columns(Organization.name).join(
        Organization, Organization.id == rated.c.partner_org_id
    )

    def rows(query) -> list[tuple[str, float, int]]:
        grouped = query.group_by(query.selected_columns[2]).order_by(query.selected_columns[2])
        return [(name, float(avg), count) for avg, count, name in db.execute(grouped)]

    return Satisfaction(rows(teams), rows(partners))
