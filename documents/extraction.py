"""Search text for document versions: extracted during the upload for small files, by the
worker (``concord worker``) for big ones, so an upload never waits on parsing a large PDF."""

from __future__ import annotations

from typing import BinaryIO

from documents.blobs import local_copy
from documents.content.text import EXTRACTABLE, extract_text
from documents.models import DocumentText, DocumentVersion, TextStatus
from partners.context import ServiceContext
from partners.jobs import JobRun, enqueue, job_handler

#: Files up to this size are read during the upload; larger ones by a background job.
INLINE_BYTES = 2 * 1024 * 1024
JOB_KIND = "documents.extract_text"


def index_text(ctx: ServiceContext, version: DocumentVersion, stream: BinaryIO | None) -> None:
    """Make the version's text searchable: now from ``stream`` (its bytes, seekable) if it is
    small, or from storage by a queued job (always, when the bytes were not kept at hand)."""
    if version.file_kind not in EXTRACTABLE:
        version.text_status = TextStatus.none
    elif stream is not None and version.size <= INLINE_BYTES:
        _save(ctx, version, extract_text(stream, version.file_kind))
    else:
        version.text_status = TextStatus.pending
        actor = ctx.actor
        enqueue(
            ctx.db,
            JOB_KIND,
            {"version_id": version.id},
            now=ctx.now(),
            organization_id=actor.organization_id if actor else None,
            created_by_id=actor.id if actor else None,
            message="Waiting to index the document's text.",
        )


def _save(ctx: ServiceContext, version: DocumentVersion, text: str) -> None:
    ctx.db.add(
        DocumentText(
            version_id=version.id,
            document_id=version.document_id,
            body=text.replace("\x00", ""),  # PostgreSQL text cannot hold NUL
        )
    )
    version.text_status = TextStatus.done
    ctx.db.flush()


@job_handler(JOB_KIND)
def _extract_in_background(ctx: ServiceContext, run: JobRun) -> str:
    version = ctx.db.get(DocumentVersion, run.payload["version_id"])
    if version is None or version.text_status != TextStatus.pending:
        return "Nothing to index: the document was deleted or is indexed already."
    with local_copy(ctx.files(), version.sha256) as copy:
        _save(ctx, version, extract_text(copy, version.file_kind))
    return "The document's text is searchable."
