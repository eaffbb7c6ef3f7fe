"""Read-side helpers for the EDI pages, all built on partners.sharing's scoped selects."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from integrations.edi_exchange.models import EdiInterchange, OrderDocument, TradingPartner
from integrations.edi_exchange.sharing import trading_partners, visible_interchanges
from partners.models import User
from portal.orders.models import Order


def interchange_list(user: User, *, direction: str = "", status: str = "") -> Select:
    query = visible_interchanges(user).order_by(EdiInterchange.id.desc())
    if direction:
        query = query.where(EdiInterchange.direction == direction)
    if status:
        query = query.where(EdiInterchange.status == status)
    return query


def profiles_for(db: Session, user: User) -> list[TradingPartner]:
    return list(db.scalars(trading_partners(user).order_by(TradingPartner.id)))


def documents_of(db: Session, order: Order) -> list[OrderDocument]:
    """The EDI documents about an order the user may already see."""
    return list(
        db.scalars(
            select(OrderDocument)
            .where(OrderDocument.order_id == order.id)
            .join(OrderDocument.interchange)
            .order_by(EdiInterchange.id)
        )
    )


def responses_to(db: Session, interchange: EdiInterchange) -> list[EdiInterchange]:
    return list(
        db.scalars(select(EdiInterchange).where(EdiInterchange.responds_to_id == interchange.id))
    )


def orders_from(db: Session, interchange: EdiInterchange) -> list[Order]:
    return list(
        db.scalars(
            select(Order)
            .join(OrderDocument, OrderDocument.order_id == Order.id)
            .where(
                OrderDocument.interchange_id == interchange.id,
                OrderDocument.kind == "purchase_order",
            )
            .order_by(Order.id)
        )
    )


def stored_blobs(db: Session) -> set[str]:
    """Every stored file an interchange row refers to (for the storage sweeper and verifier)."""
    return set(db.scalars(select(EdiInterchange.blob_sha256).distinct()))
