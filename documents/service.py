"""The document library's changes: upload, versions, locks, details, attachments, sharing, delete.

Every function takes the acting user in its context, loads documents through partners.sharing
(a document the actor may not see is NotFound) and writes an audit entry. Bytes are stored
before any row is written, and only once they passed ``check_upload`` and hash to their key, so
a refused or failed upload leaves no row (and no object, except when the database fails after
storing: the sweeper removes those).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from documents.content import (
    CheckedUpload,
    OneWayUpload,
    RejectedUpload,
    check_head,
    check_upload,
    sanitize_filename,
)
from documents.extraction import index_text
from documents.models import (
    AccessAction,
    AttachedTo,
    Document,
    DocumentAccess,
    DocumentTag,
    DocumentVersion,
)
from documents.sharing import DOCUMENTS
from documents.storage import StoredBlob
from partners import audit, sharing
from partners.context import NotFound, ServiceContext, ServiceError
from partners.models import User
from partners.roles import Role
from partners.sharing import AccessLevel, get_record, require_role, shares
from partners.sharing.kinds import PartyRecords
from partners.sharing.models import ExplicitShare
from partners.sharing.registry import kind_of, parent_kind

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_FOLDER_LENGTH = 200
#: What a document may be shared at: edit lets the grantee add versions.
SHARE_LEVELS = (AccessLevel.view, AccessLevel.edit)


class UploadRefused(ServiceError):
    """The file was refused (type, size, damage…): ``code`` for programs, the message for people."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Upload:
    """A file on its way in and the name sent with it: a seekable stream (a spooled request
    body), or a `OneWayUpload` of a kind its first bytes decide, stored as it arrives, with
    its announced `size` and `sha256`."""

    stream: BinaryIO
    filename: str
    max_bytes: int
    #: The SHA-256 if known before storing (hashed while spooling, or announced by the client):
    #: S3 then uploads straight to the content key, and the bytes are checked against it.
    sha256: str | None = None
    #: The portal computed `sha256` itself while spooling the bytes (not a client's claim), so
    #: storage does not hash them again.
    hashed: bool = False
    size: int | None = None

    @property
    def one_way(self) -> bool:
        return isinstance(self.stream, OneWayUpload)


@dataclass(frozen=True)
class Details:
    title: str = ""
    folder: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    kind: AttachedTo
    record_id: int


def _actor(ctx: ServiceContext, role: Role = Role.member) -> User:
    actor = ctx.actor
    assert actor is not None
    require_role(actor, role)
    return actor


def get_document(
    db: Session, user: User, document_id: int, level: AccessLevel = AccessLevel.view
) -> Document:
    """The document if ``user`` reaches it at ``level``; NotFound otherwise."""
    return get_record(db, user, DOCUMENTS, document_id, level)


def get_version(db: Session, user: User, document_id: int, number: int) -> DocumentVersion:
    """One version of a document the user sees; NotFound for either."""
    document = get_document(db, user, document_id)
    version = db.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == number
        )
    )
    if version is None:
        raise NotFound()
    return version


# Names, folders and tags -------------------------------------------------------------------------


def normalise_folder(folder: str) -> str:
    """``" /Contracts// 2025/ "`` → ``"Contracts/2025"``; refuses ``..`` and overlong paths."""
    parts = [part.strip() for part in folder.replace("\\", "/").split("/")]
    parts = [part for part in parts if part]
    if any(part in (".", "..") for part in parts):
        raise ServiceError("A folder name cannot be “.” or “..”.")
    path = "/".join(parts)
    if len(path) > MAX_FOLDER_LENGTH:
        raise ServiceError(f"A folder path has at most {MAX_FOLDER_LENGTH} characters.")
    return path


def normalise_tags(tags: tuple[str, ...] | list[str]) -> list[str]:
    """Trimmed, lower-case, without duplicates, in the order given."""
    cleaned = list(dict.fromkeys(" ".join(tag.split()).lower() for tag in tags if tag.strip()))
    if len(cleaned) > MAX_TAGS:
        raise ServiceError(f"A document has at most {MAX_TAGS} tags.")
    if any(len(tag) > MAX_TAG_LENGTH for tag in cleaned):
        raise ServiceError(f"A tag has at most {MAX_TAG_LENGTH} characters.")
    return cleaned


def _title(title: str, filename: str) -> str:
    title = " ".join(title.split()) or filename.rsplit(".", 1)[0] or filename
    return title[:200]


# Upload and versions -----------------------------------------------------------------------------


def _store(ctx: ServiceContext, upload: Upload) -> tuple[CheckedUpload, StoredBlob]:
    """Check the bytes, store them, return what was checked and what was stored."""
    if "/" in upload.filename or "\\" in upload.filename:
        # A client sending a path is confused about what it sends; browsers send the name only.
        raise UploadRefused(
            "Send the file's name only, without folders (no / or \\ in it)", "path_in_filename"
        )
    try:
        checked = _check(upload)
        blob = ctx.files().put(
            upload.stream,
            max_bytes=upload.max_bytes,
            expected_sha256=upload.sha256,
            hashed=upload.hashed,
        )
    except RejectedUpload as refused:  # the content, its size, or a checksum that differs
        raise UploadRefused(refused.message, refused.code) from None
    return checked, blob


def _check(upload: Upload) -> CheckedUpload:
    if not upload.one_way:
        return check_upload(upload.stream, upload.filename, max_bytes=upload.max_bytes)
    if upload.sha256 is None or upload.size is None:
        raise ValueError("a one-way upload needs its announced size and SHA-256")
    checked = check_head(
        upload.stream,  # type: ignore[arg-type]
        upload.filename,
        size=upload.size,
        max_bytes=upload.max_bytes,
    )
    if checked is None:
        raise ValueError("only kinds their first bytes decide can be stored as they arrive")
    return checked


def _add_version(
    ctx: ServiceContext, document: Document, upload: Upload, comment: str
) -> DocumentVersion:
    """Store the upload and make it the document's next (current) version."""
    checked, blob = _store(ctx, upload)
    version = DocumentVersion(
        number=document.current_number + 1 if document.id else 1,
        sha256=blob.sha256,
        size=blob.size,
        file_kind=checked.kind.name,
        content_type=checked.kind.mime,
        filename=checked.filename,
        comment=" ".join(comment.split())[:500],
        uploaded_by_id=ctx.actor.id if ctx.actor else None,
        uploaded_at=ctx.now(),
    )
    document.versions.append(version)
    document.current_number = version.number
    document.updated_at = ctx.now()
    ctx.db.add(document)
    ctx.db.flush()
    index_text(ctx, version, None if upload.one_way else upload.stream)
    return version


def upload_document(
    ctx: ServiceContext,
    upload: Upload,
    details: Details = Details(),
    *,
    comment: str = "",
    attach: Attachment | None = None,
    generated_kind: str | None = None,
) -> Document:
    """A new document in the actor's organization's library, its first version ``upload``."""
    actor = _actor(ctx)
    folder, tags = normalise_folder(details.folder), normalise_tags(details.tags)
    _check_attachable(ctx, actor, attach)
    document = Document(
        owner_org_id=actor.organization_id,
        title=_title(details.title, sanitize_filename(upload.filename)),
        folder=folder,
        assigned_user_id=actor.id,
        generated_kind=generated_kind,
        created_by_id=actor.id,
        created_at=ctx.now(),
        tag_rows=[DocumentTag(tag=tag) for tag in tags],
    )
    _set_attachment(document, attach)
    version = _add_version(ctx, document, upload, comment)
    sharing.changed(ctx.db, document)
    audit.record(
        ctx,
        "document.uploaded",
        document,
        summary=f"Document {document.title!r} uploaded ({version.filename})",
        after=_version_snapshot(version),
    )
    return document


def add_version(
    ctx: ServiceContext,
    document_id: int,
    upload: Upload,
    *,
    comment: str = "",
    keep_lock: bool = False,
) -> DocumentVersion:
    """A new version of the document; refused while someone else holds its lock. The lock
    holder's upload releases the lock unless ``keep_lock``."""
    actor = _actor(ctx)
    document = get_document(ctx.db, actor, document_id, AccessLevel.edit)
    _refuse_if_locked_by_other(ctx, document, actor)
    version = _add_version(ctx, document, upload, comment)
    if document.locked_by_id == actor.id and not keep_lock:
        _clear_lock(document)
    audit.record(
        ctx,
        "document.version_added",
        document,
        summary=f"Version {version.number} of {document.title!r} ({version.filename})",
        after=_version_snapshot(version),
    )
    return version


def _version_snapshot(version: DocumentVersion) -> dict:
    return {
        "version": version.number,
        "filename": version.filename,
        "size": version.size,
        "sha256": version.sha256,
        "kind": version.file_kind,
    }


# Locks -----------------------------------------------------------------------------------------


def _refuse_if_locked_by_other(ctx: ServiceContext, document: Document, actor: User) -> None:
    if document.locked_by_id is not None and document.locked_by_id != actor.id:
        holder = ctx.db.get(User, document.locked_by_id)
        name = holder.display_name if holder else "someone else"
        raise ServiceError(
            f"{name} is revising this document (locked {document.locked_at:%d %B %Y %H:%M} "
            "UTC); upload your version once they unlock it."
        )


def _clear_lock(document: Document) -> None:
    document.locked_by_id, document.locked_at, document.lock_note = None, None, ""


def lock_document(ctx: ServiceContext, document_id: int, note: str = "") -> Document:
    """Lock the document while the actor revises it: nobody else can add versions."""
    actor = _actor(ctx)
    document = get_document(ctx.db, actor, document_id, AccessLevel.edit)
    _refuse_if_locked_by_other(ctx, document, actor)
    document.locked_by_id, document.locked_at = actor.id, ctx.now()
    document.lock_note = " ".join(note.split())[:300]
    audit.record(
        ctx,
        "document.locked",
        document,
        summary=f"{document.title!r} locked for revision",
        after={"note": document.lock_note},
    )
    return document


def unlock_document(ctx: ServiceContext, document_id: int) -> Document:
    """The lock holder unlocks; so may a manager of the owner (e.g. the holder is away)."""
    actor = _actor(ctx)
    document = get_document(ctx.db, actor, document_id, AccessLevel.edit)
    if document.locked_by_id is None:
        return document
    owner_manager = document.owner_org_id == actor.organization_id and actor.role >= Role.manager
    if document.locked_by_id != actor.id and not owner_manager:
        raise ServiceError("Only the person who locked it, or a manager, can unlock it.")
    before = {"locked_by": document.locked_by_id}
    _clear_lock(document)
    audit.record(
        ctx, "document.unlocked", document, summary=f"{document.title!r} unlocked", before=before
    )
    return document


# Details, attachments, deletion ------------------------------------------------------------------


def edit_document(ctx: ServiceContext, document_id: int, details: Details) -> Document:
    """Change title, folder and tags; rules by folder or tag are evaluated again."""
    actor = _actor(ctx)
    document = get_document(ctx.db, actor, document_id, AccessLevel.edit)
    before = {"title": document.title, "folder": document.folder, "tags": document.tags}
    tags = normalise_tags(details.tags)
    document.title = _title(details.title, document.current.filename)
    document.folder = normalise_folder(details.folder)
    if tags != document.tags:
        document.tag_rows = [DocumentTag(tag=tag) for tag in tags]
    document.updated_at = ctx.now()
    sharing.changed(ctx.db, document)
    after = {"title": document.title, "folder": document.folder, "tags": tags}
    audit.record(
        ctx,
        "document.edited",
        document,
        summary=f"Document {document.title!r} edited",
        before=before,
        after=after,
    )
    return document


def _check_attachable(ctx: ServiceContext, actor: User, attach: Attachment | None) -> None:
    """The actor may attach to the record: edit it, or be a party to an order."""
    if attach is None:
        return
    if attach.kind == AttachedTo.order:
        # Orders are seen by their parties, not through grants (``portal/orders/sharing.py``).
        orders = parent_kind(attach.kind.value)
        assert isinstance(orders, PartyRecords)
        orders.get(ctx.db, actor.organization_id, attach.record_id)
        return
    # Every other kind of record it attaches to is a shared kind of the same name.
    get_record(ctx.db, actor, kind_of(attach.kind.value), attach.record_id, AccessLevel.edit)


def _set_attachment(document: Document, attach: Attachment | None) -> None:
    document.attached_type = attach.kind if attach else None
    document.attached_id = attach.record_id if attach else None


def attach_document(ctx: ServiceContext, document_id: int, attach: Attachment | None) -> Document:
    """Attach the document to a lead, deal, campaign, case or order the actor may edit
    (``None`` detaches).

    Whoever sees the lead, deal, campaign, case or order may then view the document.
    """
    actor = _actor(ctx)
    document = get_document(ctx.db, actor, document_id, AccessLevel.manage)
    before = {"attached": _attachment_label(document)}
    _check_attachable(ctx, actor, attach)
    _set_attachment(document, attach)
    document.updated_at = ctx.now()
    sharing.changed(ctx.db, document)
    audit.record(
        ctx,
        "document.attached" if attach else "document.detached",
        document,
        summary=f"{document.title!r} attached to {_attachment_label(document) or 'nothing'}",
        before=before,
        after={"attached": _attachment_label(document)},
    )
    return document


def _attachment_label(document: Document) -> str | None:
    if document.attached_type is None:
        return None
    return f"{document.attached_type.value} {document.attached_id}"


def delete_document(ctx: ServiceContext, document_id: int) -> None:
    """Delete the document and its versions (managers of the owner). The bytes stay until the
    sweeper finds no version of any document refers to them."""
    actor = _actor(ctx, Role.manager)
    document = get_document(ctx.db, actor, document_id, AccessLevel.manage)
    if document.owner_org_id != actor.organization_id:
        raise NotFound()
    shares.end_record_shares(ctx, DOCUMENTS, document.id)
    audit.record(
        ctx,
        "document.deleted",
        document,
        summary=f"Document {document.title!r} deleted",
        before={"title": document.title, "versions": document.current_number},
    )
    ctx.db.delete(document)
    ctx.db.flush()


# Sharing ---------------------------------------------------------------------------------------


def share_document(
    ctx: ServiceContext,
    document_id: int,
    *,
    level: AccessLevel = AccessLevel.view,
    **audience_and_terms: Any,
) -> ExplicitShare:
    """:func:`partners.sharing.shares.share_record` for a document (``organization=``,
    ``team=``, ``tier=``, ``all_partners=True`` or ``campaign=``, its participants;
    ``expires_at=``, ``reason=``), at view or edit only."""
    if level not in SHARE_LEVELS:
        raise ServiceError("A document is shared to view it, or to edit it (add versions).")
    return shares.share_record(ctx, DOCUMENTS, document_id, level=level, **audience_and_terms)


# Downloads and previews ------------------------------------------------------------------------


def record_access(
    ctx: ServiceContext,
    version: DocumentVersion,
    action: AccessAction,
    *,
    url_seconds: int | None = None,
) -> None:
    """Log who downloaded or previewed the version (the owner's access log) and count
    downloads; ``url_seconds`` when the bytes come from a presigned URL issued to the actor,
    valid that long. The caller has loaded ``version`` through :func:`get_version`."""
    actor = ctx.actor
    assert actor is not None
    now = ctx.now()
    ctx.db.add(
        DocumentAccess(
            document_id=version.document_id,
            version_id=version.id,
            user_id=actor.id,
            organization_id=actor.organization_id,
            action=action,
            at=now,
            ip=ctx.ip[:45],
            url_expires_at=now + timedelta(seconds=url_seconds) if url_seconds else None,
        )
    )
    if action == AccessAction.download:
        ctx.db.execute(
            update(Document)
            .where(Document.id == version.document_id)
            .values(download_count=Document.download_count + 1)
        )
