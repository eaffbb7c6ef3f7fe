"""The storage interface shared by every backend.

Objects are addressed by the SHA-256 of their bytes (lower-case hex). `Storage.put` streams the
bytes once: it hashes them while a backend-specific `Upload` writes them to a temporary place,
and only then promotes them to their content key. Nothing is ever visible under a content key
unless its bytes hash to that key.
"""

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, NamedTuple

from documents.storage.errors import HashMismatch, TooLarge

CHUNK_SIZE = 8 * 1024 * 1024
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

ByteRange = tuple[int, int]
"""A half-open byte range ``(start, stop)``, as in Python slicing and werkzeug's
``Range.range_for_length``: HTTP ``bytes=0-99`` is ``(0, 100)``. `stop` may exceed the size."""


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class ObjectInfo(NamedTuple):
    key: str
    size: int
    last_modified: datetime


@dataclass(frozen=True)
class Leftover:
    """A temporary upload that never got promoted (the process died, or cleanup failed)."""

    name: str
    started: datetime
    upload_id: str | None = None


def check_key(sha256: str) -> str:
    """Return `sha256` if it is a well-formed key; keys end up in paths, so never trust them."""
    if not isinstance(sha256, str) or not _SHA256_HEX.fullmatch(sha256):
        raise ValueError(f"Not a SHA-256 hex digest: {sha256!r}")
    return sha256


def hash_stream(
    stream: BinaryIO,
    chunk_size: int,
    max_bytes: int | None,
    sink: Callable[[bytes], None] | None = None,
    *,
    hashed: str | None = None,
) -> StoredBlob:
    """Read `stream` to its end in chunks, hashing (and handing each chunk to `sink`); not
    hashing when the bytes' SHA-256 is `hashed` already.

    Raises `TooLarge` as soon as more than `max_bytes` have been read.
    """
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(chunk_size):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(max_bytes)
        if hashed is None:
            digest.update(chunk)
        if sink is not None:
            sink(chunk)
    return StoredBlob(hashed or digest.hexdigest(), size)


def check_range(byte_range: ByteRange) -> ByteRange:
    start, stop = byte_range
    if start < 0 or stop <= start:
        raise ValueError(f"Invalid byte range {byte_range!r}: need 0 <= start < stop")
    return start, stop


class Upload(ABC):
    """Bytes being written to a temporary object; `commit` makes them the content object."""

    @abstractmethod
    def write(self, chunk: bytes) -> None: ...

    @abstractmethod
    def commit(self, sha256: str) -> None:
        """Promote the temporary object to `sha256`, replacing identical bytes if present."""

    @abstractmethod
    def abort(self) -> None:
        """Remove everything this upload wrote. Must not raise."""


class Storage(ABC):
    chunk_size: int = CHUNK_SIZE

    def put(
        self,
        stream: BinaryIO,
        *,
        max_bytes: int | None = None,
        expected_sha256: str | None = None,
        hashed: bool = False,
    ) -> StoredBlob:
        """Store the bytes read from `stream` and return their key and size.

        Reads in chunks of `chunk_size`; never holds the whole stream. Raises `TooLarge` as soon
        as more than `max_bytes` have been read and `HashMismatch` when the bytes do not hash to
        `expected_sha256`; in both cases nothing is left behind. Storing bytes that are already
        stored keeps one object (and refreshes its modification time, so a sweep running while
        the caller commits its database row cannot take it).

        `hashed`: the caller computed `expected_sha256` itself from these very bytes as it
        wrote them to `stream` (a request body spooled to a temporary file), so they are not
        hashed a second time. Never for a hash that someone else announced.
        """
        expected = check_key(expected_sha256.lower()) if expected_sha256 else None
        upload = self._begin_upload(expected)
        known = expected if hashed else None
        try:
            blob = hash_stream(stream, self.chunk_size, max_bytes, upload.write, hashed=known)
            if expected is not None and blob.sha256 != expected:
                raise HashMismatch(expected, blob.sha256)
            upload.commit(blob.sha256)
        except BaseException:
            upload.abort()
            raise
        return blob

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored bytes; False means the object no longer matches its key."""
        digest = hashlib.sha256()
        for chunk in self.open(sha256):
            digest.update(chunk)
        return digest.hexdigest() == sha256

    def presigned_url(
        self, sha256: str, *, filename: str, content_type: str, expires_in: int = 300
    ) -> str | None:
        """A short-lived URL that downloads the object directly, or None to stream it ourselves."""
        return None

    @abstractmethod
    def check(self) -> None:
        """Raise `StorageError` unless the store answers and can be written to: a health check,
        so it is quick (short timeouts, no retries) and reads or writes no document."""

    @abstractmethod
    def _begin_upload(self, expected_sha256: str | None) -> Upload:
        """Start an upload; when the key is known up front a backend may write to it directly,
        provided nothing becomes visible there before `commit`."""

    @abstractmethod
    def open(self, sha256: str, byte_range: ByteRange | None = None) -> Iterator[bytes]:
        """Yield the object's bytes (or the `byte_range` of them) in chunks.

        Raises `ObjectNotFound` at once, before the first chunk, and `InvalidRange` when the range
        starts at or past the end. Close the iterator if you stop early.
        """

    @abstractmethod
    def size(self, sha256: str) -> int: ...

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def delete(self, sha256: str) -> None:
        """Remove the object; removing a missing object is not an error."""

    @abstractmethod
    def iter_objects(self) -> Iterator[ObjectInfo]: ...

    @abstractmethod
    def iter_leftovers(self) -> Iterator[Leftover]: ...

    @abstractmethod
    def remove_leftover(self, leftover: Leftover) -> None: ...
