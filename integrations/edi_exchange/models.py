"""Trading-partner profiles and every interchange exchanged with them, stored whole."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow
from partners.models import Organization


class Direction(StrEnum):
    inbound = "in"
    outbound = "out"


class InterchangeStatus(StrEnum):
    accepted = "accepted"
    accepted_with_errors = "accepted_with_errors"
    partially_accepted = "partially_accepted"
    rejected = "rejected"
    duplicate = "duplicate"
    sent = "sent"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class TradingPartner(Base):
    """How a vendor exchanges EDI with one distributor: identities, standard, separators, acks."""

    __tablename__ = "trading_partner"
    __table_args__ = (UniqueConstraint("vendor_org_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    standard: Mapped[str] = mapped_column(String(8))  # "X12" | "EDIFACT"
    version: Mapped[str] = mapped_column(String(12))  # "004010", "005010", "D96A", "D01B"
    their_id: Mapped[str] = mapped_column(String(35))
    their_qualifier: Mapped[str] = mapped_column(String(4), default="ZZ")
    our_id: Mapped[str] = mapped_column(String(35))
    our_qualifier: Mapped[str] = mapped_column(String(4), default="ZZ")
    #: Separators for what we send: {"element": "*", "component": ">", "segment": "~", …}.
    delimiters: Mapped[dict | None] = mapped_column(JSON)
    #: "997" or "999" for X12 ("CONTRL" is implied for EDIFACT).
    acknowledgment: Mapped[str] = mapped_column(String(8), default="997")
    always_ta1: Mapped[bool] = mapped_column(Boolean, default=False)
    test_indicator: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Read this partner's files with ReaderOptions.strict(): every tolerated quirk (indentation,
    #: an unpadded ISA, a repeated ST02 / UNH reference, …) rejects instead of warning.
    strict: Mapped[bool] = mapped_column(Boolean, default=False)
    #: "portal" (upload), "api", "folder" (drop folder) or "as2" (through a gateway).
    transport: Mapped[str] = mapped_column(String(10), default="portal")
    next_control_number: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_org_id])
    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])


_ORIGINALS = "direction = 'in' AND status != 'duplicate'"


class EdiInterchange(Base):
    """One interchange received or sent. The raw bytes live in document storage by SHA-256."""

    __tablename__ = "edi_interchange"
    __table_args__ = (
        # An interchange is received once: same sender, receiver and control number → duplicate.
        Index(
            "uq_edi_interchange_original",
            "trading_partner_id",
            "sender_id",
            "receiver_id",
            "control_number",
            unique=True,
            sqlite_where=text(_ORIGINALS),
            postgresql_where=text(_ORIGINALS),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trading_partner_id: Mapped[int] = mapped_column(ForeignKey("trading_partner.id"), index=True)
    direction: Mapped[Direction] = mapped_column(string_enum(Direction, 24))
    standard: Mapped[str] = mapped_column(String(8))
    sender_qualifier: Mapped[str] = mapped_column(String(4), default="")
    sender_id: Mapped[str] = mapped_column(String(35))
    receiver_qualifier: Mapped[str] = mapped_column(String(4), default="")
    receiver_id: Mapped[str] = mapped_column(String(35))
    control_number: Mapped[str] = mapped_column(String(14))
    status: Mapped[InterchangeStatus] = mapped_column(string_enum(InterchangeStatus, 24))
    #: What the interchange carries, e.g. "850 (3)" or "997".
    contents: Mapped[str] = mapped_column(String(200), default="")
    blob_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255), default="")
    #: Canonical error dicts (position, code, message) from the EDI library.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    #: Problems found after parsing, e.g. a purchase order number received before.
    notes: Mapped[list] = mapped_column(JSON, default=list)
    orders_created: Mapped[int] = mapped_column(Integer, default=0)
    #: For an acknowledgment or response: the inbound interchange it answers.
    responds_to_id: Mapped[int | None] = mapped_column(ForeignKey("edi_interchange.id"))
    #: For a duplicate: the original it repeats.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("edi_interchange.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When an outbound interchange was handed to the partner's transport (e.g. its out folder).
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trading_partner: Mapped[TradingPartner] = relationship()
    responds_to: Mapped[EdiInterchange | None] = relationship(
        remote_side=[id], foreign_keys=[responds_to_id]
    )
    duplicate_of: Mapped[EdiInterchange | None] = relationship(
        remote_side=[id], foreign_keys=[duplicate_of_id]
    )


class OrderDocument(Base):
    """An EDI document about an order: its purchase order, acknowledgment, ship notice, invoice."""

    __tablename__ = "order_document"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="CASCADE"), primary_key=True
    )
    interchange_id: Mapped[int] = mapped_column(ForeignKey("edi_interchange.id"), primary_key=True)
    #: "purchase_order", "purchase_order_ack", "ship_notice" or "invoice".
    kind: Mapped[str] = mapped_column(String(24))
    #: The transaction set's control number inside the interchange (ST02 / UNH 0062).
    transaction_control_number: Mapped[str] = mapped_column(String(20), default="")

    interchange: Mapped[EdiInterchange] = relationship()
