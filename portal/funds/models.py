"""Market development funds (MDF): what a vendor sets aside for each partner per period, and
the partner's requests against it, from request to approved claim. Amounts are Decimal (two
places) end to end."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from partners.db import Base, UTCDateTime, string_enum, utcnow


class FundAllocation(Base):
    """Funds a vendor sets aside for one partner over one period."""

    __tablename__ = "fund_allocation"
    __table_args__ = (
        UniqueConstraint("vendor_org_id", "partner_org_id", "starts_on", name="uq_fund_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    partner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FundStatus(StrEnum):
    """submitted → approved (perhaps less) or rejected; approved → claimed (with proof) →
    paid, or claim_rejected, after which the partner may claim again."""

    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    claimed = "claimed"
    claim_rejected = "claim_rejected"
    paid = "paid"

    @property
    def label(self) -> str:
        return {
            "submitted": "Awaiting review",
            "claimed": "Claim awaiting review",
            "claim_rejected": "Claim rejected",
        }.get(self.value, self.value.capitalize())

    @property
    def commits_funds(self) -> bool:
        """Whether the approved amount is set aside from the allocation."""
        return self in (FundStatus.approved, FundStatus.claimed, FundStatus.claim_rejected)


class FundRequest(Base):
    """A partner's request for funds for one activity (of a campaign, or its own)."""

    __tablename__ = "fund_request"
    __table_args__ = (Index("ix_fund_request_allocation_status", "allocation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The vendor: it decides, and shares the request by its rules (rules reach none by default).
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    partner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fund_allocation.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    activity: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    expected_leads: Mapped[int | None] = mapped_column(Integer)
    amount_requested: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount_approved: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    amount_claimed: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    amount_paid: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[FundStatus] = mapped_column(
        string_enum(FundStatus), default=FundStatus.submitted
    )
    #: Why the vendor rejected the request or the claim, or approved less.
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    claim_note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: For organizations whose members see only their own records (and their teams').
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<FundRequest {self.id} {self.activity!r} {self.status.value}>"
