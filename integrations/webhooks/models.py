"""Webhook endpoints, their deliveries (the queue and the log), and every attempt made."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow
from partners.events import EventId

#: Rows that outgrow 2^31 on PostgreSQL (one per event and endpoint); SQLite's rowid there.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class EndpointState(StrEnum):
    active = "active"
    #: Deliveries are still written and wait; they go out on resume.
    paused = "paused"
    #: Nothing is written or sent (a 410, or failing for days).
    disabled = "disabled"


class DeliveryStatus(StrEnum):
    pending = "pending"
    #: Claimed by a worker until ``lease_until``.
    sending = "sending"
    delivered = "delivered"
    failed = "failed"


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    #: Shell-style patterns of event types (``lead.*``, ``case.note_added``, ``*``).
    event_types: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(300), default="")
    #: ``whsec_<base64>``: kept to sign with; shown to the admin once.
    secret: Mapped[str] = mapped_column(String(100))
    #: The secret before the last rotation, also signed with until ``previous_secret_until``.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[EndpointState] = mapped_column(
        string_enum(EndpointState), default=EndpointState.active
    )
    disabled_reason: Mapped[str] = mapped_column(String(300), default="")
    #: When the current run of failed attempts began (None: the last attempt went through).
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event (or test message) for one endpoint: its signed body and where it stands."""

    __tablename__ = "webhook_delivery"
    #: Workers look for due pending deliveries and for expired leases.
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(EventId, ForeignKey("event.id"))
    #: ``webhook-id``: the same on every attempt, so receivers deduplicate.
    message_id: Mapped[str] = mapped_column(String(60), unique=True)
    event_type: Mapped[str] = mapped_column(String(60))
    #: The JSON body ``{type, timestamp, data}``, fixed when written so every attempt sends it.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        string_enum(DeliveryStatus), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()


class WebhookAttempt(Base):
    """One try: when, what came back (or what went wrong), how long it took."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(BigId, ForeignKey("webhook_delivery.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    #: The first bytes of the response body (capped), as text.
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
