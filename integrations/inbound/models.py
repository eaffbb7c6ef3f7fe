"""Inbound endpoints and the messages they received (the log, and the webhook-id dedup)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, utcnow
from partners.models import User


class InboundEndpoint(Base):
    """``/hooks/in/<id>``: one organization's door for one partner system, acting as one user."""

    __tablename__ = "inbound_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: Every change goes through the services as this user, with this user's sharing.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(120))
    #: The message types it accepts, e.g. ``["lead.create"]``.
    actions: Mapped[list] = mapped_column(JSON, default=list)
    #: ``whsec_`` + base64: kept whole, since verifying an HMAC needs the key itself.
    secret: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class InboundMessage(Base):
    """One accepted message; ``(endpoint, webhook_id)`` is unique, so a replay does nothing."""

    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("endpoint_id", "webhook_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("inbound_endpoint.id"), index=True)
    webhook_id: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    type: Mapped[str] = mapped_column(String(40))
    #: The record the message created or changed (``lead`` 12).
    record_type: Mapped[str] = mapped_column(String(40), default="")
    record_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
