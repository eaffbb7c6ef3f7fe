"""The lead: a prospect its owner shares with partners, who claim and work it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow
from partners.jobs import Job
from partners.roles import Tier

if TYPE_CHECKING:
    from partners.models import Organization


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
        #: ``expire_claims`` finds the leases that ran out.
        Index("ix_lead_status_claim_expires_at", "status", "claim_expires_at"),
        #: The open-claims cap counts a partner's claimed leads of one owner at every claim.
        Index("ix_lead_claimant_owner_status", "claimed_by_org_id", "owner_org_id", "status"),
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
    status: Mapped[LeadStatus] = mapped_column(string_enum(LeadStatus), default=LeadStatus.new)
    claimed_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    #: Two-tier distribution: the reseller the claimant (a distributor) forwarded the lead to.
    forwarded_to_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id"), index=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: How the claimant got it: ``pool`` (claimed) or ``assignment`` (routed by the owner).
    claim_via: Mapped[str | None] = mapped_column(String(20))
    #: The end of the claim's lease: not accepted by then, the lead goes back.
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: The CSV import that created the lead (``portal.leads.imports``).
    import_id: Mapped[int | None] = mapped_column(ForeignKey("lead_import.id", ondelete="SET NULL"))
    #: An earlier lead of the owner with the same email or company domain: the import was told
    #: to take the row anyway, marked as a possible duplicate.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<Lead {self.id} {self.company} {self.status.value}>"


class LeadExclusion(Base):
    """An organization the lead is never offered to again (it let a claim lapse, or declined).

    ``partners.sharing.records.grant_reaches`` honours it (``LEADS.excluded``), so the lead
    leaves that organization's inbox, its claim is refused and the explainer no longer lists it.
    """

    __tablename__ = "lead_exclusion"

    lead_id: Mapped[int] = mapped_column(
        ForeignKey("lead.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    #: ``declined`` or ``claim_expired``.
    cause: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActivityKind(StrEnum):
    call = "call"
    email = "email"
    meeting = "meeting"
    note = "note"
    qualification = "qualification"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class LeadActivity(Base):
    """One entry of a lead's timeline: a call, an email, a note, qualification data."""

    __tablename__ = "lead_activity"
    __table_args__ = (Index("ix_lead_activity_lead_at", "lead_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[ActivityKind] = mapped_column(string_enum(ActivityKind))
    body: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LeadRoutingSettings(Base):
    """An owner's lead lifecycle settings: SLA and open-claim caps per tier, routing cursor."""

    __tablename__ = "lead_routing_settings"

    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    #: Tier value → business hours a claimant has to accept.
    sla_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Tier value → open (claimed, not accepted) claims a partner may hold.
    max_open_claims: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Leads are routed only to partners at this tier or higher.
    min_tier: Mapped[Tier] = mapped_column(string_enum(Tier), default=Tier.registered)
    #: The smooth weighted round-robin's state: partnership id → current weight.
    cursor: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LeadRoutingPartner(Base):
    """How a partnership takes routed leads: its weight and specialisation tags."""

    __tablename__ = "lead_routing_partner"

    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), primary_key=True
    )
    #: Share of routed leads; 0 takes none.
    weight: Mapped[int] = mapped_column(Integer, default=1)
    #: Empty: any industry / product line.
    industries: Mapped[list] = mapped_column(JSON, default=list)
    product_lines: Mapped[list] = mapped_column(JSON, default=list)


class ScoreCriterion(StrEnum):
    """What a scoring rule tests (``portal.leads.scoring``)."""

    industry = "industry"
    country = "country"
    region = "region"
    product_line = "product_line"
    campaign = "campaign"
    amount_at_least = "amount_at_least"
    amount_at_most = "amount_at_most"
    contact_email = "contact_email"
    company_domain = "company_domain"


class LeadScoringRule(Base):
    """Points an owner gives each of its leads that meets one criterion; a lead's score is the
    sum of its matching rules' points, kept between 0 and 100."""

    __tablename__ = "lead_scoring_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    criterion: Mapped[ScoreCriterion] = mapped_column(string_enum(ScoreCriterion))
    #: For industry, country, region, product line and campaign: the values that match
    #: (compared without regard to case).
    match_values: Mapped[list] = mapped_column(JSON, default=list)
    #: For the amount criteria: the inclusive bound.
    bound: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: Added to the score of a matching lead; negative points lower it.
    points: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


#: A bulk import's scoring and grants select its leads by batch; few leads have one.
Index(
    "ix_lead_import_id",
    Lead.import_id,
    postgresql_where=Lead.import_id.is_not(None),
    sqlite_where=Lead.import_id.is_not(None),
)
#: Deleting a lead looks for the leads marked as its duplicates.
Index(
    "ix_lead_duplicate_of_id",
    Lead.duplicate_of_id,
    postgresql_where=Lead.duplicate_of_id.is_not(None),
    sqlite_where=Lead.duplicate_of_id.is_not(None),
)
#: Duplicate checks look an owner's leads up by company domain, and by address within one.
Index("ix_lead_owner_domain_email", Lead.owner_org_id, Lead.email_domain, Lead.contact_email)


class ImportStatus(StrEnum):
    #: Uploaded; its columns are being mapped and previewed.
    draft = "draft"
    #: Its job will check every row and import them all, or none.
    queued = "queued"
    imported = "imported"
    #: Some rows had errors, so nothing was imported.
    invalid = "invalid"


class LeadImport(Base):
    """A CSV file of leads an owner uploaded, how its columns map to lead fields, and what
    importing it did. The file itself is in document storage."""

    __tablename__ = "lead_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: As uploaded, for people to recognise (never used as a path).
    filename: Mapped[str] = mapped_column(String(200))
    blob_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    delimiter: Mapped[str] = mapped_column(String(1))
    #: The header row's names, in order.
    headers: Mapped[list] = mapped_column(JSON, default=list)
    #: Data rows in the file (blank rows not counted).
    row_count: Mapped[int] = mapped_column(Integer)
    #: Lead field → column index (null: not imported).
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Cells corrected in the preview, ``{"row": {"column index": "value"}}``: read in place of
    #: the file's own cells by every later check and by the import itself.
    corrections: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Rows that duplicate a lead are left out; unset, they are imported and marked.
    skip_duplicates: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Put the imported leads in the pool at once.
    publish: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ImportStatus] = mapped_column(
        string_enum(ImportStatus), default=ImportStatus.draft
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id"))
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows not imported because they duplicate a lead.
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Rows with errors, and the first of them: ``[{"row": 7, "problems": ["…"]}]``.
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The job's checkpoint: rows staged and committed so far (``lead_import_row``), the
    #: file's last row among them (1: the header, nothing staged yet), and a digest of the
    #: duplicates they were staged with (another import since then means staging again).
    staged_rows: Mapped[int] = mapped_column(Integer, default=0)
    staged_through: Mapped[int] = mapped_column(Integer, default=1)
    staged_digest: Mapped[str] = mapped_column(String(64), default="")

    job: Mapped[Job | None] = relationship()


class LeadImportRow(Base):
    """A checked row of a running import, staged until the import publishes every row at once
    (``portal.leads.imports``): committed in chunks, so a stopped worker resumes after the last
    chunk, while no lead exists until all of them do."""

    __tablename__ = "lead_import_row"

    import_id: Mapped[int] = mapped_column(
        ForeignKey("lead_import.id", ondelete="CASCADE"), primary_key=True
    )
    #: The row's number in the file (the header is row 1).
    row: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    email_domain: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    industry: Mapped[str] = mapped_column(String(80), default="")
    product_line: Mapped[str] = mapped_column(String(80), default="")
    campaign: Mapped[str | None] = mapped_column(String(80))
    score: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    #: What it duplicates: one of the owner's leads, or an earlier row of the file.
    duplicate_of_id: Mapped[int | None] = mapped_column(Integer)
    duplicate_of_row: Mapped[int | None] = mapped_column(Integer)
    #: The lead's id, given when the import publishes.
    lead_id: Mapped[int | None] = mapped_column(Integer)


class HandoffOutcome(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    #: Not accepted within the hop's SLA.
    expired = "expired"
    #: Taken back by the distributor.
    recalled = "recalled"


class LeadHandoff(Base):
    """One hop of two-tier distribution: a distributor forwarded a lead it holds to a reseller.

    The hop is a lease of its own (the distributor's SLA for the reseller's tier); a decline or
    a lapse returns the lead to the distributor, not to the owner's pool.
    """

    __tablename__ = "lead_handoff"
    __table_args__ = (Index("ix_lead_handoff_outcome_expires_at", "outcome", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    forwarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    forwarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sla_hours: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[HandoffOutcome] = mapped_column(
        string_enum(HandoffOutcome), default=HandoffOutcome.pending
    )
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it was declined, lapsed or recalled.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(300), default="")

    #: The distributor that forwarded the lead.
    from_org: Mapped[Organization] = relationship(foreign_keys=[from_org_id], viewonly=True)
