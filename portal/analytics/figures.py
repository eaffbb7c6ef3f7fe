"""The dashboards' building blocks: a scope of records the viewer may see, filtered, and the
aggregates every figure is made of.

Every count starts from ``visible_leads`` / ``visible_deals`` (the lists' own predicate), so a
figure can never include a record its viewer could not open. Figures are queried live; see
docs/performance.md for why no rollup tables are needed yet.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from partners.models import Partnership, User
from partners.roles import Tier
from portal.deals.models import Deal, DealStage
from portal.deals.sharing import visible_deals
from portal.leads.models import Lead, LeadExclusion, LeadStatus
from portal.leads.sharing import visible_leads


@dataclass(frozen=True)
class Filters:
    """What the filter bar narrows every figure to (``None``/empty: no narrowing)."""

    since: datetime | None = None
    region: str = ""
    tier: Tier | None = None
    #: The partner organization (the lead's claimant, the deal's partner).
    partner_id: int | None = None


@dataclass(frozen=True)
class Scope:
    """The WHERE clauses of the leads, deals and returned claims that figures count."""

    db: Session
    leads: tuple[ColumnElement[bool], ...]
    deals: tuple[ColumnElement[bool], ...]
    #: Returned claims (lead exclusions) count only on leads of this scope's owner(s).
    returns: tuple[ColumnElement[bool], ...]


def _tier_members(owner_id: int, tier: Tier):
    return select(Partnership.child_id).where(
        Partnership.parent_id == owner_id, Partnership.tier == tier
    )


def scope(
    db: Session,
    viewer: User,
    owner_id: int,
    filters: Filters = Filters(),
    *,
    reached_by: ColumnElement[bool] | None = None,
) -> Scope:
    """The owner's leads and deals the viewer may see, narrowed by ``filters``; ``reached_by``
    narrows leads further (a partner's scorecard: only the leads that reach that partner)."""
    sees_lead = visible_leads(viewer, db=db).whereclause
    lead_where = [sees_lead, Lead.owner_org_id == owner_id]
    deal_where = [visible_deals(viewer, db=db).whereclause, Deal.owner_org_id == owner_id]
    # A returned claim leaves the lead out of its claimant's sight for good, so the claimant
    # counts its own organization's returns; anyone else counts returns on leads it sees.
    return_where = [
        Lead.owner_org_id == owner_id,
        or_(LeadExclusion.organization_id == viewer.organization_id, sees_lead),
    ]
    if reached_by is not None:
        lead_where.append(reached_by)
    if filters.since is not None:
        lead_where.append(Lead.created_at >= filters.since)
        deal_where.append(Deal.created_at >= filters.since)
        return_where.append(LeadExclusion.created_at >= filters.since)
    if filters.region:
        lead_where.append(Lead.region == filters.region)
        deal_where.append(Deal.region == filters.region)
        return_where.append(Lead.region == filters.region)
    if filters.tier is not None:
        members = _tier_members(owner_id, filters.tier)
        lead_where.append(Lead.claimed_by_org_id.in_(members))
        deal_where.append(Deal.partner_org_id.in_(members))
        return_where.append(LeadExclusion.organization_id.in_(members))
    if filters.partner_id is not None:
        lead_where.append(Lead.claimed_by_org_id == filters.partner_id)
        deal_where.append(Deal.partner_org_id == filters.partner_id)
        return_where.append(LeadExclusion.organization_id == filters.partner_id)
    return Scope(db, tuple(lead_where), tuple(deal_where), tuple(return_where))


def hours_between(db: Session, later, earlier) -> ColumnElement[float]:
    """``later - earlier`` in hours, on either backend."""
    if db.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def medians(
    db: Session,
    value: ColumnElement[float],
    where: Iterable[ColumnElement[bool]],
    group: ColumnElement | None = None,
) -> dict[Hashable, float]:
    """The median of ``value`` over the rows matching ``where``, per ``group`` (key ``None``
    without one). PostgreSQL computes it; SQLite has no percentile, so its values come back
    sorted and the median is taken here."""
    where = [*where, value.is_not(None)]
    key = group if group is not None else None
    if db.get_bind().dialect.name == "postgresql":
        median = func.percentile_cont(0.5).within_group(value)
        columns = (key, median) if key is not None else (median,)
        query = select(*columns).where(*where)
        if key is not None:
            query = query.group_by(key)
            return {row[0]: float(row[1]) for row in db.execute(query)}
        result = db.scalar(query)
        return {} if result is None else {None: float(result)}
    columns = (key, value) if key is not None else (value,)
    values: dict[Hashable, list[float]] = defaultdict(list)
    for row in db.execute(select(*columns).where(*where)):
        values[row[0] if key is not None else None].append(float(row[-1]))
    return {group_key: statistics.median(found) for group_key, found in values.items()}


def won_deal_of(db: Session, viewer: User | None) -> ColumnElement[bool]:
    """The lead converted into a deal that is won (and that ``viewer`` sees; ``None``: the
    owner's own aggregate, see :func:`portal.analytics.service.tier_medians`)."""
    conditions = [Deal.lead_id == Lead.id, Deal.stage == DealStage.won]
    if viewer is not None:
        conditions.append(visible_deals(viewer, db=db).whereclause)
    return exists().where(*conditions)


def funnel_columns(db: Session, viewer: User | None, claimant: int | None = None) -> tuple:
    """Published, claimed, accepted, converted and won leads, as five filtered counts over one
    scan; from the claim on only the ``claimant``'s, when given."""
    taken = Lead.claimed_at.is_not(None)
    if claimant is not None:
        taken = and_(taken, Lead.claimed_by_org_id == claimant)
    converted = and_(taken, Lead.status == LeadStatus.converted)
    return (
        func.count(Lead.id).filter(Lead.status != LeadStatus.new),
        func.count(Lead.id).filter(taken),
        func.count(Lead.id).filter(and_(taken, Lead.accepted_at.is_not(None))),
        func.count(Lead.id).filter(converted),
        func.count(Lead.id).filter(and_(converted, won_deal_of(db, viewer))),
    )


LeadFigures = tuple[tuple[int, ...], float | None, float | None]


def lead_figures(
    db: Session,
    viewer: User | None,
    where: Iterable[ColumnElement[bool]],
    group: ColumnElement | None = None,
) -> dict[Hashable, LeadFigures]:
    """Per ``group`` value (key ``None`` without one): the funnel's five counts and the median
    hours to claim and to accept over ``where``. On PostgreSQL one scan (the medians are
    aggregates beside the counts); SQLite has no percentile, so three."""
    where = list(where)
    to_claim = hours_between(db, Lead.claimed_at, Lead.created_at)
    to_accept = hours_between(db, Lead.accepted_at, Lead.claimed_at)
    keys = (group,) if group is not None else ()
    counts = funnel_columns(db, viewer)
    if db.get_bind().dialect.name == "postgresql":
        query = select(
            *keys,
            *counts,
            func.percentile_cont(0.5).within_group(to_claim),
            func.percentile_cont(0.5).within_group(to_accept),
        ).where(*where)
        rows = db.execute(query.group_by(*keys) if keys else query)
        return {
            (row[0] if keys else None): (tuple(row[-7:-2]), _float(row[-2]), _float(row[-1]))
            for row in rows
        }
    query = select(*keys, *counts).where(*where)
    found = db.execute(query.group_by(*keys) if keys else query)
    claim, accept = medians(db, to_claim, where, group), medians(db, to_accept, where, group)
    return {
        (key := row[0] if keys else None): (tuple(row[-5:]), claim.get(key), accept.get(key))
        for row in found
    }


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def rate(part: int | Decimal, whole: int | Decimal) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when there is no whole."""
    return round(float(part) * 100 / float(whole), 1) if whole else None


def rounded(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 1)


def returns_by_cause(
    db: Session, where: Iterable[ColumnElement[bool]], group: ColumnElement | None = None
) -> dict[tuple, int]:
    """Returned claims (``claim_expired``, ``declined``) counted by (group, cause)."""
    columns = (group, LeadExclusion.cause) if group is not None else (LeadExclusion.cause,)
    query = (
        select(*columns, func.count())
        .select_from(LeadExclusion)
        .join(Lead, Lead.id == LeadExclusion.lead_id)
        .where(*where)
        .group_by(*columns)
    )
    return {tuple(row[:-1]): row[-1] for row in db.execute(query)}
