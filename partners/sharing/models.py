"""Sharing rules, explicit shares, and the grant rows both are materialised into."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow
from partners.roles import OrgKind, Tier
from partners.sharing.levels import AccessLevel, IntEnumType

if TYPE_CHECKING:
    from partners.models import Organization, Team


class Audience(Base):
    """A group a viewer's organization belongs to; grants name audiences, not organizations.

    Keys: ``org:<id>``, ``team:<id>``, and relative to an owner V: ``tier:V:<tier>`` (every
    partner of V at that tier or higher), ``kind:V:<kind>``, ``partners:V``.
    """

    __tablename__ = "audience"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    #: For ``org:`` and ``team:`` audiences, the organization whose people it covers.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    #: For tier, kind and all-partner audiences, the owner whose partners they are.
    relative_to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))


class RecordType(StrEnum):
    lead = "lead"
    deal = "deal"
    document = "document"
    case = "case"
    campaign = "campaign"
    article = "article"

    @property
    def label(self) -> str:
        return self.value.capitalize() + "s"


class GranteeKind(StrEnum):
    organization = "organization"
    tier = "tier"
    kind = "kind"
    all_partners = "all_partners"


class SharingRule(Base):
    __tablename__ = "sharing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    record_type: Mapped[RecordType] = mapped_column(
        string_enum(RecordType), default=RecordType.lead
    )
    #: :class:`partners.sharing.criteria.Criteria` as JSON; empty means every record.
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    grantee_kind: Mapped[GranteeKind] = mapped_column(string_enum(GranteeKind))
    grantee_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    grantee_tier: Mapped[Tier | None] = mapped_column(string_enum(Tier))
    grantee_org_kind: Mapped[OrgKind | None] = mapped_column(string_enum(OrgKind))
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id"))
    level: Mapped[AccessLevel] = mapped_column(IntEnumType(AccessLevel))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ShareStatus(StrEnum):
    active = "active"
    expired = "expired"
    revoked = "revoked"


class ExplicitShare(Base):
    """One record shared with one organization, one team, the owner's partners of a tier and
    above, all of the owner's partners, or the participants of one of the owner's campaigns."""

    __tablename__ = "explicit_share"
    __table_args__ = (Index("ix_explicit_share_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    record_type: Mapped[RecordType] = mapped_column(
        string_enum(RecordType), default=RecordType.lead
    )
    record_id: Mapped[int] = mapped_column()
    grantee_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    grantee_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    #: Shared with the owner's partners of this tier and above.
    grantee_tier: Mapped[Tier | None] = mapped_column(string_enum(Tier))
    #: Shared with all of the owner's partners.
    to_all_partners: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Shared with the organizations taking part in this campaign of the owner (while they do).
    grantee_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id"))
    level: Mapped[AccessLevel] = mapped_column(IntEnumType(AccessLevel))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[ShareStatus] = mapped_column(
        string_enum(ShareStatus), default=ShareStatus.active
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grantee_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[grantee_org_id], viewonly=True
    )
    grantee_team: Mapped[Team | None] = relationship(viewonly=True)
    #: Named, not imported: the campaign model is the campaigns area's (``portal/campaigns``).
    grantee_campaign = relationship("Campaign", viewonly=True)


class GrantSource(IntEnum):
    """Why a grant row exists; ``source_id`` names the organization, rule or share."""

    ownership = 1
    participation = 2
    rule = 3
    share = 4
    #: Never stored: the explainer's reason for a document attached to a record the person
    #: sees (``source_id`` names that record).
    attachment = 5


class GrantColumns:
    """What every grant table has besides the record: who, why, how much."""

    audience_id: Mapped[int] = mapped_column(ForeignKey("audience.id"), primary_key=True)
    source_kind: Mapped[GrantSource] = mapped_column(IntEnumType(GrantSource), primary_key=True)
    source_id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[AccessLevel] = mapped_column(IntEnumType(AccessLevel))


class LeadGrant(GrantColumns, Base):
    """Materialised access: this audience may reach this lead at this level, for this reason.

    Every way of seeing a lead is a row here (ownership and claims too), so the visibility
    predicate is one EXISTS that PostgreSQL can drive either from the lead index or from here.
    Rule rows reach a lead only while it is available: a claim leaves them (and the pool flags)
    as they were, and the worker tidies them (``grants.prune_pool_grants``).
    """

    __tablename__ = "lead_grant"
    __table_args__ = (
        #: The probe when the inbox walks the lead index: answered from the index alone (the
        #: predicate reads the source too: rule rows count only while the lead is in the pool).
        Index("ix_lead_grant_lead_audience", "lead_id", "audience_id", "level", "source_kind"),
        Index("ix_lead_grant_source", "source_kind", "source_id"),
        #: A viewer's grants on leads in the pool: counted to choose the inbox's plan, and the
        #: inbox's driving set when they are few.
        Index(
            "ix_lead_grant_pool",
            "audience_id",
            "lead_id",
            postgresql_where=text("in_pool"),
            sqlite_where=text("in_pool"),
        ),
    )

    lead_id: Mapped[int] = mapped_column(
        ForeignKey("lead.id", ondelete="CASCADE"), primary_key=True
    )
    #: True for every row of a lead in the pool (set as it enters); after it leaves, the flag
    #: may linger until the worker clears it, so the inbox treats it as a hint, not the truth.
    in_pool: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def grant_indexes(table: str, record_column: str) -> tuple[Index, ...]:
    """The indexes of a kind's grant table without a pool: the probe of one record's grants
    (record, audience, level), a source's rows (to withdraw a rule or share), and an audience's
    records."""
    record = record_column.removesuffix("_id")
    return (
        Index(f"ix_{table}_{record}_audience", record_column, "audience_id", "level"),
        Index(f"ix_{table}_source", "source_kind", "source_id"),
        Index(f"ix_{table}_audience", "audience_id", record_column),
    )


class DealGrant(GrantColumns, Base):
    """Materialised access to a deal, as :class:`LeadGrant` is to a lead (no pool)."""

    __tablename__ = "deal_grant"
    __table_args__ = grant_indexes(__tablename__, "deal_id")

    deal_id: Mapped[int] = mapped_column(
        ForeignKey("deal.id", ondelete="CASCADE"), primary_key=True
    )


class DocumentGrant(GrantColumns, Base):
    """Materialised access to a document, as :class:`LeadGrant` is to a lead (no pool)."""

    __tablename__ = "document_grant"
    __table_args__ = grant_indexes(__tablename__, "document_id")

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )


class CaseGrant(GrantColumns, Base):
    """Materialised access to a case, as :class:`LeadGrant` is to a lead (no pool)."""

    __tablename__ = "case_grant"
    __table_args__ = grant_indexes(__tablename__, "case_id")

    case_id: Mapped[int] = mapped_column(
        ForeignKey("support_case.id", ondelete="CASCADE"), primary_key=True
    )


class CampaignGrant(GrantColumns, Base):
    """Materialised access to a campaign, as :class:`LeadGrant` is to a lead (no pool)."""

    __tablename__ = "campaign_grant"
    __table_args__ = grant_indexes(__tablename__, "campaign_id")

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
