"""What an inbound message may ask for: each type a pydantic model of its ``data`` and the
service call it makes as the endpoint's user (the same call as the page's)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from partners.context import ServiceContext, ServiceError
from portal.cases import service as cases
from portal.cases.models import NoteVisibility
from portal.deals import service as deals
from portal.leads import service as leads
from portal.orders import service as orders
from portal.orders.models import OrderStatus
from portal.orders.sharing import get_order


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LeadCreate(_Data):
    company: str = Field(min_length=1, max_length=200)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    country: str = Field(default="", max_length=2)
    region: str = Field(default="", max_length=60)
    industry: str = Field(default="", max_length=80)
    product_line: str = Field(default="", max_length=80)
    amount: Decimal | None = Field(default=None, ge=0)


class CaseNote(_Data):
    case_id: int = Field(gt=0, lt=2**31)
    body: str = Field(min_length=1, max_length=cases.MAX_NOTE_LENGTH)


class DealRegister(_Data):
    vendor_id: int = Field(gt=0, lt=2**31)
    customer: str = Field(min_length=1, max_length=200)
    name: str = Field(default="", max_length=200)
    contact_name: str = Field(default="", max_length=200)
    contact_email: str = Field(default="", max_length=254)
    country: str = Field(default="", max_length=2)
    amount: Decimal | None = Field(default=None, ge=0)
    expected_close: date | None = None
    notes: str = Field(default="", max_length=5000)


class OrderStatusChange(_Data):
    order_id: int = Field(gt=0, lt=2**31)
    status: Literal["acknowledged", "shipped", "invoiced"]
    carrier: str = Field(default="", max_length=80)
    tracking_number: str = Field(default="", max_length=80)
    invoice_number: str = Field(default="", max_length=80)


def _create_lead(ctx: ServiceContext, data: LeadCreate) -> Any:
    return leads.create_lead(ctx, leads.LeadDetails(**data.model_dump()))


def _add_case_note(ctx: ServiceContext, data: CaseNote) -> Any:
    """A shared note: a partner system writes to the case's timeline, not to internal notes.
    A case the user may not see raises NotFound, as a missing one does."""
    return cases.add_note(ctx, data.case_id, data.body, NoteVisibility.shared)


def _register_deal(ctx: ServiceContext, data: DealRegister) -> Any:
    details = deals.DealDetails(**data.model_dump(exclude={"vendor_id"}))
    return deals.register_deal(ctx, data.vendor_id, details)


def _change_order_status(ctx: ServiceContext, data: OrderStatusChange) -> Any:
    """The vendor's next step on an order, as its order page takes it (all lines accepted)."""
    assert ctx.actor is not None
    order = get_order(ctx.db, ctx.actor, data.order_id)
    if data.status == OrderStatus.acknowledged:
        return orders.acknowledge_order(ctx, order)
    if data.status == OrderStatus.shipped:
        shipment = orders.Shipment(data.carrier, data.tracking_number)
        return orders.ship_order(ctx, order, shipment)
    if not data.invoice_number:
        raise ServiceError("An invoiced order needs its invoice_number.")
    return orders.invoice_order(ctx, order, data.invoice_number)


#: type → (schema of ``data``, the service call).
ACTIONS: dict[str, tuple[type[_Data], Callable[[ServiceContext, Any], Any]]] = {
    "lead.create": (LeadCreate, _create_lead),
    "case.note": (CaseNote, _add_case_note),
    "deal.register": (DealRegister, _register_deal),
    "order.status": (OrderStatusChange, _change_order_status),
}
