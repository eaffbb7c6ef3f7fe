"""Organizations, partnerships, people and their credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow
from partners.roles import OrgKind, OrgStatus, Role, Tier, UserStatus


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL- and CLI-friendly identifier, unique across the portal.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(string_enum(OrgKind))
    #: A suspended organization's users are signed out on their next request.
    status: Mapped[OrgStatus] = mapped_column(string_enum(OrgStatus), default=OrgStatus.active)
    #: When set, every user must enrol a TOTP authenticator before using the portal.
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When unset, members (not managers or admins) see only the records shared with their
    #: company that are assigned to them or to one of their teams.
    members_see_all_records: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.active

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class Partnership(Base):
    """A vendor (or a distributor, for two-tier distribution) and a company it works with."""

    __tablename__ = "partnership"
    __table_args__ = (UniqueConstraint("parent_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    tier: Mapped[Tier] = mapped_column(string_enum(Tier), default=Tier.registered)
    region: Mapped[str] = mapped_column(String(40), default="")
    #: IANA name; SLAs on leads count business hours in this zone.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    status: Mapped[OrgStatus] = mapped_column(string_enum(OrgStatus), default=OrgStatus.active)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organization] = relationship(foreign_keys=[parent_id])
    child: Mapped[Organization] = relationship(foreign_keys=[child_id])


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: Stored lower-cased; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(string_enum(Role), default=Role.member)
    status: Mapped[UserStatus] = mapped_column(string_enum(UserStatus), default=UserStatus.invited)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last TOTP time step accepted, so a code works only once.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(back_populates="users")
    teams: Mapped[list[Team]] = relationship(
        secondary="team_membership", back_populates="members", order_by="Team.name"
    )

    # Flask-Login's user protocol, spelled out so the domain needs no Flask import.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:
        return self.status == UserStatus.active

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Team(Base):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[User]] = relationship(
        secondary="team_membership", back_populates="teams", order_by="User.email"
    )


class TeamMembership(Base):
    __tablename__ = "team_membership"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class UserSession(Base):
    """A signed-in browser. The cookie names this row; revoking it ends the session."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class OneTimeToken(Base):
    """An emailed link (invitation, password reset): only its hash is stored; usable once."""

    __tablename__ = "one_time_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class ApiToken(Base):
    """A bearer token for the JSON API; it acts as its user. Only a hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    #: The first characters, shown in lists so people can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AuditEntry(Base):
    """One state change: who, for which organization, what, before → after, when, from where."""

    __tablename__ = "audit_entry"
    #: One record's trail (a deal's history) without reading the whole log.
    __table_args__ = (Index("ix_audit_entry_target", "target_type", "target_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    #: The organization the change concerns when it is not the actor's (e.g. a partner's tier).
    subject_org_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str] = mapped_column(String(64), default="")
    #: Where a change came from when not a person's page: ``inbound:<endpoint>:<webhook-id>``.
    origin: Mapped[str] = mapped_column(String(200), default="")

    actor: Mapped[User | None] = relationship()
    actor_org: Mapped[Organization | None] = relationship(foreign_keys=[actor_org_id])
    subject_org: Mapped[Organization | None] = relationship(foreign_keys=[subject_org_id])
