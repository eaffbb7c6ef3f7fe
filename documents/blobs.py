"""Stored bytes as a local, seekable file for the libraries that need one (python-docx, pypdf,
mammoth), without holding large files in memory."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from documents.storage import Storage

#: Files up to this size stay in memory; larger ones spill to a temporary file.
IN_MEMORY_BYTES = 8 * 1024 * 1024


@contextmanager
def local_copy(storage: Storage, sha256: str) -> Iterator[BinaryIO]:
    """A seekable copy of the object, positioned at its start, removed on exit."""
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES) as copy:
        chunks = storage.open(sha256)
        try:
            for chunk in chunks:
                copy.write(chunk)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        copy.seek(0)
        yield copy  # type: ignore[misc]
