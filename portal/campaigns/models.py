"""A joint campaign: the owner runs it, participating organizations take part (read-only).

Budgets, fund requests (MDF) and attribution build on these rows later.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from partners.db import Base, UTCDateTime, string_enum, utcnow


class CampaignStatus(StrEnum):
    draft = "draft"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def ended(self) -> bool:
        return self in (CampaignStatus.completed, CampaignStatus.cancelled)

    @property
    def next(self) -> tuple[CampaignStatus, ...]:
        """Where a campaign may go from here: draft → active → completed, or cancelled."""
        return {
            CampaignStatus.draft: (CampaignStatus.active, CampaignStatus.cancelled),
            CampaignStatus.active: (CampaignStatus.completed, CampaignStatus.cancelled),
        }.get(self, ())


class ParticipantState(StrEnum):
    """An invited organization sees the campaign to decide; once it accepts it takes part (the
    ``campaign:<id>`` audience); a declined one sees nothing of it any more."""

    invited = "invited"
    accepted = "accepted"
    declined = "declined"

    @property
    def label(self) -> str:
        return {"invited": "Invited", "accepted": "Taking part", "declined": "Declined"}[self.value]


class Campaign(Base):
    __tablename__ = "campaign"
    __table_args__ = (Index("ix_campaign_owner_status", "owner_org_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CampaignStatus] = mapped_column(
        string_enum(CampaignStatus), default=CampaignStatus.draft
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(40), default="")
    product_line: Mapped[str] = mapped_column(String(80), default="")
    #: What the owner plans to spend; only the owner's people see it.
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: For organizations whose members see only their own records (the creator, by default).
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.name!r} {self.status.value}>"


class CampaignParticipant(Base):
    """An organization invited to a campaign: while invited or accepted it views the campaign (a
    participation grant); once accepted it also belongs to the ``campaign:<id>`` audience that
    documents can be shared with."""

    __tablename__ = "campaign_participant"
    __table_args__ = (
        Index("ix_campaign_participant_organization", "organization_id", "campaign_id"),
    )

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[ParticipantState] = mapped_column(
        string_enum(ParticipantState), default=ParticipantState.invited
    )
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why the organization declined (optional, shown to the owner).
    decline_reason: Mapped[str] = mapped_column(String(500), default="")


class CampaignRecord(Base):
    """A lead or deal attributed to a campaign by an organization that takes part in it (or by
    the owner): the campaign's results count it. A record belongs to one campaign at most."""

    __tablename__ = "campaign_record"
    __table_args__ = (
        UniqueConstraint("record_type", "record_id", name="uq_campaign_record_record"),
        Index("ix_campaign_record_campaign", "campaign_id", "record_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    #: ``lead`` or ``deal`` (a :class:`~partners.sharing.models.RecordType` value).
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column()
    #: The organization that attached it: only it (or the campaign's owner) detaches it.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
