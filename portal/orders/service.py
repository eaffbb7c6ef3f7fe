"""Placing, acknowledging, shipping and invoicing orders: the one way, for the portal and EDI."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import ARRAY, Row, String, any_, bindparam, insert, select

from partners import audit
from partners.context import Forbidden, ServiceContext, ServiceError
from partners.db import allocate_ids, insert_rows
from partners.models import Organization, Partnership
from partners.roles import OrgStatus, Role
from partners.sharing import require_role
from portal.orders import events
from portal.orders.models import LineStatus, Order, OrderLine, OrderStatus


@dataclass(frozen=True)
class LineInput:
    line_number: str
    quantity: Decimal
    unit: str = "EA"
    unit_price: Decimal | None = None
    product_ids: list[dict] = field(default_factory=list)
    description: str = ""


@dataclass(frozen=True)
class OrderInput:
    number: str
    order_date: date | None
    lines: list[LineInput]
    requested_delivery_date: date | None = None
    currency: str = ""
    parties: list[dict] = field(default_factory=list)


def _require_active_partnership(
    ctx: ServiceContext, vendor: Organization, buyer: Organization
) -> None:
    active = ctx.db.scalar(
        select(Partnership.id).where(
            Partnership.parent_id == vendor.id,
            Partnership.child_id == buyer.id,
            Partnership.status == OrgStatus.active,
        )
    )
    if active is None:
        raise ServiceError(f"{buyer.name} has no active partnership with {vendor.name}.")


class PlacedOrder(NamedTuple):
    id: int
    number: str


@dataclass
class Placement:
    """What placing a batch of orders did: the orders created, and refusals by number."""

    created: list[PlacedOrder] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def _earlier_orders(
    ctx: ServiceContext, buyer: Organization, numbers: list[str]
) -> Iterator[Row[tuple[str, datetime]]]:
    """(number, created_at) of the buyer's orders among ``numbers``: one query with an array
    parameter on PostgreSQL, batches of 500 bound parameters elsewhere (SQLite's limit)."""
    query = select(Order.number, Order.created_at).where(Order.buyer_org_id == buyer.id)
    if ctx.db.connection().dialect.name == "postgresql":
        wanted = bindparam("numbers", numbers, type_=ARRAY(String))
        yield from ctx.db.execute(query.where(Order.number == any_(wanted)))
        return
    for start in range(0, len(numbers), 500):
        yield from ctx.db.execute(query.where(Order.number.in_(numbers[start : start + 500])))


def _refusals(ctx: ServiceContext, buyer: Organization, batch: list[OrderInput]) -> dict[str, str]:
    refused = {
        number: f"Purchase order {number} was already received on {created_at:%Y-%m-%d}; "
        "it was not created again."
        for number, created_at in _earlier_orders(ctx, buyer, [data.number for data in batch])
    }
    seen: set[str] = set()
    for data in batch:
        if not data.lines:
            refused.setdefault(data.number, f"Purchase order {data.number} has no lines.")
        elif data.number in seen:
            refused.setdefault(data.number, f"Purchase order {data.number} appears twice.")
        seen.add(data.number)
    return refused


def _insert_orders(
    ctx: ServiceContext,
    vendor: Organization,
    buyer: Organization,
    accepted: list[OrderInput],
    source: str,
) -> list[int]:
    """Insert the order rows; their ids, in the order of ``accepted``."""
    now = ctx.now()
    rows = [
        {
            "owner_org_id": vendor.id,
            "buyer_org_id": buyer.id,
            "number": data.number,
            "order_date": data.order_date,
            "requested_delivery_date": data.requested_delivery_date,
            "currency": data.currency,
            "parties": data.parties,
            "source": source,
            "status": OrderStatus.received,
            "created_at": now,
        }
        for data in accepted
    ]
    ids = allocate_ids(ctx.db, Order, len(rows))
    if ids is None:
        returning = insert(Order).returning(Order.id, sort_by_parameter_order=True)
        return list(ctx.db.scalars(returning, rows))
    for order_id, row in zip(ids, rows, strict=True):
        row["id"] = order_id
    insert_rows(ctx.db, Order, rows)
    return ids


def _insert_lines(ctx: ServiceContext, ids: list[int], accepted: list[OrderInput]) -> None:
    insert_rows(
        ctx.db,
        OrderLine,
        [
            {
                "order_id": order_id,
                "line_number": line.line_number,
                "quantity": line.quantity,
                "unit": line.unit or "EA",
                "unit_price": line.unit_price,
                "product_ids": line.product_ids,
                "description": line.description[:500],
                "shipped_quantity": Decimal(0),
            }
            for order_id, data in zip(ids, accepted, strict=True)
            for line in data.lines
        ],
    )


def place_orders(
    ctx: ServiceContext,
    *,
    vendor: Organization,
    buyer: Organization,
    batch: list[OrderInput],
    source: str = "portal",
) -> Placement:
    """Record purchase orders from ``buyer`` to ``vendor``; a number the buyer used before is
    refused. Set-based (a few multi-row INSERTs), so an EDI file of 10,000 orders is quick."""
    if ctx.actor is not None:
        if ctx.actor.organization_id != buyer.id:
            raise Forbidden("Only the buying organization places its orders.")
        require_role(ctx.actor, Role.member)
    _require_active_partnership(ctx, vendor, buyer)
    placement = Placement(refused=_refusals(ctx, buyer, batch))
    accepted = [data for data in batch if data.number not in placement.refused]
    if not accepted:
        return placement
    ids = _insert_orders(ctx, vendor, buyer, accepted, source)
    _insert_lines(ctx, ids, accepted)
    audit.record_many(
        ctx,
        "order.received",
        "Order",
        [
            audit.BulkChange(
                order_id,
                f"Order {data.number} from {buyer.name}: {len(data.lines)} lines ({source})",
                {"number": data.number, "lines": len(data.lines), "source": source},
            )
            for order_id, data in zip(ids, accepted, strict=True)
        ],
        subject_org=vendor,
    )
    placement.created = [PlacedOrder(i, d.number) for i, d in zip(ids, accepted, strict=True)]
    return placement


def place_order(
    ctx: ServiceContext,
    *,
    vendor: Organization,
    buyer: Organization,
    data: OrderInput,
    source: str = "portal",
) -> Order:
    """One purchase order (the portal's form); the same rules as :func:`place_orders`."""
    placement = place_orders(ctx, vendor=vendor, buyer=buyer, batch=[data], source=source)
    if placement.refused:
        raise ServiceError(placement.refused[data.number])
    order = ctx.db.get(Order, placement.created[0].id)
    assert order is not None
    return order


def _require_vendor_member(ctx: ServiceContext, order: Order) -> None:
    actor = ctx.actor
    if actor is None or actor.organization_id != order.owner_org_id:
        raise Forbidden("Only the vendor that received the order can do this.")
    require_role(actor, Role.member)


@dataclass(frozen=True)
class LineDecision:
    status: LineStatus
    quantity: Decimal | None = None


def acknowledge_order(
    ctx: ServiceContext, order: Order, decisions: dict[int, LineDecision] | None = None
) -> Order:
    """Accept, change or reject each line (all accepted by default) and tell the buyer."""
    _require_vendor_member(ctx, order)
    if order.status != OrderStatus.received:
        raise ServiceError(f"Order {order.number} is already {order.status.value}.")
    decisions = decisions or {}
    for line in order.lines:
        decision = decisions.get(line.id, LineDecision(LineStatus.accepted))
        line.ack_status = decision.status
        if decision.status == LineStatus.rejected:
            line.ack_quantity = Decimal(0)
        else:
            line.ack_quantity = (
                decision.quantity if decision.quantity is not None else line.quantity
            )
    order.status = OrderStatus.acknowledged
    counts = {s.value: sum(1 for line in order.lines if line.ack_status == s) for s in LineStatus}
    audit.record(
        ctx,
        "order.acknowledged",
        order,
        subject_org=order.buyer,
        before={"status": "received"},
        after={"status": "acknowledged", **{k: v for k, v in counts.items() if v}},
        summary=f"Order {order.number} acknowledged",
    )
    events.order_acknowledged.send(ctx, order=order)
    return order


@dataclass(frozen=True)
class Shipment:
    carrier: str = ""
    tracking_number: str = ""
    #: line id → quantity shipped; by default everything acknowledged.
    quantities: dict[int, Decimal] = field(default_factory=dict)


def ship_order(ctx: ServiceContext, order: Order, shipment: Shipment) -> Order:
    _require_vendor_member(ctx, order)
    if order.status != OrderStatus.acknowledged:
        raise ServiceError(f"Order {order.number} must be acknowledged before it ships.")
    for line in order.lines:
        default = line.ack_quantity if line.ack_quantity is not None else line.quantity
        line.shipped_quantity = shipment.quantities.get(line.id, default)
    order.status = OrderStatus.shipped
    audit.record(
        ctx,
        "order.shipped",
        order,
        subject_org=order.buyer,
        before={"status": "acknowledged"},
        after={
            "status": "shipped",
            "carrier": shipment.carrier,
            "tracking": shipment.tracking_number,
        },
        summary=f"Order {order.number} shipped",
    )
    events.order_shipped.send(ctx, order=order, shipment=shipment)
    return order


def invoice_order(ctx: ServiceContext, order: Order, invoice_number: str) -> Order:
    _require_vendor_member(ctx, order)
    if order.status != OrderStatus.shipped:
        raise ServiceError(f"Order {order.number} must ship before it is invoiced.")
    order.status = OrderStatus.invoiced
    audit.record(
        ctx,
        "order.invoiced",
        order,
        subject_org=order.buyer,
        before={"status": "shipped"},
        after={"status": "invoiced", "invoice": invoice_number},
        summary=f"Order {order.number} invoiced as {invoice_number}",
    )
    events.order_invoiced.send(ctx, order=order, invoice_number=invoice_number)
    return order
