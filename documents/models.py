"""The document library: documents, their versions, tags, access log and replacement templates.

Bytes live in document storage under their SHA-256; rows here only name them. A document is a
shared record (``documents.sharing.DOCUMENTS``): its owner organization sees it, and rules,
explicit shares and the record it is attached to decide who else does.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from partners.db import Base, UTCDateTime, string_enum, utcnow


class AttachedTo(StrEnum):
    """Kinds of record a document can be attached to."""

    lead = "lead"
    deal = "deal"
    order = "order"
    campaign = "campaign"
    case = "case"
    fund_request = "fund_request"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def forms(cls) -> str:
        """How an ``attach`` value is written: "`lead:<id>`, `deal:<id>` … or `campaign:<id>`"."""
        forms = [f"`{kind.value}:<id>`" for kind in cls]
        return ", ".join(forms[:-1]) + " or " + forms[-1]


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_owner_folder", "owner_org_id", "folder"),
        Index("ix_document_attached", "attached_type", "attached_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: A slash-separated path such as ``Contracts/2025``; ``""`` is the library's top level.
    folder: Mapped[str] = mapped_column(String(200), default="")
    #: The number of the newest version, which is the current one.
    current_number: Mapped[int] = mapped_column(Integer, default=1)
    #: Who holds the lock while revising; others cannot add versions meanwhile.
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_note: Mapped[str] = mapped_column(String(300), default="")
    #: For organizations whose members see only their own records (the uploader, by default).
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    assigned_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    #: The record the document is attached to; whoever sees that record may view the document.
    attached_type: Mapped[AttachedTo | None] = mapped_column(string_enum(AttachedTo))
    attached_id: Mapped[int | None] = mapped_column(Integer)
    #: The kind of generated document (``documents.generate``), if it was generated.
    generated_kind: Mapped[str | None] = mapped_column(String(60))
    download_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        order_by="DocumentVersion.number.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    current: Mapped[DocumentVersion] = relationship(
        primaryjoin=lambda: and_(
            foreign(DocumentVersion.document_id) == Document.id,
            DocumentVersion.number == Document.current_number,
        ),
        viewonly=True,
        uselist=False,
    )
    tag_rows: Mapped[list[DocumentTag]] = relationship(
        order_by="DocumentTag.tag", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.title}" if self.folder else self.title

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r} v{self.current_number}>"


class DocumentTag(Base):
    __tablename__ = "document_tag"
    __table_args__ = (Index("ix_document_tag_tag", "tag", "document_id"),)

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    #: Lower-case, trimmed (``documents.service.normalise_tags``).
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)


class TextStatus(StrEnum):
    """Where the search text of a version stands."""

    none = "none"
    """Nothing to extract (images, videos, spreadsheets)."""
    pending = "pending"
    done = "done"


class DocumentVersion(Base):
    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    #: The storage key: the SHA-256 of the bytes, lower-case hex.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    #: ``documents.content.KINDS`` name, decided from the bytes.
    file_kind: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(120))
    #: Sanitised (``documents.content.sanitize_filename``).
    filename: Mapped[str] = mapped_column(String(255))
    comment: Mapped[str] = mapped_column(String(500), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text_status: Mapped[TextStatus] = mapped_column(
        string_enum(TextStatus), default=TextStatus.none
    )

    document: Mapped[Document] = relationship(back_populates="versions")


class DocumentText(Base):
    """The text extracted from a version for search (bounded; see documents.content.text)."""

    __tablename__ = "document_text"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_version.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")


class AccessAction(StrEnum):
    download = "download"
    preview = "preview"


class DocumentAccess(Base):
    """One download or preview: who, from which organization, which version, when, from where."""

    __tablename__ = "document_access"
    __table_args__ = (Index("ix_document_access_document_at", "document_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    action: Mapped[AccessAction] = mapped_column(string_enum(AccessAction))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    #: When the download was answered with a presigned URL (S3): until when that URL works.
    #: It was issued to ``user_id``, after the access check.
    url_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DocumentTemplate(Base):
    """An organization's replacement template for one kind of generated document."""

    __tablename__ = "document_template"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    #: ``documents.generate.DOCUMENT_KINDS`` name.
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
