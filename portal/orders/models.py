"""Orders a distributor (the buyer) places with a vendor, from EDI or the portal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow
from partners.models import Organization


class OrderStatus(StrEnum):
    received = "received"
    acknowledged = "acknowledged"
    shipped = "shipped"
    invoiced = "invoiced"
    cancelled = "cancelled"


class LineStatus(StrEnum):
    accepted = "accepted"
    changed = "changed"
    rejected = "rejected"
    backordered = "backordered"


class Order(Base):
    __tablename__ = "purchase_order"
    __table_args__ = (
        UniqueConstraint("buyer_org_id", "number"),
        Index("ix_purchase_order_owner_created", "owner_org_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The vendor the order is placed with; it owns the record.
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    #: The distributor (or partner) that buys: a participant who always sees its orders.
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    order_date: Mapped[date | None] = mapped_column(Date)
    requested_delivery_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="")
    status: Mapped[OrderStatus] = mapped_column(
        string_enum(OrderStatus), default=OrderStatus.received
    )
    #: "edi" or "portal": every order goes through the same service either way.
    source: Mapped[str] = mapped_column(String(10), default="portal")
    #: Buyer, ship-to, bill-to… as the purchase order named them.
    parties: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[Organization] = relationship(foreign_keys=[owner_org_id])
    buyer: Mapped[Organization] = relationship(foreign_keys=[buyer_org_id])
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> Decimal | None:
        if any(line.unit_price is None for line in self.lines):
            return None
        return sum((line.quantity * line.unit_price for line in self.lines), Decimal(0))


class OrderLine(Base):
    __tablename__ = "purchase_order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="CASCADE"), index=True
    )
    line_number: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    unit: Mapped[str] = mapped_column(String(10), default="EA")
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    #: [{"qualifier": "BP", "kind": "buyer_part", "value": "…"}, …]
    product_ids: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(500), default="")
    ack_status: Mapped[LineStatus | None] = mapped_column(string_enum(LineStatus))
    ack_quantity: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    shipped_quantity: Mapped[Decimal] = mapped_column(Numeric(18, 4), default=Decimal(0))

    order: Mapped[Order] = relationship(back_populates="lines")

    def product_id(self, *kinds: str) -> str:
        """The first identifier of one of ``kinds`` (e.g. "vendor_part", "gtin"), or ""."""
        for kind in kinds:
            for pid in self.product_ids:
                if pid.get("kind") == kind:
                    return pid["value"]
        return ""
