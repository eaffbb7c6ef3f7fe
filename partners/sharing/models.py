"""Sharing rules and explicit shares; the grant rows both are materialised into are each
kind's own table (``partners/sharing/grant_tables.py``)."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, false
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
    fund_request = "fund_request"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize() + "s"


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
