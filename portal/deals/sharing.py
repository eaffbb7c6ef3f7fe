"""Deals as the sharing engine sees them: the partner on the deal edits it, its distributor
views it; rules test the same market attributes as on leads."""

from __future__ import annotations

from sqlalchemy import Select, true
from sqlalchemy.orm import Session

from partners.models import User
from partners.sharing.grant_tables import grant_table
from partners.sharing.kinds import SharedKind, market_criteria
from partners.sharing.levels import AccessLevel
from partners.sharing.models import RecordType
from partners.sharing.records import get_record, visible_records
from partners.sharing.registry import register_kind
from portal.deals.models import Deal

DealGrant = grant_table("deal", Deal.__tablename__)

DEALS = register_kind(
    SharedKind(
        record_type=RecordType.deal,
        model=Deal,
        grant=DealGrant,
        list_criteria=market_criteria(Deal),
        amount=Deal.amount,
        score=None,
        rule_scope=true,
        participants=(
            ("partner_org_id", AccessLevel.edit),
            ("distributor_org_id", AccessLevel.view),
        ),
        participant_labels={
            "partner_org_id": "partner on the deal: {}",
            "distributor_org_id": "distributor of the deal's partner: {}",
        },
    )
)


def visible_deals(
    user: User, min_level: AccessLevel = AccessLevel.view, *, db: Session | None = None
) -> Select[tuple[Deal]]:
    return visible_records(DEALS, user, min_level, db=db)


def get_deal(
    db: Session, user: User, deal_id: int, min_level: AccessLevel = AccessLevel.view
) -> Deal:
    return get_record(db, user, DEALS, deal_id, min_level)
