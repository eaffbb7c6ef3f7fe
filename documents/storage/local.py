"""Local-disk backend: ``<root>/sha256/<2 hex>/<sha256>``, temporary files in ``<root>/tmp``.

Uploads are written to a temporary file on the same filesystem, fsynced, then renamed over the
content path (atomic on POSIX) and the directory entry fsynced, so a crash leaves either the old
state or the complete object, never a partial one under a content key.
"""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from documents.storage.base import (
    CHUNK_SIZE,
    ByteRange,
    Leftover,
    ObjectInfo,
    Storage,
    Upload,
    check_key,
    check_range,
)
from documents.storage.errors import InvalidRange, ObjectNotFound, StorageError

_TEMP_SUFFIX = ".part"


def _mtime(stat: os.stat_result) -> datetime:
    return datetime.fromtimestamp(stat.st_mtime, UTC)


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _LocalUpload(Upload):
    def __init__(self, storage: "LocalStorage") -> None:
        self._storage = storage
        self._path = storage.temp_dir / f"{uuid.uuid4().hex}{_TEMP_SUFFIX}"
        self._file = self._path.open("xb")

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def commit(self, sha256: str) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        final = self._storage.path_for(sha256)
        final.parent.mkdir(exist_ok=True)
        os.replace(self._path, final)
        _fsync_directory(final.parent)

    def abort(self) -> None:
        self._file.close()
        self._path.unlink(missing_ok=True)


class LocalStorage(Storage):
    def __init__(self, root: Path | str, *, chunk_size: int = CHUNK_SIZE) -> None:
        self.root = Path(root)
        self.objects_dir = self.root / "sha256"
        self.temp_dir = self.root / "tmp"
        self.chunk_size = chunk_size
        self.objects_dir.mkdir(parents=True, exist_ok=True)
        self.temp_dir.mkdir(exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def path_for(self, sha256: str) -> Path:
        check_key(sha256)
        return self.objects_dir / sha256[:2] / sha256

    def check(self) -> None:
        for directory in (self.objects_dir, self.temp_dir):
            if not directory.is_dir():
                raise StorageError(f"{directory} is missing (is the volume mounted?)")
            if not os.access(directory, os.W_OK | os.X_OK):
                raise StorageError(f"{directory} is not writable by this process")

    def _begin_upload(self, expected_sha256: str | None) -> Upload:
        return _LocalUpload(self)

    def open(self, sha256: str, byte_range: ByteRange | None = None) -> Iterator[bytes]:
        try:
            file = self.path_for(sha256).open("rb")
        except FileNotFoundError:
            raise ObjectNotFound(sha256) from None
        try:
            size = os.fstat(file.fileno()).st_size
            start, stop = check_range(byte_range) if byte_range else (0, size)
            if byte_range and start >= size:
                raise InvalidRange(f"Range {byte_range!r} starts beyond the {size} bytes stored")
            file.seek(start)
        except BaseException:
            file.close()
            raise
        return self._read(file, min(stop, size) - start)

    def _read(self, file: BinaryIO, remaining: int) -> Iterator[bytes]:
        with file:
            while remaining > 0:
                chunk = file.read(min(self.chunk_size, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    def size(self, sha256: str) -> int:
        try:
            return self.path_for(sha256).stat().st_size
        except FileNotFoundError:
            raise ObjectNotFound(sha256) from None

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def delete(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def iter_objects(self) -> Iterator[ObjectInfo]:
        for fanout in sorted(path for path in self.objects_dir.iterdir() if path.is_dir()):
            # List a whole fan-out directory before yielding, so callers may delete as they go.
            entries = sorted(os.scandir(fanout), key=lambda entry: entry.name)
            for entry in entries:
                try:
                    key, stat = check_key(entry.name), entry.stat()
                except (ValueError, FileNotFoundError):
                    continue
                yield ObjectInfo(key, stat.st_size, _mtime(stat))

    def iter_leftovers(self) -> Iterator[Leftover]:
        for entry in list(os.scandir(self.temp_dir)):
            if entry.name.endswith(_TEMP_SUFFIX):
                try:
                    yield Leftover(entry.name, _mtime(entry.stat()))
                except FileNotFoundError:
                    continue

    def remove_leftover(self, leftover: Leftover) -> None:
        if Path(leftover.name).name != leftover.name:
            raise ValueError(f"Not a temporary upload name: {leftover.name!r}")
        (self.temp_dir / leftover.name).unlink(missing_ok=True)
