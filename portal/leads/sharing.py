"""Leads as the sharing engine sees them: the kind (a pool, exclusions) and its helpers.

The engine knows no lead: what is lead-specific (the pool is ``status == available``, an
organization that let a lead lapse or declined it is never offered it again) is handed in
here through :class:`~partners.sharing.kinds.SharedKind`'s fields.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists
from sqlalchemy.orm import Session

from partners.context import ServiceContext
from partners.models import User
from partners.sharing import grants, shares
from partners.sharing.grant_tables import grant_table
from partners.sharing.kinds import SharedKind, market_criteria
from partners.sharing.levels import AccessLevel
from partners.sharing.models import ExplicitShare, RecordType
from partners.sharing.records import get_record, pool_inbox, visible_records
from partners.sharing.registry import register_kind
from portal.leads.models import Lead, LeadExclusion, LeadStatus

#: Rule rows reach a lead only while it is available: a claim leaves them (and the pool flags)
#: as they were, and the worker tidies them (``grants.prune_pool_grants``).
LeadGrant = grant_table("lead", Lead.__tablename__, pooled=True)


def _excluded(org_id: int) -> ColumnElement[bool]:
    return exists().where(
        LeadExclusion.lead_id == LeadGrant.lead_id, LeadExclusion.organization_id == org_id
    )


LEADS = register_kind(
    SharedKind(
        record_type=RecordType.lead,
        model=Lead,
        grant=LeadGrant,
        list_criteria=market_criteria(Lead),
        amount=Lead.amount,
        score=Lead.score,
        rule_scope=lambda: Lead.status == LeadStatus.available,
        pool=lambda lead: lead.status == LeadStatus.available,
        participants=(
            ("claimed_by_org_id", AccessLevel.edit),
            ("forwarded_to_org_id", AccessLevel.edit),
        ),
        participant_labels={
            "claimed_by_org_id": "claimed by {}",
            "forwarded_to_org_id": "forwarded to {}",
        },
        excluded=_excluded,
    )
)


def visible_leads(
    user: User, min_level: AccessLevel = AccessLevel.view, *, db: Session | None = None
) -> Select[tuple[Lead]]:
    return visible_records(LEADS, user, min_level, db=db)


def get_lead(
    db: Session, user: User, lead_id: int, min_level: AccessLevel = AccessLevel.view
) -> Lead:
    return get_record(db, user, LEADS, lead_id, min_level)


def lead_inbox(user: User, *, db: Session | None = None) -> Select[tuple[Lead]]:
    """The pool as this user sees it, newest first (``records.pool_inbox``)."""
    return pool_inbox(LEADS, user, db=db)


def grant_new_leads(db: Session, owner_org_id: int, lead_ids: Select[tuple[int]]) -> int:
    """Grants for a bulk import's new leads (``grants.grant_new_records``)."""
    return grants.grant_new_records(db, LEADS, owner_org_id, lead_ids)


def share_lead(ctx: ServiceContext, lead_id: int, **how) -> ExplicitShare:
    """:func:`~partners.sharing.shares.share_record` for a lead (``organization=`` …)."""
    return shares.share_record(ctx, LEADS, lead_id, **how)


def exclude_organization(
    db: Session, lead: Lead, org_id: int, cause: str, reason: str, at: datetime
) -> None:
    """Never offer the lead to this organization again: every grant stops reaching it
    (``records.grant_reaches`` honours the kind's exclusions), whatever rule or share made it."""
    if db.get(LeadExclusion, (lead.id, org_id)) is None:
        db.add(
            LeadExclusion(
                lead_id=lead.id, organization_id=org_id, cause=cause, reason=reason, created_at=at
            )
        )
        db.flush()
