"""The lead: a prospect its owner shares with partners, who claim and work it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from partners.db import Base, UTCDateTime, utcnow
from partners.models import _enum


class LeadStatus(StrEnum):
    new = "new"
    #: In the pool: visible to whoever holds claim (or view) through rules or shares.
    available = "available"
    claimed = "claimed"
    accepted = "accepted"
    working = "working"
    qualified = "qualified"
    converted = "converted"
    lost = "lost"
    returned = "returned"


class Lead(Base):
    __tablename__ = "lead"
    __table_args__ = (
        #: The inbox walks this backwards: newest available leads first.
        Index("ix_lead_status_created_at_id", "status", "created_at", "id"),
        #: The same, best score first.
        Index("ix_lead_status_score_id", "status", "score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    #: Lower-cased domain of the contact's email, for duplicate checks across partners.
    email_domain: Mapped[str] = mapped_column(String(200), default="")
    #: ISO 3166-1 alpha-2.
    country: Mapped[str] = mapped_column(String(2), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    industry: Mapped[str] = mapped_column(String(80), default="")
    product_line: Mapped[str] = mapped_column(String(80), default="")
    #: Until campaigns exist as records, the campaign's code.
    campaign: Mapped[str | None] = mapped_column(String(80))
    score: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[LeadStatus] = mapped_column(_enum(LeadStatus), default=LeadStatus.new)
    claimed_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Lead {self.id} {self.company} {self.status.value}>"
