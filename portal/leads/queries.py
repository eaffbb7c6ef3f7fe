"""Read-side helpers for the leads pages, built on partners.sharing's scoped selects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from partners.models import Organization, Partnership, User
from portal.leads.models import (
    HandoffOutcome,
    Lead,
    LeadActivity,
    LeadExclusion,
    LeadHandoff,
    LeadRoutingPartner,
    LeadStatus,
)
from portal.leads.sharing import lead_inbox, visible_leads

#: What a partner works after claiming: the "My leads" tab.
CLAIMED_STATUSES = (
    LeadStatus.claimed,
    LeadStatus.accepted,
    LeadStatus.working,
    LeadStatus.qualified,
    LeadStatus.converted,
    LeadStatus.lost,
)
SORTS = {
    "newest": (Lead.created_at.desc(), Lead.id.desc()),
    "score": (Lead.score.desc(), Lead.id.desc()),
}


@dataclass(frozen=True)
class LeadFilters:
    """What the inbox's filter bar asks for; empty values do not filter."""

    search: str = ""
    region: str = ""
    industry: str = ""
    country: str = ""
    score_min: int | None = None
    score_max: int | None = None
    sort: str = "newest"
    #: Only the leads waiting for the viewer's organization to accept them (My leads).
    waiting: bool = False

    def apply(self, query: Select) -> Select:
        if self.search.strip():
            term = self.search.strip()
            query = query.where(
                Lead.company.icontains(term, autoescape=True)
                | Lead.contact_name.icontains(term, autoescape=True)
            )
        for column, value in (
            (Lead.region, self.region),
            (Lead.industry, self.industry),
            (Lead.country, self.country.upper()),
        ):
            if value.strip():
                query = query.where(column == value.strip())
        if self.score_min is not None:
            query = query.where(Lead.score >= self.score_min)
        if self.score_max is not None:
            query = query.where(Lead.score <= self.score_max)
        if self.sort in SORTS and self.sort != "newest":
            query = query.order_by(None).order_by(*SORTS[self.sort])
        return query


def inbox(user: User, filters: LeadFilters) -> Select[tuple[Lead]]:
    """The pool this user may claim from, filtered and sorted: the page and its export."""
    return filters.apply(lead_inbox(user))


def my_leads(user: User, filters: LeadFilters) -> Select[tuple[Lead]]:
    """Leads the user's organization claimed and is working, and those its distributor
    forwarded to it (waiting for its answer, or accepted)."""
    org_id = user.organization_id
    query = visible_leads(user).where(
        ((Lead.claimed_by_org_id == org_id) | (Lead.forwarded_to_org_id == org_id)),
        Lead.status.in_(CLAIMED_STATUSES),
    )
    if filters.waiting:
        query = query.where(awaiting_answer(org_id))
    query = filters.apply(query.order_by(*SORTS["newest"]))
    if filters.sort == ACCEPT_BY:
        query = query.order_by(None).order_by(_accept_by(org_id).asc().nulls_last(), Lead.id)
    return query


#: My leads' extra sort: the nearest deadline to accept first, leads without one last.
ACCEPT_BY = "accept_by"


def _accept_by(org_id: int) -> ColumnElement:
    """A lead's deadline for the organization: its open claim's, or its pending hop's to it
    (``policy.accept_by`` shows the same)."""
    hop = select(LeadHandoff.expires_at).where(
        LeadHandoff.lead_id == Lead.id,
        LeadHandoff.to_org_id == org_id,
        LeadHandoff.outcome == HandoffOutcome.pending,
    )
    return func.coalesce(Lead.claim_expires_at, hop.scalar_subquery())


def awaiting_answer(org_id: int) -> ColumnElement[bool]:
    """Leads the organization must accept (or decline) before a deadline: its claims not yet
    accepted, and the hops its distributor forwarded to it that wait for its answer."""
    pending_hop = select(LeadHandoff.id).where(
        LeadHandoff.lead_id == Lead.id,
        LeadHandoff.to_org_id == org_id,
        LeadHandoff.outcome == HandoffOutcome.pending,
    )
    return ((Lead.claimed_by_org_id == org_id) & (Lead.status == LeadStatus.claimed)) | (
        (Lead.forwarded_to_org_id == org_id) & pending_hop.exists()
    )


def waiting_for_us(user: User) -> Select[tuple[Lead]]:
    """Leads a distributor forwarded to the user's organization that wait for its answer,
    the nearest deadline first: the top of its inbox."""
    pending = (LeadHandoff.lead_id == Lead.id) & (LeadHandoff.outcome == HandoffOutcome.pending)
    return (
        visible_leads(user)
        .join(LeadHandoff, pending & (LeadHandoff.to_org_id == user.organization_id))
        .where(Lead.forwarded_to_org_id == user.organization_id)
        .order_by(LeadHandoff.expires_at, Lead.id)
    )


def all_visible(user: User, filters: LeadFilters) -> Select[tuple[Lead]]:
    """Every lead shared with the user, whatever its status: the "All shared" tab."""
    return filters.apply(visible_leads(user).order_by(*SORTS["newest"]))


@dataclass(frozen=True)
class Count:
    """A count that stops at ``limit``: enough to say "1,000+" without counting a million."""

    value: int
    more: bool


def bounded_count(db: Session, query: Select, limit: int = 1000) -> Count:
    found = db.scalar(select(func.count()).select_from(query.limit(limit + 1).subquery())) or 0
    return Count(min(found, limit), found > limit)


def owned_leads(user: User, status: str = "") -> Select[tuple[Lead]]:
    """The owner's own leads, for the vendor's management list."""
    query = visible_leads(user).where(Lead.owner_org_id == user.organization_id)
    if status in LeadStatus.__members__:
        query = query.where(Lead.status == LeadStatus(status))
    return query.order_by(*SORTS["newest"])


@dataclass
class Window:
    """One page of a list without a total: the inbox never counts the whole pool."""

    items: list[Any]
    number: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def window(db: Session, query: Select, number: int, per_page: int = 25) -> Window:
    number = max(1, number)
    rows = list(db.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)))
    return Window(rows[:per_page], number, len(rows) > per_page)


def organizations_by_id(db: Session, ids: set[int]) -> dict[int, Organization]:
    return {org.id: org for org in db.scalars(select(Organization).where(Organization.id.in_(ids)))}


def timeline(db: Session, user: User, lead: Lead) -> list[LeadActivity]:
    """The lead's activities, newest first: all of them for the owner; otherwise the viewer's
    own organization's, and a distributor's also those of the resellers it forwarded the lead
    to (a partner never reads an earlier claimant's notes)."""
    query = select(LeadActivity).where(LeadActivity.lead_id == lead.id)
    if lead.owner_org_id != user.organization_id:
        forwarded_to = select(LeadHandoff.to_org_id).where(
            LeadHandoff.lead_id == lead.id, LeadHandoff.from_org_id == user.organization_id
        )
        query = query.where(
            (LeadActivity.organization_id == user.organization_id)
            | LeadActivity.organization_id.in_(forwarded_to)
        )
    return list(db.scalars(query.order_by(LeadActivity.at.desc(), LeadActivity.id.desc())))


def exclusions(db: Session, lead: Lead) -> list[tuple[LeadExclusion, Organization]]:
    """Who the lead is no longer offered to, and why (the owner's lead page)."""
    return list(
        db.execute(
            select(LeadExclusion, Organization)
            .join(Organization, Organization.id == LeadExclusion.organization_id)
            .where(LeadExclusion.lead_id == lead.id)
            .order_by(LeadExclusion.created_at)
        ).all()
    )


def routing_rows(
    db: Session, user: User
) -> list[tuple[Partnership, Organization, LeadRoutingPartner | None]]:
    """The owner's partnerships with their routing weight and tags, for the settings page."""
    return list(
        db.execute(
            select(Partnership, Organization, LeadRoutingPartner)
            .join(Organization, Organization.id == Partnership.child_id)
            .outerjoin(LeadRoutingPartner, LeadRoutingPartner.partnership_id == Partnership.id)
            .where(Partnership.parent_id == user.organization_id)
            .order_by(Organization.name, Partnership.id)
        ).all()
    )
