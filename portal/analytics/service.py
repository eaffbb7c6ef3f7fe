"""The vendor channel dashboard and the partner scorecard: each figure a table, each table
also a chart and a CSV file (``portal.analytics.views``)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from partners.models import Organization, Partnership, User
from partners.roles import OrgStatus
from partners.sharing import seen_by_partner
from portal.analytics.figures import (
    Filters,
    LeadFigures,
    Scope,
    lead_figures,
    rate,
    returns_by_cause,
    rounded,
    scope,
)
from portal.deals.models import Deal, DealStage, Registration
from portal.leads.models import Lead, LeadExclusion, LeadStatus
from portal.leads.sharing import LEADS

Value = int | float | Decimal | str | None

FUNNEL_STAGES = ("Published", "Claimed", "Accepted", "Converted", "Won")
#: A partner sees its tier's medians only when the tier has at least this many partners, so a
#: median never stands for one or two identifiable competitors.
MIN_PEERS = 5
DIRECT = "Direct (no partner)"


@dataclass(frozen=True)
class Table:
    """One figure: the rows a chart draws and the table beside it shows, and its CSV file."""

    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    #: The column the chart draws as bars (its first column labels them); None: no chart.
    bar: int | None = None

    #: How many leading columns name a row (the chart's bar labels).
    labels: int = 1

    def bars(self) -> list[tuple[str, float]]:
        """(label, value) for each row: the chart's data."""
        assert self.bar is not None
        return [
            (" · ".join(str(cell) for cell in row[: self.labels]), float(row[self.bar] or 0))
            for row in self.rows
        ]


@dataclass(frozen=True)
class Dashboard:
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _funnel(
    found: Sequence[int], stages: Sequence[str] = FUNNEL_STAGES
) -> tuple[tuple[Value, ...], ...]:
    rows, previous = [], None
    for stage, count in zip(stages, found, strict=True):
        rows.append((stage, count, rate(count, previous) if previous is not None else None))
        previous = count
    return tuple(rows)


def _funnel_table(found: Sequence[int]) -> Table:
    return Table(
        "funnel",
        "Lead funnel",
        "Leads published to partners, and how many of them were claimed, accepted, converted "
        "into a deal and won; each stage's share of the stage before it.",
        ("Stage", "Leads", "Of previous stage (%)"),
        _funnel(found),
        bar=1,
    )


def _pipeline_by_stage(db: Session, where: Scope) -> Table:
    found = {
        stage: (count, amount)
        for stage, count, amount in db.execute(
            select(Deal.stage, func.count(), func.coalesce(func.sum(Deal.amount), 0))
            .where(*where.deals)
            .group_by(Deal.stage)
        )
    }
    rows = tuple((stage.label, *(found.get(stage) or (0, Decimal(0)))) for stage in DealStage)
    return Table(
        "pipeline_stage",
        "Pipeline by stage",
        "Deals at each stage and their total amount.",
        ("Stage", "Deals", "Amount"),
        tuple((label, count, Decimal(amount)) for label, count, amount in rows),
        bar=2,
    )


def _pipeline_by_partner(db: Session, where: Scope) -> Table:
    open_deals = Deal.stage.not_in([DealStage.won, DealStage.lost])
    amount = func.coalesce(func.sum(Deal.amount), 0)
    query = (
        select(Organization.name, func.count(Deal.id), amount)
        .select_from(Deal)
        .outerjoin(Organization, Organization.id == Deal.partner_org_id)
        .where(*where.deals, open_deals)
        .group_by(Organization.name)
        .order_by(amount.desc(), Organization.name)
    )
    return Table(
        "pipeline_partner",
        "Open pipeline by partner",
        "Open deals (not won or lost) of each partner and their total amount, largest first.",
        ("Partner", "Open deals", "Amount"),
        tuple((name or DIRECT, count, Decimal(total)) for name, count, total in db.execute(query)),
        bar=2,
    )


def _win_rate_by_tier_and_region(db: Session, where: Scope, owner_id: int) -> Table:
    won = Deal.stage == DealStage.won
    tier = Partnership.tier
    query = (
        select(
            tier,
            Deal.region,
            func.count(Deal.id).filter(won),
            func.count(Deal.id),
            func.coalesce(func.sum(Deal.amount).filter(won), 0),
        )
        .select_from(Deal)
        .outerjoin(
            Partnership,
            (Partnership.parent_id == owner_id) & (Partnership.child_id == Deal.partner_org_id),
        )
        .where(*where.deals, Deal.stage.in_([DealStage.won, DealStage.lost]))
        .group_by(tier, Deal.region)
        .order_by(tier, Deal.region)
    )
    rows = tuple(
        (
            found_tier.label if found_tier is not None else "Direct",
            region or "—",
            won_count,
            closed,
            rate(won_count, closed),
            Decimal(revenue),
        )
        for found_tier, region, won_count, closed, revenue in db.execute(query)
    )
    return Table(
        "win_rate",
        "Win rate and revenue by tier and region",
        "Closed deals (won or lost) by the partner's tier and the deal's region: how many were "
        "won, the win rate and the revenue won.",
        ("Tier", "Region", "Won", "Closed", "Win rate (%)", "Revenue"),
        rows,
        bar=5,
        labels=2,
    )


def _timings_and_returns(
    db: Session, where: Scope, to_claim: float | None, to_accept: float | None
) -> Table:
    returns = returns_by_cause(db, where.returns)
    waiting = db.scalar(
        select(func.count(Deal.id)).where(*where.deals, Deal.registration == Registration.submitted)
    )
    return Table(
        "headline",
        "Response times, returns and registrations",
        "Median hours from a lead's creation to its claim and from claim to acceptance, claims "
        "sent back (the SLA lapsed, or the partner declined) and deal registrations awaiting "
        "review.",
        ("Figure", "Value"),
        (
            ("Median hours to claim", rounded(to_claim)),
            ("Median hours to accept", rounded(to_accept)),
            ("Claims returned: SLA lapsed", returns.get(("claim_expired",), 0)),
            ("Claims returned: declined", returns.get(("declined",), 0)),
            ("Registrations waiting", waiting or 0),
        ),
    )


def vendor_dashboard(db: Session, viewer: User, filters: Filters) -> Dashboard:
    """The channel dashboard of the viewer's organization, over what the viewer may see."""
    owner_id = viewer.organization_id
    where = scope(db, viewer, owner_id, filters)
    funnel, to_claim, to_accept = lead_figures(db, viewer, where.leads)[None]
    return Dashboard(
        (
            _funnel_table(funnel),
            _timings_and_returns(db, where, to_claim, to_accept),
            _pipeline_by_stage(db, where),
            _pipeline_by_partner(db, where),
            _win_rate_by_tier_and_region(db, where, owner_id),
        )
    )


# The partner scorecard --------------------------------------------------------------------------

SCORECARD_FIGURES = (
    "Leads received",
    "Leads claimed",
    "Leads accepted",
    "Acceptance rate (%)",
    "Leads won",
    "Deals won",
    "Deals closed",
    "Win rate (%)",
    "Revenue",
    "Median hours to claim",
    "Median hours to accept",
    "SLA lapses",
    "Declined claims",
)


def _figures(
    funnel: Sequence[int],
    won: int,
    closed: int,
    revenue: Decimal,
    to_claim: float | None,
    to_accept: float | None,
    lapses: int,
    declines: int,
) -> tuple[Value, ...]:
    """One partner's scorecard column, in the order of :data:`SCORECARD_FIGURES`."""
    received, claimed, accepted, _converted, leads_won = funnel
    return (
        received,
        claimed,
        accepted,
        rate(accepted, claimed + lapses + declines),
        leads_won,
        won,
        closed,
        rate(won, closed),
        revenue,
        rounded(to_claim),
        rounded(to_accept),
        lapses,
        declines,
    )


def _deal_results(db: Session, deals: Sequence, group) -> dict:
    """(won, closed, revenue) per ``group`` value, over closed deals."""
    won = Deal.stage == DealStage.won
    query = (
        select(
            group,
            func.count(Deal.id).filter(won),
            func.count(Deal.id),
            func.coalesce(func.sum(Deal.amount).filter(won), 0),
        )
        .where(*deals, Deal.stage.in_([DealStage.won, DealStage.lost]))
        .group_by(group)
    )
    return {row[0]: (row[1], row[2], Decimal(row[3])) for row in db.execute(query)}


def _columns(db: Session, viewer: User | None, where: Scope, partner_ids: list[int]) -> dict:
    """Each partner's scorecard column over ``where``; leads received are counted apart."""
    claimant = Lead.claimed_by_org_id
    leads = [*where.leads, claimant.in_(partner_ids)]
    leads_of = lead_figures(db, viewer, leads, claimant)
    deals = _deal_results(
        db, [*where.deals, Deal.partner_org_id.in_(partner_ids)], Deal.partner_org_id
    )
    returns = returns_by_cause(
        db,
        [*where.returns, LeadExclusion.organization_id.in_(partner_ids)],
        LeadExclusion.organization_id,
    )
    nothing: LeadFigures = ((0,) * 5, None, None)
    columns = {}
    for partner in partner_ids:
        funnel, to_claim, to_accept = leads_of.get(partner, nothing)
        columns[partner] = _figures(
            (None, *funnel[1:]),
            *deals.get(partner, (0, 0, Decimal(0))),
            to_claim,
            to_accept,
            returns.get((partner, "claim_expired"), 0),
            returns.get((partner, "declined"), 0),
        )
    return columns


def _received(db: Session, viewer: User, partnership: Partnership) -> int:
    """The vendor's leads in the pool or past it that reach the partner, as the viewer sees
    them (a vendor: those it sees that reach the partner; the partner: those it sees)."""
    reach = None
    if viewer.organization_id == partnership.parent_id:
        reach = seen_by_partner(db, viewer, partnership.child, LEADS).whereclause
    where = scope(db, viewer, partnership.parent_id, reached_by=reach)
    return (
        db.scalar(select(func.count(Lead.id)).where(*where.leads, Lead.status != LeadStatus.new))
        or 0
    )


def tier_peers(db: Session, partnership: Partnership) -> list[int]:
    """The active partners of the partnership's vendor in its tier (the partner among them)."""
    return list(
        db.scalars(
            select(Partnership.child_id).where(
                Partnership.parent_id == partnership.parent_id,
                Partnership.tier == partnership.tier,
                Partnership.status == OrgStatus.active,
            )
        )
    )


def tier_medians(db: Session, vendor_id: int, peers: list[int]) -> tuple[Value, ...]:
    """The median of each scorecard figure over ``peers``. Counted over the vendor's own
    records (no viewer's predicate): only medians leave here, and a partner sees them only
    from :data:`MIN_PEERS` partners on."""
    owner = Lead.owner_org_id == vendor_id
    where = Scope(db, (owner,), (Deal.owner_org_id == vendor_id,), (owner,))
    columns = list(_columns(db, None, where, peers).values())

    def median(index: int) -> Value:
        found = [column[index] for column in columns if column[index] is not None]
        return statistics.median(found) if found else None

    return tuple(median(i) for i in range(len(SCORECARD_FIGURES)))


def scorecard(db: Session, viewer: User, partnership: Partnership) -> Dashboard:
    """The partnership's partner, as ``viewer`` (its vendor, or the partner itself) may see it,
    beside its tier's medians."""
    partner_id = partnership.child_id
    own_scope = scope(db, viewer, partnership.parent_id)
    column = list(_columns(db, viewer, own_scope, [partner_id])[partner_id])
    column[0] = _received(db, viewer, partnership)
    vendor_side = viewer.organization_id == partnership.parent_id
    peers = tier_peers(db, partnership)
    peer_medians: tuple[Value, ...] = (None,) * len(SCORECARD_FIGURES)
    if vendor_side or len(peers) >= MIN_PEERS:
        peer_medians = tier_medians(db, partnership.parent_id, peers)
    # How many partners share the tier is the vendor's to know.
    compared = f"the {len(peers)} active" if vendor_side else "its tier's"
    reached = (column[0], column[1], column[2], column[4])
    return Dashboard(
        (
            Table(
                "scorecard",
                f"Scorecard of {partnership.child.name}",
                f"Leads, deals, response times and SLA lapses of {partnership.child.name} with "
                f"{partnership.parent.name}, beside the median of {compared} "
                f"{partnership.tier.label} partners.",
                ("Figure", partnership.child.name, f"{partnership.tier.label} median"),
                tuple(zip(SCORECARD_FIGURES, column, peer_medians, strict=True)),
            ),
            Table(
                "partner_funnel",
                "Leads received, claimed, accepted and won",
                "Of the leads that reached the partner: how many it claimed, accepted and won.",
                ("Stage", "Leads", "Of previous stage (%)"),
                _funnel(reached, ("Received", "Claimed", "Accepted", "Won")),
                bar=1,
            ),
        )
    )
