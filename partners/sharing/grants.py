"""Keeping ``lead_grant`` in step with leads, rules and shares, in set-based SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, insert, literal, select, true, update
from sqlalchemy.orm import Session

from partners.sharing.audiences import audience_id, organization_audience
from partners.sharing.criteria import Criteria, criteria_clause
from partners.sharing.levels import AccessLevel
from partners.sharing.models import ExplicitShare, GrantSource, LeadGrant, SharingRule
from portal.leads.models import Lead, LeadExclusion, LeadStatus

GRANT_COLUMNS = ["audience_id", "lead_id", "source_kind", "source_id", "level", "in_pool"]


def rule_matches(rule: SharingRule) -> Select:
    """The owner's leads in the pool that the rule's criteria select."""
    return select(Lead.id).where(
        Lead.owner_org_id == rule.owner_org_id,
        Lead.status == LeadStatus.available,
        criteria_clause(Criteria.from_json(rule.criteria)),
    )


def _rule_grant_rows(matches: Select, rule: SharingRule) -> Select:
    leads = matches.subquery()
    return select(
        literal(rule.audience_id),
        leads.c.id,
        literal(int(GrantSource.rule)),
        literal(rule.id),
        literal(int(rule.level)),
        true(),  # rule_matches selects only leads in the pool
    )


def apply_rule(db: Session, rule: SharingRule) -> int:
    """Grant the rule's audience every matching lead (INSERT … SELECT); returns rows added."""
    rows = _rule_grant_rows(rule_matches(rule), rule)
    table = LeadGrant.__table__  # Core, so the driver's row count comes back
    return db.execute(insert(table).from_select(GRANT_COLUMNS, rows)).rowcount


def _withdraw(db: Session, kind: GrantSource, source_id: int) -> int:
    result = db.execute(
        delete(LeadGrant)
        .where(LeadGrant.source_kind == kind, LeadGrant.source_id == source_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def withdraw_rule(db: Session, rule: SharingRule) -> int:
    return _withdraw(db, GrantSource.rule, rule.id)


def _insert(db: Session, rows: list[dict]) -> None:
    db.execute(insert(LeadGrant), rows)


def _row(audience: int, lead: Lead, kind: GrantSource, source: int, level: AccessLevel) -> dict:
    return {
        "audience_id": audience,
        "lead_id": lead.id,
        "source_kind": kind,
        "source_id": source,
        "level": level,
        "in_pool": lead.status == LeadStatus.available,
    }


def grant_share(db: Session, share: ExplicitShare) -> None:
    lead = db.get_one(Lead, share.record_id)
    _insert(db, [_row(share.audience_id, lead, GrantSource.share, share.id, share.level)])


def withdraw_share(db: Session, share: ExplicitShare) -> int:
    return _withdraw(db, GrantSource.share, share.id)


def exclude_organization(
    db: Session, lead: Lead, org_id: int, cause: str, reason: str, at: datetime
) -> None:
    """Never offer the lead to this organization again: every grant stops reaching it
    (``records.grant_reaches`` honours exclusions), whatever rule or share made it."""
    if db.get(LeadExclusion, (lead.id, org_id)) is None:
        db.add(
            LeadExclusion(
                lead_id=lead.id, organization_id=org_id, cause=cause, reason=reason, created_at=at
            )
        )
        db.flush()


def refresh_lead(db: Session, lead: Lead) -> None:
    """Re-derive the lead's ownership, participation and rule grants; shares stay as they are
    but follow the lead in and out of the pool.

    Called whenever a lead is created or its attributes, status or claimant change. Rule grants
    exist only while the lead is in the pool.
    """
    db.flush()
    db.execute(
        delete(LeadGrant)
        .where(LeadGrant.lead_id == lead.id, LeadGrant.source_kind != GrantSource.share)
        .execution_options(synchronize_session=False)
    )
    db.execute(
        update(LeadGrant)
        .where(LeadGrant.lead_id == lead.id)
        .values(in_pool=lead.status == LeadStatus.available)
        .execution_options(synchronize_session=False)
    )
    parties = [(lead.owner_org_id, GrantSource.ownership, AccessLevel.manage)]
    if lead.claimed_by_org_id is not None:
        parties.append((lead.claimed_by_org_id, GrantSource.participation, AccessLevel.edit))
    _insert(
        db,
        [
            _row(audience_id(db, organization_audience(org_id)), lead, kind, org_id, level)
            for org_id, kind, level in parties
        ],
    )
    if lead.status != LeadStatus.available:
        return
    rules = db.scalars(
        select(SharingRule).where(
            SharingRule.owner_org_id == lead.owner_org_id, SharingRule.active.is_(True)
        )
    ).all()
    for rule in rules:
        matches = rule_matches(rule).where(Lead.id == lead.id)
        db.execute(insert(LeadGrant).from_select(GRANT_COLUMNS, _rule_grant_rows(matches, rule)))


def grant_new_leads(db: Session, owner_org_id: int, lead_ids: Select[tuple[int]]) -> int:
    """Set-based :func:`refresh_lead` for many new leads of one owner (a bulk import): the
    ownership grant for each, and while they are in the pool, each active rule's. Returns rows
    added. ``lead_ids`` selects the new leads' ids (e.g. by import batch)."""
    db.flush()
    owner_audience = audience_id(db, organization_audience(owner_org_id))
    new = select(Lead.id, Lead.status).where(Lead.id.in_(lead_ids)).subquery()
    ownership = select(
        literal(owner_audience),
        new.c.id,
        literal(int(GrantSource.ownership)),
        literal(owner_org_id),
        literal(int(AccessLevel.manage)),
        new.c.status == LeadStatus.available,
    )
    table = LeadGrant.__table__
    added = db.execute(insert(table).from_select(GRANT_COLUMNS, ownership)).rowcount
    rules = db.scalars(
        select(SharingRule).where(
            SharingRule.owner_org_id == owner_org_id, SharingRule.active.is_(True)
        )
    ).all()
    for rule in rules:
        matches = rule_matches(rule).where(Lead.id.in_(lead_ids))
        added += db.execute(
            insert(table).from_select(GRANT_COLUMNS, _rule_grant_rows(matches, rule))
        ).rowcount
    return added
