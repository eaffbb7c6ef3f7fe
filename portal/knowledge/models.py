"""Knowledge-base articles (a shared kind: ``portal.knowledge.sharing.ARTICLES``), their
versions and feedback, and announcements from a vendor to its partners."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow
from partners.roles import OrgKind, Tier

if TYPE_CHECKING:
    from partners.models import User


class ArticleStatus(StrEnum):
    #: Seen by the vendor only, whatever its rules and shares say.
    draft = "draft"
    published = "published"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Article(Base):
    __tablename__ = "kb_article"
    __table_args__ = (Index("ix_kb_article_owner_status", "owner_org_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The vendor: it writes the article and shares it by its rules.
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown; rendered and sanitised on display (``portal.knowledge.markdown``).
    body: Mapped[str] = mapped_column(Text, default="")
    product_line: Mapped[str] = mapped_column(String(80), default="")
    #: Comma-separated, lower-cased.
    tags: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[ArticleStatus] = mapped_column(
        string_enum(ArticleStatus), default=ArticleStatus.draft
    )
    #: The current version's number (1 for a new article; each edit adds one).
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Times the article's page was opened by someone outside the vendor.
    views: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The sharing engine reads these for members who see only their own records.
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    versions: Mapped[list[ArticleVersion]] = relationship(
        order_by="ArticleVersion.number.desc()", viewonly=True
    )

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class ArticleVersion(Base):
    """An article as it was before an edit (the current text is on the article)."""

    __tablename__ = "kb_article_version"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    product_line: Mapped[str] = mapped_column(String(80), default="")
    tags: Mapped[str] = mapped_column(String(300), default="")
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: When this version was written (it was current until the next one).
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    edited_by: Mapped[User | None] = relationship(viewonly=True)


class ArticleFeedback(Base):
    """One person's "was this helpful" answer: one per user and article (a second one replaces
    the first)."""

    __tablename__ = "kb_article_feedback"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AudienceKind(StrEnum):
    all_partners = "all_partners"
    tier = "tier"
    region = "region"
    kind = "kind"

    @property
    def label(self) -> str:
        return {
            "all_partners": "All partners",
            "tier": "A tier and above",
            "region": "A region",
            "kind": "A kind of partner",
        }[self.value]


class Announcement(Base):
    """A vendor's message to its partners (those of its active partnerships in the audience),
    pinned on their home page from ``starts_at`` until read or ``expires_at``."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_owner_window", "owner_org_id", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown, rendered like an article's body.
    body: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[AudienceKind] = mapped_column(string_enum(AudienceKind))
    tier: Mapped[Tier | None] = mapped_column(string_enum(Tier))
    region: Mapped[str | None] = mapped_column(String(40))
    partner_kind: Mapped[OrgKind | None] = mapped_column(string_enum(OrgKind))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def audience_label(self) -> str:
        detail = {
            AudienceKind.tier: self.tier.label if self.tier else "",
            AudienceKind.region: self.region or "",
            AudienceKind.kind: self.partner_kind.value.capitalize() if self.partner_kind else "",
        }.get(self.audience, "")
        return f"{self.audience.label}: {detail}" if detail else self.audience.label


class AnnouncementRead(Base):
    """A user marked the announcement read: it is no longer pinned for them."""

    __tablename__ = "announcement_read"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
