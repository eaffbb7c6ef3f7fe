"""Documents over HTTP, for the portal's views and the API alike.

- In: a raw request body whose SHA-256 the client announced, of a kind its first bytes decide
  (videos, PDFs, images), goes to storage as it arrives: receiving and storing overlap. Any
  other body is spooled to a temporary file while it is hashed (Office files and text are
  inspected whole before anything stores them). Either way it is refused as soon as it passes
  the limit, and a 1 GiB upload never sits in memory.
- A browser's multipart form is read from the socket as it arrives (``receive_form``), not by
  werkzeug's form parser: its fields are kept (the CSRF token is checked before any byte of the
  file is written), and its file is spooled to a temporary file *while it is hashed*, so that
  storage gets it with its hash and uploads it straight to its content key without reading it
  a second time.
- Out: a stored version streamed in chunks with single-range support (resumable downloads,
  video seeking), or a redirect to a short-lived presigned URL on S3. Callers load the version
  through partners.sharing first: the redirect is issued only once the access check passed, so
  a URL for a document you may not see is a 404.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from flask import Response, redirect, request
from werkzeug.datastructures import ContentRange, MultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

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
    return Upload(spooled, filename, max_bytes, sha256=actual, hashed=True)


#: A form's fields together (everything but its file) may hold this much; it has a few short ones.
MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 50


@dataclass
class ReceivedForm:
    fields: MultiDict
    #: The file part, spooled and hashed; the caller closes its stream.
    upload: Upload | None


def receive_form(
    stream: BinaryIO,
    boundary: bytes,
    *,
    file_field: str,
    max_bytes: int,
    before_file: Callable[[MultiDict], None],
) -> ReceivedForm:
    """A multipart form read as it arrives. ``before_file`` sees the fields sent before the
    file (a form's CSRF token comes first) and may refuse the request before any of the file
    is written. The file is spooled while hashed (one pass over it, not three: werkzeug's
    parser spools it, then storage hashed it, then read it again to upload it)."""
    parts = _Parts(stream, boundary)
    fields: MultiDict = MultiDict()
    upload: Upload | None = None
    try:
        for event in parts:
            if isinstance(event, Field):
                fields.add(event.name, parts.field_value())
            elif event.name == file_field and upload is None:
                before_file(fields)
                spooled, sha256 = spool_body(parts, max_bytes)
                upload = Upload(spooled, event.filename, max_bytes, sha256=sha256, hashed=True)
    except BaseException:
        if upload is not None:
            upload.stream.close()
        raise
    return ReceivedForm(fields, upload)


class _Parts(io.RawIOBase):
    """A multipart body as it arrives: iterating yields each part's `Field` or `File` event;
    reading reads the current part's data (and ends with it)."""

    def __init__(self, stream: BinaryIO, boundary: bytes) -> None:
        self._stream = stream
        self._decoder = MultipartDecoder(boundary, max_parts=MAX_PARTS)
        self._in_part = False
        self._pending = b""
        self._field_bytes = 0

    def _event(self):
        while True:
            try:
                event = self._decoder.next_event()
            except ValueError:
                raise BadRequest("The form data is malformed.") from None
            if not isinstance(event, NeedData):
                return event
            self._decoder.receive_data(self._stream.read(READ_SIZE) or None)

    def __iter__(self) -> Iterator[Field | File]:  # type: ignore[override]
        while True:
            while self._in_part:  # the part before was not read (or not to its end)
                self._data()
            event = self._event()
            if isinstance(event, Epilogue):
                return
            if isinstance(event, Field | File):
                self._in_part, self._pending = True, b""
                yield event

    def _data(self) -> bytes:
        """The current part's next bytes; b"" at its end."""
        while self._in_part:
            event = self._event()
            assert isinstance(event, Data)
            self._in_part = event.more_data
            if event.data:
                return event.data
        return b""

    def field_value(self) -> str:
        value = bytearray()
        while chunk := self._data():
            self._field_bytes += len(chunk)
            if self._field_bytes > MAX_FIELD_BYTES:
                raise RequestEntityTooLarge()
            value += chunk
        return value.decode("utf-8", errors="replace")

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes of the current part, as they arrive (no copy when whole)."""
        data = self._pending or self._data()
        if 0 <= size < len(data):
            self._pending = data[size:]
            return data[:size]
        self._pending = b""
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


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
