"""Who sees EDI traffic: trading partners and interchanges follow their trading partner, seen
by the vendor that runs it and the distributor it names. Anything else answers NotFound (404).
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from integrations.edi_exchange.models import EdiInterchange, TradingPartner
from partners.context import NotFound
from partners.models import User


def trading_partners(user: User) -> Select[tuple[TradingPartner]]:
    org = user.organization_id
    return select(TradingPartner).where(
        or_(TradingPartner.vendor_org_id == org, TradingPartner.organization_id == org)
    )


def get_trading_partner(db: Session, user: User, profile_id: int) -> TradingPartner:
    profile = db.get(TradingPartner, profile_id)
    if profile is None or user.organization_id not in (
        profile.vendor_org_id,
        profile.organization_id,
    ):
        raise NotFound()
    return profile


def visible_interchanges(user: User) -> Select[tuple[EdiInterchange]]:
    org = user.organization_id
    return (
        select(EdiInterchange)
        .join(EdiInterchange.trading_partner)
        .where(or_(TradingPartner.vendor_org_id == org, TradingPartner.organization_id == org))
    )


def get_interchange(db: Session, user: User, interchange_id: int) -> EdiInterchange:
    interchange = db.get(EdiInterchange, interchange_id)
    if interchange is None:
        raise NotFound()
    get_trading_partner(db, user, interchange.trading_partner_id)
    return interchange
