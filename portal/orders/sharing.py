"""Who sees orders: the vendor that owns them and the buyer that takes part.

Orders are shared by participation only (no grants, no rules); their parties never change.
Anything else answers NotFound (404). Documents may be attached to an order.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from partners.models import User
from partners.sharing.kinds import PartyRecords
from partners.sharing.registry import register_party_records
from portal.orders.models import Order

ORDERS = register_party_records(
    PartyRecords("order", Order, (Order.owner_org_id, Order.buyer_org_id))
)


def visible_orders(user: User) -> Select[tuple[Order]]:
    return select(Order).where(ORDERS.seen_by(user.organization_id))


def get_order(db: Session, user: User, order_id: int) -> Order:
    return ORDERS.get(db, user.organization_id, order_id)
