"""The deal: an opportunity the vendor owns and a partner works, and its registration."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow


class DealStage(StrEnum):
    prospecting = "prospecting"
    qualification = "qualification"
    proposal = "proposal"
    negotiation = "negotiation"
    won = "won"
    lost = "lost"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def closed(self) -> bool:
        return self in (DealStage.won, DealStage.lost)


class Registration(StrEnum):
    """Where a partner's registration stands. Deals converted from a lead need none."""

    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    #: The protection ran out.
    expired = "expired"

    @property
    def label(self) -> str:
        return {"submitted": "Awaiting review"}.get(self.value, self.value.capitalize())


class Deal(Base):
    __tablename__ = "deal"
    __table_args__ = (
        Index("ix_deal_owner_stage", "owner_org_id", "stage"),
        Index("ix_deal_registration_protected", "registration", "protected_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The vendor: it decides registrations and shares deals by its rules.
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: The partner working the deal (registrant, or the lead's claimant); None for direct deals.
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    #: Two-tier: the distributor whose reseller works the deal (it follows the deal read-only).
    distributor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    customer: Mapped[str] = mapped_column(String(200))
    #: The customer's identity, normalised for the conflict check.
    customer_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    customer_domain: Mapped[str] = mapped_column(String(200), index=True, default="")
    vat_number: Mapped[str] = mapped_column(String(40), index=True, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), index=True, default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    industry: Mapped[str] = mapped_column(String(80), default="")
    product_line: Mapped[str] = mapped_column(String(80), default="")
    campaign: Mapped[str | None] = mapped_column(String(80))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    stage: Mapped[DealStage] = mapped_column(string_enum(DealStage), default=DealStage.prospecting)
    expected_close: Mapped[date | None] = mapped_column(Date)
    registration: Mapped[Registration | None] = mapped_column(string_enum(Registration))
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Approved registrations protect the partner's claim on the customer until then.
    protected_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    products: Mapped[list[DealProduct]] = relationship(
        back_populates="deal", order_by="DealProduct.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Deal {self.id} {self.customer} {self.stage.value}>"


class DealProduct(Base):
    """One line of a deal: a product, how many, at what unit price."""

    __tablename__ = "deal_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    product: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    deal: Mapped[Deal] = relationship(back_populates="products")


class DealConflict(Base):
    """A registration that names a customer another partner (or the vendor) already has.

    Only the vendor sees these rows; the registrant learns only that the customer is protected
    and until when.
    """

    __tablename__ = "deal_conflict"

    deal_id: Mapped[int] = mapped_column(
        ForeignKey("deal.id", ondelete="CASCADE"), primary_key=True
    )
    other_deal_id: Mapped[int] = mapped_column(
        ForeignKey("deal.id", ondelete="CASCADE"), primary_key=True
    )
    #: Comma-separated: ``domain``, ``company``, ``vat``, ``email``.
    matched_on: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DealSettings(Base):
    """A vendor's registration settings."""

    __tablename__ = "deal_settings"

    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    protection_days: Mapped[int] = mapped_column(Integer, default=90)
