"""Read-side helpers for the orders pages, built on partners.sharing's scoped select."""

from __future__ import annotations

from sqlalchemy import Select

from partners.models import User
from portal.orders.models import Order
from portal.orders.sharing import visible_orders


def order_list(user: User, *, status: str = "", number: str = "") -> Select:
    query = visible_orders(user).order_by(Order.created_at.desc(), Order.id.desc())
    if status:
        query = query.where(Order.status == status)
    if number:
        query = query.where(Order.number.contains(number.strip()))
    return query
