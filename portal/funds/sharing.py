"""Fund requests as the sharing engine sees them: the vendor owns them, the requesting partner
takes part; sharing rules reach none (one partner's funds are nobody else's business), though
the vendor may share one explicitly."""

from __future__ import annotations

from sqlalchemy import Select, false
from sqlalchemy.orm import Session

from partners.models import User
from partners.sharing.grant_tables import grant_table
from partners.sharing.kinds import SharedKind
from partners.sharing.levels import AccessLevel
from partners.sharing.models import RecordType
from partners.sharing.records import get_record, visible_records
from partners.sharing.registry import register_kind
from portal.funds.models import FundRequest

FundRequestGrant = grant_table("fund_request", FundRequest.__tablename__)

FUND_REQUESTS = register_kind(
    SharedKind(
        record_type=RecordType.fund_request,
        model=FundRequest,
        grant=FundRequestGrant,
        list_criteria={},
        amount=FundRequest.amount_requested,
        score=None,
        rule_scope=false,
        participants=(("partner_org_id", AccessLevel.edit),),
        participant_labels={"partner_org_id": "requested by {}"},
        user_columns=("requested_by_id",),
    )
)


def visible_fund_requests(user: User, *, db: Session | None = None) -> Select[tuple[FundRequest]]:
    return visible_records(FUND_REQUESTS, user, db=db)


def get_fund_request(
    db: Session, user: User, request_id: int, min_level: AccessLevel = AccessLevel.view
) -> FundRequest:
    return get_record(db, user, FUND_REQUESTS, request_id, min_level)
