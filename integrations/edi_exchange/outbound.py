"""Outbound EDI that follows order events: 855/ORDRSP, 856/DESADV and 810/INVOIC.

Connected to portal.orders.events when this module is imported (create_app imports it), so
whichever surface acknowledges, ships or invoices an order, the distributor gets the document.
A buyer without an active EDI profile simply gets none.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from integrations.edi import (
    AckLine,
    Document,
    Invoice,
    InvoiceLine,
    ProductId,
    PurchaseOrderAck,
    ShipItem,
    ShipNotice,
    ShipOrder,
    write_documents,
)
from integrations.edi_exchange.envelopes import envelope_for, reserve_control_numbers
from integrations.edi_exchange.models import OrderDocument, TradingPartner
from integrations.edi_exchange.store import store_outbound
from partners.context import ServiceContext
from portal.orders import events
from portal.orders.models import LineStatus, Order, OrderLine
from portal.orders.service import Shipment

KINDS = {
    PurchaseOrderAck: ("purchase_order_ack", {"X12": "855", "EDIFACT": "ORDRSP"}),
    ShipNotice: ("ship_notice", {"X12": "856", "EDIFACT": "DESADV"}),
    Invoice: ("invoice", {"X12": "810", "EDIFACT": "INVOIC"}),
}


def _profile(ctx: ServiceContext, order: Order) -> TradingPartner | None:
    return ctx.db.scalar(
        select(TradingPartner).where(
            TradingPartner.vendor_org_id == order.owner_org_id,
            TradingPartner.organization_id == order.buyer_org_id,
            TradingPartner.active.is_(True),
        )
    )


def _ids(line: OrderLine) -> list[ProductId]:
    return [ProductId(p["qualifier"], p["value"]) for p in line.product_ids]


def _order_date(order: Order) -> date:
    return order.order_date or order.created_at.date()


def order_ack(order: Order, today: date) -> PurchaseOrderAck:
    statuses = {line.ack_status for line in order.lines}
    overall = (
        "accepted"
        if statuses == {LineStatus.accepted}
        else "rejected"
        if statuses == {LineStatus.rejected}
        else "changed"
    )
    return PurchaseOrderAck(
        order_number=order.number,
        order_date=_order_date(order),
        status=overall,
        ack_number=f"ACK-{order.number}",
        ack_date=today,
        currency=order.currency,
        lines=[
            AckLine(
                line_number=line.line_number,
                status=(line.ack_status or LineStatus.accepted).value,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                product_ids=_ids(line),
                description=line.description,
                acknowledged_quantity=line.ack_quantity,
            )
            for line in order.lines
        ],
    )


def ship_notice(order: Order, shipment: Shipment, today: date) -> ShipNotice:
    return ShipNotice(
        shipment_id=f"SH-{order.number}",
        date=today,
        ship_date=today,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        orders=[
            ShipOrder(
                order_number=order.number,
                order_date=_order_date(order),
                items=[
                    ShipItem(
                        line.line_number,
                        line.shipped_quantity,
                        line.unit,
                        _ids(line),
                        line.description,
                    )
                    for line in order.lines
                    if line.shipped_quantity
                ],
            )
        ],
    )


def invoice(order: Order, number: str, today: date) -> Invoice:
    lines = [
        InvoiceLine(
            line.line_number,
            line.shipped_quantity,
            line.unit,
            line.unit_price,
            _ids(line),
            line.description,
        )
        for line in order.lines
        if line.shipped_quantity
    ]
    priced = all(line.unit_price is not None for line in lines)
    return Invoice(
        number=number,
        date=today,
        order_number=order.number,
        order_date=_order_date(order),
        currency=order.currency,
        lines=lines,
        total_amount=sum((ln.quantity * ln.unit_price for ln in lines), Decimal(0))
        if priced
        else None,
    )


def send(ctx: ServiceContext, order: Order, document: Document) -> None:
    profile = _profile(ctx, order)
    if profile is None:
        return
    kind, sets = KINDS[type(document)]
    control_number = reserve_control_numbers(ctx, profile)
    payload = write_documents([document], envelope_for(profile, control_number))
    row = store_outbound(
        ctx,
        profile,
        payload,
        control_number=str(control_number),
        contents=sets[profile.standard],
    )
    ctx.db.add(
        OrderDocument(
            order_id=order.id, interchange_id=row.id, kind=kind, transaction_control_number="1"
        )
    )
    ctx.db.flush()


@events.order_acknowledged.connect
def _on_acknowledged(ctx: ServiceContext, order: Order) -> None:
    send(ctx, order, order_ack(order, ctx.now().date()))


@events.order_shipped.connect
def _on_shipped(ctx: ServiceContext, order: Order, shipment: Shipment) -> None:
    send(ctx, order, ship_notice(order, shipment, ctx.now().date()))


@events.order_invoiced.connect
def _on_invoiced(ctx: ServiceContext, order: Order, invoice_number: str) -> None:
    send(ctx, order, invoice(order, invoice_number, ctx.now().date()))
