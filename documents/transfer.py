"""Documents over HTTP, for the portal's views and the API alike.

- In: a raw request body whose SHA-256 the client announced, of a kind its first bytes decide
  (videos, PDFs, images), goes to storage as it arrives: receiving and storing overlap. Any
  other body is spooled to a temporary file while it is hashed (Office files and text are
  inspected whole before anything stores them). Either way it is refused as soon as it passes
  the limit, and a 1 GiB upload never sits in memory.
- Out: a stored version streamed in chunks with single-range support (resumable downloads,
  video seeking), or a redirect to a short-lived presigned URL on S3. Callers load the version
  through partners.sharing first: the redirect is issued only once the access check passed, so
  a URL for a document you may not see is a 404.
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import BinaryIO

from flask import Response, redirect, request
from werkzeug.datastructures import ContentRange

from documents.content import OneWayUpload, RejectedUpload, check_head, content_disposition
from documents.content.errors import TooLarge
from documents.models import AccessAction, DocumentVersion
from documents.service import Upload, record_access
from documents.storage import HashMismatch, Storage
from partners.context import ServiceContext

#: Request bodies up to this size are spooled in memory, larger ones to a temporary file.
SPOOL_IN_MEMORY = 1024 * 1024
READ_SIZE = 1024 * 1024

#: Served files never run in the portal's origin, even if a browser ignores the content type.
FILE_SECURITY_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


def receive_body(
    stream: BinaryIO, filename: str, *, size: int | None, sha256: str | None, max_bytes: int
) -> Upload:
    """A raw request body as an `Upload`: streamed to storage as it arrives when its `sha256`
    and `size` are announced and its first bytes decide its kind, else spooled and hashed (and
    refused with `HashMismatch` if it differs from an announced `sha256`). The caller closes
    the upload's stream."""
    body = OneWayUpload(stream)
    if sha256 is not None and size is not None:
        try:
            decided = check_head(body, filename, size=size, max_bytes=max_bytes)
        except TooLarge:
            raise
        except RejectedUpload:
            decided = True  # refused from its first bytes: the service says why, reading no more
        if decided:
            return Upload(body, filename, max_bytes, sha256=sha256, size=size)
    spooled, actual = spool_body(body, max_bytes)
    if sha256 is not None and actual != sha256:
        spooled.close()
        raise HashMismatch(sha256, actual)
    return Upload(spooled, filename, max_bytes, sha256=actual)


def spool_body(stream: BinaryIO, max_bytes: int) -> tuple[BinaryIO, str]:
    """Copy a request body to a seekable temporary file while hashing it; raises ``TooLarge``
    past ``max_bytes``. The caller closes the file."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    digest, size = hashlib.sha256(), 0
    try:
        while chunk := stream.read(READ_SIZE):
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(max_bytes)
            digest.update(chunk)
            spooled.write(chunk)
    except BaseException:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled, digest.hexdigest()  # type: ignore[return-value]


def serve_version(
    ctx: ServiceContext,
    storage: Storage,
    version: DocumentVersion,
    *,
    disposition: str = "attachment",
    presign_seconds: int,
) -> Response:
    """Log the access (a download from the first byte, or a preview), then redirect to a
    presigned URL (S3 with ``presign=1``; the log says until when it works) or stream the
    bytes."""
    url = storage.presigned_url(
        version.sha256,
        filename=version.filename,
        content_type=version.content_type,
        expires_in=presign_seconds,
    )
    if starts_a_download(version):
        action = AccessAction.download if disposition == "attachment" else AccessAction.preview
        record_access(ctx, version, action, url_seconds=presign_seconds if url else None)
    if url is None:
        return stream_version(storage, version, disposition)
    response = redirect(url, code=302)
    response.headers["Cache-Control"] = "no-store"
    return response


def starts_a_download(version: DocumentVersion) -> bool:
    """Whether this request fetches the file from its start (not a resumed or seeking range),
    i.e. counts as a download in the access log."""
    wanted = _requested(version.size, version.sha256)
    return wanted is None or wanted[0] == 0


def stream_version(storage: Storage, version: DocumentVersion, disposition: str) -> Response:
    """The version's bytes (or the requested range of them), streamed from storage."""
    size = version.size
    etag = version.sha256
    headers = {
        "Content-Disposition": content_disposition(version.filename, disposition),
        "Content-Security-Policy": FILE_SECURITY_POLICY,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
    }
    if request.if_none_match.contains(etag):
        response = Response(status=304, headers=headers)
        response.set_etag(etag)
        return response
    wanted = _requested(size, etag)
    if wanted is not None and wanted[0] >= size:
        response = Response(status=416, headers=headers)
        response.content_range = ContentRange("bytes", None, None, size)
        return response
    body = storage.open(version.sha256, byte_range=wanted)
    response = Response(
        body, mimetype=version.content_type, headers=headers, direct_passthrough=True
    )
    response.set_etag(etag)
    if wanted is None:
        response.content_length = size
    else:
        start, stop = wanted[0], min(wanted[1], size)
        response.status_code = 206
        response.content_length = stop - start
        response.content_range = ContentRange("bytes", start, stop, size)
    return response


def _requested(size: int, etag: str) -> tuple[int, int] | None:
    """The single range asked for; an ``If-Range`` naming another version means all of it."""
    wanted = request.range
    if wanted is None or len(wanted.ranges) != 1 or size == 0:
        return None
    if_range = request.if_range
    if if_range.etag is not None and if_range.etag != etag:
        return None
    if if_range.date is not None:  # we send no Last-Modified, so a date cannot match
        return None
    found = wanted.range_for_length(size)
    return found if found is not None else (size, size)
