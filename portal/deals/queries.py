"""Read-side helpers for the deal pages and the API, on top of partners.sharing's selects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from partners.models import AuditEntry, Organization, User
from portal.deals.models import Deal, DealConflict, DealStage, Registration
from portal.deals.service import CUSTOMER_KEYS, long_date
from portal.deals.sharing import visible_deals

#: ``?registration=none``: deals that need no registration (converted leads, the vendor's own).
UNREGISTERED = "none"
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Deal.created_at.desc(), Deal.id.desc()),
    "close": (Deal.expected_close.is_(None), Deal.expected_close, Deal.id),
    "amount": (Deal.amount.is_(None), Deal.amount.desc(), Deal.id.desc()),
    "customer": (Deal.customer, Deal.id),
}


@dataclass(frozen=True)
class DealFilters:
    """What the deal list's filter bar asks for; empty values do not filter."""

    search: str = ""
    stage: str = ""
    registration: str = ""
    sort: str = "newest"

    def apply(self, query: Select) -> Select:
        term = self.search.strip()
        if term:
            query = query.where(
                Deal.customer.icontains(term, autoescape=True)
                | Deal.name.icontains(term, autoescape=True)
            )
        if self.stage in DealStage.__members__:
            query = query.where(Deal.stage == DealStage(self.stage))
        if self.registration == UNREGISTERED:
            query = query.where(Deal.registration.is_(None))
        elif self.registration in Registration.__members__:
            query = query.where(Deal.registration == Registration(self.registration))
        return query.order_by(*SORTS.get(self.sort, SORTS["newest"]))


def deal_list(user: User, filters: DealFilters) -> Select[tuple[Deal]]:
    """The deals the user may see, filtered and sorted: the page, its export and the API."""
    return filters.apply(visible_deals(user))


def review_queue(user: User) -> Select[tuple[Deal]]:
    """The registrations partners made with the user's organization, those awaiting review
    first, each group newest first."""
    return (
        visible_deals(user)
        .where(Deal.owner_org_id == user.organization_id, Deal.registration.is_not(None))
        .order_by(
            (Deal.registration != Registration.submitted),
            Deal.registered_at.desc(),
            Deal.id.desc(),
        )
    )


def _touching(deal_ids: list[int]):
    return or_(DealConflict.deal_id.in_(deal_ids), DealConflict.other_deal_id.in_(deal_ids))


def conflict_counts(db: Session, deal_ids: list[int]) -> dict[int, int]:
    """How many other deals each of these competes with (recorded either way round)."""
    counts: dict[int, int] = {}
    for this, other in db.execute(
        select(DealConflict.deal_id, DealConflict.other_deal_id).where(_touching(deal_ids))
    ):
        for deal_id in {this, other} & set(deal_ids):
            counts[deal_id] = counts.get(deal_id, 0) + 1
    return counts


@dataclass(frozen=True)
class Competitor:
    """One side of the side-by-side comparison: a deal, who has it, and what matched."""

    deal: Deal
    #: The partner working it; ``None`` for the owner's own deal.
    partner: Organization | None
    matched_on: tuple[str, ...] = ()


def competing_registrations(db: Session, deal: Deal) -> list[Competitor]:
    """The owner's deals recorded as competing with ``deal`` (when either was registered),
    oldest first. For the owner's eyes only: it names other partners."""
    other = case(
        (DealConflict.deal_id == deal.id, DealConflict.other_deal_id), else_=DealConflict.deal_id
    )
    rows = db.execute(
        select(DealConflict, Deal)
        .join(Deal, Deal.id == other)
        .where(_touching([deal.id]), Deal.owner_org_id == deal.owner_org_id)
        .order_by(Deal.registered_at, Deal.id)
    ).all()
    return [
        Competitor(other, _partner(db, other), tuple(conflict.matched_on.split(",")))
        for conflict, other in rows
    ]


def _partner(db: Session, deal: Deal) -> Organization | None:
    return db.get(Organization, deal.partner_org_id) if deal.partner_org_id else None


def side_by_side(db: Session, deal: Deal) -> list[Competitor]:
    """``deal`` first (matching on every key any competitor matched), then its competitors:
    the columns of the vendor's comparison."""
    competitors = competing_registrations(db, deal)
    if not competitors:
        return []
    keys = {key for competitor in competitors for key in competitor.matched_on}
    matched = tuple(name for name, _column in CUSTOMER_KEYS if name in keys)
    return [Competitor(deal, _partner(db, deal), matched), *competitors]


def protection_label(deal: Deal, now: datetime, conflicted: bool = False) -> str:
    """The registration's state in words, for tables and the API.

    A registration awaiting review that competes with another deal says so: the vendor decides
    between them (which deal it competes with stays the vendor's to know).
    """
    if conflicted and deal.registration == Registration.submitted:
        return "Conflict — the vendor decides"
    if deal.registration == Registration.approved and deal.protected_until:
        if deal.protected_until > now:
            return f"Protected until {long_date(deal.protected_until)}"
        return f"Protection ended {long_date(deal.protected_until)}"
    return deal.registration.label if deal.registration else ""


# History ---------------------------------------------------------------------------------------

#: The audit actions a deal's viewers see on its page. Anything else written about a deal
#: (explicit shares naming their grantee, for one) stays in the owner's audit log.
HISTORY_ACTIONS = (
    "deal.created",
    "deal.registered",
    "deal.updated",
    "deal.stage_changed",
    "deal.registration_approved",
    "deal.registration_rejected",
    "deal.registration_expired",
)
HISTORY_LIMIT = 50
#: ``deal.updated`` records columns; the derived conflict keys are not worth a mention.
EDITED_FIELDS = {
    "customer": "customer",
    "name": "name",
    "contact_name": "contact",
    "contact_email": "contact email",
    "vat_number": "VAT number",
    "country": "country",
    "region": "region",
    "industry": "industry",
    "product_line": "product line",
    "campaign": "campaign",
    "amount": "amount",
    "expected_close": "expected close",
    "notes": "notes",
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    what: str
    who: str


@dataclass(frozen=True)
class DealHistory:
    lines: list[HistoryLine]
    #: More entries exist than :data:`HISTORY_LIMIT`; the oldest are not shown.
    truncated: bool


def deal_history(db: Session, deal: Deal, viewer: User) -> DealHistory:
    """What happened to ``deal``, newest first, as ``viewer`` may read it.

    The text is built from each entry's action and before/after, never from its summary:
    summaries are written for the owner's audit log (a registration's summary counts its conflicts).
    """
    rows = db.execute(
        select(
            AuditEntry.at,
            AuditEntry.action,
            AuditEntry.before,
            AuditEntry.after,
            AuditEntry.actor_user_id,
            AuditEntry.actor_org_id,
            User.name,
            User.email,
            Organization.name,
        )
        .outerjoin(User, User.id == AuditEntry.actor_user_id)
        .outerjoin(Organization, Organization.id == AuditEntry.actor_org_id)
        .where(
            AuditEntry.target_type == Deal.__name__,
            AuditEntry.target_id == str(deal.id),
            AuditEntry.action.in_(HISTORY_ACTIONS),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(HISTORY_LIMIT + 1)
    ).all()
    lines = [
        HistoryLine(
            at,
            _what(action, before or {}, after or {}),
            _who(deal, viewer, user_id, org_id, user_name or user_email or "", org_name or ""),
        )
        for at, action, before, after, user_id, org_id, user_name, user_email, org_name in rows
    ]
    return DealHistory(lines[:HISTORY_LIMIT], len(lines) > HISTORY_LIMIT)


def _what(action: str, before: dict, after: dict) -> str:
    if action == "deal.stage_changed":
        return f"Stage: {_stage(before.get('stage'))} → {_stage(after.get('stage'))}"
    if action == "deal.updated":
        fields = [label for column, label in EDITED_FIELDS.items() if column in after]
        return f"Edited: {', '.join(fields)}" if fields else "Edited"
    if action == "deal.registration_approved":
        until = after.get("protected_until")
        if until:
            return (
                f"Registration approved, protected until {long_date(datetime.fromisoformat(until))}"
            )
        return "Registration approved"
    if action == "deal.created":
        return "Created from a lead" if after.get("lead") else "Created"
    return {
        "deal.registered": "Registered",
        "deal.registration_rejected": "Registration rejected",
        "deal.registration_expired": "Protection ended",
    }[action]


def _stage(value: str | None) -> str:
    try:
        return DealStage(value).label
    except ValueError:
        return value or "?"


def _who(
    deal: Deal, viewer: User, user_id: int | None, org_id: int | None, person: str, org: str
) -> str:
    """A colleague by name, the owner by its name; any other organization only to the owner.

    The deal page hides who works a deal from everyone but the owner and the partner, and a
    partner must never learn of a competing registrant, so other organizations stay unnamed.
    """
    if user_id is None:
        return "Concord (automatic)"
    if org_id == viewer.organization_id:
        return person
    if org_id == deal.owner_org_id or viewer.organization_id == deal.owner_org_id:
        return org
    if org_id == deal.partner_org_id:
        return "the partner"
    return "another organization"
