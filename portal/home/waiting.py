"""The home page's "Waiting for you": what the person must answer today, each count linking to
the list filtered to exactly those records.

Every count is taken from the same select as the list it links to (My leads with
``waiting``, the registration queue, the case list with ``waiting``), so the number on the
home page is the number of rows the link shows, and it never counts a record the viewer may
not open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from partners.models import User
from partners.roles import Role
from portal.cases.queries import CaseFilters, case_list
from portal.deals.models import Deal, Registration
from portal.deals.queries import review_queue
from portal.leads import forwarding, policy
from portal.leads.blueprint import CLAIMERS, OWNERS
from portal.leads.policy import Deadline
from portal.leads.queries import ACCEPT_BY, Count, LeadFilters, bounded_count, my_leads

#: Counts stop here ("99+"): the list behind the link has the rest.
COUNTED = 99


@dataclass(frozen=True)
class Waiting:
    """One kind of thing waiting for the user, with the list that shows them."""

    label: str
    count: Count
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)
    #: The nearest deadline among them, where they have one.
    first_deadline: Deadline | None = None


def waiting_for(db: Session, user: User, now: datetime) -> list[Waiting]:
    """What waits for this user's answer, only the kinds with something waiting."""
    found: list[Waiting] = []
    if user.organization.kind in CLAIMERS and user.role >= Role.member:
        found.append(_leads_to_accept(db, user, now))
    if user.organization.kind in OWNERS and user.role >= Role.manager:
        queue = review_queue(user).where(Deal.registration == Registration.submitted)
        found.append(
            Waiting("Deal registrations to review", _count(db, queue), "deals.registrations")
        )
    cases = case_list(user, CaseFilters(waiting=True))
    found.append(
        Waiting("Cases waiting for you", _count(db, cases), "cases.index", {"waiting": "y"})
    )
    return [item for item in found if item.count.value]


def _leads_to_accept(db: Session, user: User, now: datetime) -> Waiting:
    """Claims to accept and leads forwarded to the organization, the soonest deadline first."""
    query = my_leads(user, LeadFilters(waiting=True, sort=ACCEPT_BY))
    first = db.scalars(query.limit(1)).first()
    deadline = None
    if first is not None:
        hops = forwarding.hops_to(db, user.organization_id, [first.id])
        deadline = policy.accept_by(db, [first], hops, now).get(first.id)
    return Waiting(
        "Leads to accept before their deadline",
        _count(db, query),
        "leads.mine",
        {"waiting": "y", "sort": ACCEPT_BY},
        deadline,
    )


def _count(db: Session, query) -> Count:
    return bounded_count(db, query.order_by(None), COUNTED)
