"""Keeping each kind's grant table in step with its records, rules and shares, in set-based SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, insert, literal, select, true, update
from sqlalchemy.orm import Session

from partners.sharing.audiences import audience_id, organization_audience
from partners.sharing.criteria import Criteria, criteria_clause
from partners.sharing.kinds import LEADS, SharedKind, kind_of
from partners.sharing.levels import AccessLevel
from partners.sharing.models import ExplicitShare, GrantSource, SharingRule
from portal.leads.models import Lead, LeadExclusion, LeadStatus


def rule_matches(rule: SharingRule) -> Select:
    """The ids of the owner's records (of the rule's kind) that the rule's criteria select."""
    kind = kind_of(rule.record_type)
    model = kind.model
    return select(model.id).where(
        model.owner_org_id == rule.owner_org_id,
        kind.rule_scope(),
        criteria_clause(Criteria.from_json(rule.criteria), kind),
    )


def _rule_grant_rows(kind: SharedKind, matches: Select, rule: SharingRule) -> Select:
    records = matches.subquery()
    columns: list[Any] = [
        literal(rule.audience_id),
        records.c.id,
        literal(int(GrantSource.rule)),
        literal(rule.id),
        literal(int(rule.level)),
    ]
    if kind.pooled:
        columns.append(true())  # rule grants exist only for leads in the pool
    return select(*columns)


def apply_rule(db: Session, rule: SharingRule, only: ColumnElement[bool] | None = None) -> int:
    """Grant the rule's audience every matching record (INSERT … SELECT), or only those of
    them that ``only`` selects; returns rows added."""
    kind = kind_of(rule.record_type)
    matches = rule_matches(rule)
    if only is not None:
        matches = matches.where(only)
    rows = _rule_grant_rows(kind, matches, rule)
    table = kind.grant.__table__  # Core, so the driver's row count comes back
    return db.execute(insert(table).from_select(kind.grant_columns(), rows)).rowcount


def apply_owner_rules(db: Session, kind: SharedKind, owner_org_id: int, only: ColumnElement) -> int:
    """Apply each of the owner's active rules for this kind to the records ``only`` selects."""
    rules = db.scalars(
        select(SharingRule).where(
            SharingRule.owner_org_id == owner_org_id,
            SharingRule.record_type == kind.record_type,
            SharingRule.active.is_(True),
        )
    ).all()
    return sum(apply_rule(db, rule, only) for rule in rules)


def _withdraw(db: Session, kind: SharedKind, source: GrantSource, source_id: int) -> int:
    grant = kind.grant
    result = db.execute(
        delete(grant)
        .where(grant.source_kind == source, grant.source_id == source_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def withdraw_rule(db: Session, rule: SharingRule) -> int:
    return _withdraw(db, kind_of(rule.record_type), GrantSource.rule, rule.id)


def _row(
    kind: SharedKind, audience: int, record: Any, source: GrantSource, source_id: int, level: int
) -> dict:
    row = {
        "audience_id": audience,
        kind.grant_record.key: record.id,
        "source_kind": source,
        "source_id": source_id,
        "level": level,
    }
    if kind.pooled:
        row["in_pool"] = kind.in_pool(record)
    return row


def grant_share(db: Session, share: ExplicitShare) -> None:
    kind = kind_of(share.record_type)
    record = db.get_one(kind.model, share.record_id)
    row = _row(kind, share.audience_id, record, GrantSource.share, share.id, share.level)
    db.execute(insert(kind.grant), [row])


def withdraw_share(db: Session, share: ExplicitShare) -> int:
    return _withdraw(db, kind_of(share.record_type), GrantSource.share, share.id)


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


def refresh_record(db: Session, kind: SharedKind, record: Any) -> None:
    """Re-derive the record's ownership, participation and rule grants; shares stay as they
    are (for leads, they follow the lead in and out of the pool).

    Called whenever a record is created or its attributes, status or participants change.
    """
    db.flush()
    grant = kind.grant
    of_record = kind.grant_record == record.id
    db.execute(
        delete(grant)
        .where(of_record, grant.source_kind != GrantSource.share)
        .execution_options(synchronize_session=False)
    )
    if kind.pooled:
        db.execute(
            update(grant)
            .where(of_record)
            .values(in_pool=kind.in_pool(record))
            .execution_options(synchronize_session=False)
        )
    parties = [(record.owner_org_id, GrantSource.ownership, AccessLevel.manage)]
    for column, level in kind.participants:
        org_id = getattr(record, column)
        if org_id is not None and org_id != record.owner_org_id:
            parties.append((org_id, GrantSource.participation, level))
    rows = [
        _row(kind, audience_id(db, organization_audience(org_id)), record, source, org_id, level)
        for org_id, source, level in parties
    ]
    db.execute(insert(grant), rows)
    if not kind.pooled or kind.in_pool(record):
        apply_owner_rules(db, kind, record.owner_org_id, kind.model.id == record.id)


def refresh_lead(db: Session, lead: Lead) -> None:
    refresh_record(db, LEADS, lead)


def grant_new_leads(db: Session, owner_org_id: int, lead_ids: Select[tuple[int]]) -> int:
    """Set-based :func:`refresh_record` for many new leads of one owner (a bulk import): the
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
    table = LEADS.grant.__table__
    added = db.execute(insert(table).from_select(LEADS.grant_columns(), ownership)).rowcount
    return added + apply_owner_rules(db, LEADS, owner_org_id, Lead.id.in_(lead_ids))
