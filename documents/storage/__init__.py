"""Content-addressed document storage: one interface, a local-disk and an S3 backend.

storage = open_storage(os.environ["CONCORD_STORAGE_URL"])
blob = storage.put(request_stream, max_bytes=25 * 1024 * 1024)
for chunk in storage.open(blob.sha256, byte_range=(0, 1024)): ...
"""

from documents.storage.base import ByteRange, Leftover, ObjectInfo, Storage, StoredBlob
from documents.storage.errors import (
    HashMismatch,
    InvalidRange,
    ObjectNotFound,
    StorageError,
    TooLarge,
)
from documents.storage.factory import open_storage
from documents.storage.maintenance import Mismatch, sweep, verify_all

__all__ = [
    "ByteRange",
    "HashMismatch",
    "InvalidRange",
    "Leftover",
    "Mismatch",
    "ObjectInfo",
    "ObjectNotFound",
    "Storage",
    "StorageError",
    "StoredBlob",
    "TooLarge",
    "open_storage",
    "sweep",
    "verify_all",
]
