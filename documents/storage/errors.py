"""Errors raised by storage backends.

`TooLarge` and `HashMismatch` are `RejectedUpload`s: they refuse a user's upload and carry a
message that can be shown to that user as it is.
"""

from documents.content.errors import RejectedUpload, TooLarge


class StorageError(Exception):
    """A storage backend failed or was misconfigured."""


class ObjectNotFound(StorageError, LookupError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"No stored object {sha256}")
        self.sha256 = sha256


class InvalidRange(StorageError, ValueError):
    """The requested byte range starts at or beyond the end of the object."""


class HashMismatch(RejectedUpload, StorageError):
    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(
            "The file was damaged during upload (its checksum does not match); please try again",
            code="checksum_mismatch",
        )
        self.expected = expected
        self.actual = actual


__all__ = ["HashMismatch", "InvalidRange", "ObjectNotFound", "StorageError", "TooLarge"]
