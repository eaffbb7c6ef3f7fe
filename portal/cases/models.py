"""The case: a partner's request the vendor owns and works, and its notes.

A case is a shared record (``portal.cases.sharing.CASES``): the vendor owns it, the partner on
the case takes part with edit access. Its notes are append-only; who reads which note is
decided by ``portal.cases.sharing``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow

if TYPE_CHECKING:
    from partners.models import Team, User


class CaseStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    waiting_on_partner = "waiting_on_partner"
    resolved = "resolved"
    closed = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def next(self) -> tuple[CaseStatus, ...]:
        """Where a case may go from here: forward, or reopened once resolved or closed."""
        return _NEXT[self]


_NEXT = {
    CaseStatus.open: (
        CaseStatus.in_progress,
        CaseStatus.waiting_on_partner,
        CaseStatus.resolved,
        CaseStatus.closed,
    ),
    CaseStatus.in_progress: (
        CaseStatus.waiting_on_partner,
        CaseStatus.resolved,
        CaseStatus.closed,
    ),
    CaseStatus.waiting_on_partner: (
        CaseStatus.in_progress,
        CaseStatus.resolved,
        CaseStatus.closed,
    ),
    CaseStatus.resolved: (CaseStatus.closed, CaseStatus.open),
    CaseStatus.closed: (CaseStatus.open,),
}


class CasePriority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def rank(self) -> int:
        return list(CasePriority).index(self)

    @property
    def raised(self) -> CasePriority:
        """The next priority up (urgent stays urgent)."""
        members = list(CasePriority)
        return members[min(self.rank + 1, len(members) - 1)]


#: Statuses in which the SLA clocks stop: the case waits on the partner, or is done.
PAUSED_STATUSES = frozenset({CaseStatus.waiting_on_partner, CaseStatus.resolved, CaseStatus.closed})


class Case(Base):
    # ``case`` is an SQL keyword; the table is named for what it holds.
    __tablename__ = "support_case"
    __table_args__ = (
        UniqueConstraint("owner_org_id", "number"),
        Index("ix_support_case_owner_status", "owner_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The vendor: it works the case and shares it by its rules.
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    #: The owner's own sequence (case 1, 2, … of this vendor), shown to people.
    number: Mapped[int] = mapped_column(Integer)
    #: The partner on the case (edit access by participation).
    partner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CaseStatus] = mapped_column(
        string_enum(CaseStatus, length=24), default=CaseStatus.open
    )
    priority: Mapped[CasePriority] = mapped_column(
        string_enum(CasePriority), default=CasePriority.normal
    )
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deal.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase_order.id", ondelete="SET NULL")
    )
    #: Who of the owner works the case (a person, a team, or both).
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The knowledge-base article that solved it (``portal.knowledge``), if someone linked one.
    solved_by_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_article.id", ondelete="SET NULL")
    )

    # The SLA (portal/cases/sla.py): the promise made when the case was opened or triaged, in
    # business hours of the vendor's calendar, and its clock.
    #: Business hours to the vendor's first shared reply, and to resolution (None: no SLA).
    sla_first_response_hours: Mapped[int | None] = mapped_column(Integer)
    sla_resolution_hours: Mapped[int | None] = mapped_column(Integer)
    #: The vendor's calendar (IANA zone) the hours are counted in.
    sla_timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    #: Business seconds the clock stood still (waiting on the partner, resolved, closed),
    #: not counting the pause going on now, which began at ``sla_paused_since``.
    sla_paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    sla_paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The vendor's first shared note.
    first_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When each target falls due while its clock runs; None once met or while paused (so
    #: "due first" sorts running clocks first). Breaches are read from the clock itself.
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    @property
    def reference(self) -> str:
        return f"Case {self.number}"

    def __repr__(self) -> str:
        return f"<Case {self.id} #{self.number} {self.status.value}>"


class CaseSequence(Base):
    """The last case number an owner gave out (bumped in one statement, so concurrent cases
    of one owner never share a number)."""

    __tablename__ = "case_sequence"

    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class NoteVisibility(StrEnum):
    #: The author's organization only (or, with ``team_id``, one of its teams).
    internal = "internal"
    #: Everyone who can see the case.
    shared = "shared"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class CaseNote(Base):
    """One entry of a case's timeline. Append-only: a note is never edited or deleted."""

    __tablename__ = "case_note"
    __table_args__ = (Index("ix_case_note_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The author's organization: its people read the note when it is internal.
    author_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    visibility: Mapped[NoteVisibility] = mapped_column(string_enum(NoteVisibility))
    #: An internal note for one of the author's teams only.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(viewonly=True)
    team: Mapped[Team | None] = relationship(viewonly=True)


class CaseSettings(Base):
    """A vendor's case calendar (one row per vendor; UTC without)."""

    __tablename__ = "case_settings"

    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    #: IANA zone of the vendor's business hours, in which SLA targets are counted.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


class CaseSlaTarget(Base):
    """A vendor's SLA for one priority, in business hours."""

    __tablename__ = "case_sla_target"

    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    priority: Mapped[CasePriority] = mapped_column(string_enum(CasePriority), primary_key=True)
    first_response_hours: Mapped[int] = mapped_column(Integer)
    resolution_hours: Mapped[int] = mapped_column(Integer)


class EscalationStep(StrEnum):
    #: The clock has run 80 % of its target.
    nearing = "nearing"
    #: The clock has run past its target.
    breached = "breached"


class CaseEscalation(Base):
    """An escalation step taken on a case; the unique key makes each step happen once."""

    __tablename__ = "case_escalation"
    __table_args__ = (UniqueConstraint("case_id", "clock", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_case.id", ondelete="CASCADE"))
    #: ``first_response`` or ``resolution``.
    clock: Mapped[str] = mapped_column(String(24))
    step: Mapped[EscalationStep] = mapped_column(string_enum(EscalationStep))
    escalated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseParty(Base):
    """Another partner organization the vendor involved in a case: it takes part with edit
    access as a participant of the case kind (``portal.cases.sharing``)."""

    __tablename__ = "case_party"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("support_case.id", ondelete="CASCADE"), primary_key=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseFeedback(Base):
    """The partner's rating of how its closed case was resolved: one per case."""

    __tablename__ = "case_feedback"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("support_case.id", ondelete="CASCADE"), primary_key=True
    )
    #: 1 (poor) … 5 (excellent).
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
