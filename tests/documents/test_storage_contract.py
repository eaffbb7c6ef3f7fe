"""The storage contract, run against both backends (see the `storage` fixture)."""

import hashlib
import io
import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from documents.storage import (
    HashMismatch,
    InvalidRange,
    Mismatch,
    ObjectNotFound,
    Storage,
    StorageError,
    TooLarge,
    sweep,
    verify_all,
)
from documents.storage.local import LocalStorage

MIB = 1024 * 1024


def read_all(storage: Storage, sha256: str, byte_range: tuple[int, int] | None = None) -> bytes:
    return b"".join(storage.open(sha256, byte_range))


def assert_nothing_stored(storage: Storage) -> None:
    assert list(storage.iter_objects()) == []
    assert list(storage.iter_leftovers()) == []


def overwrite_behind_its_back(storage: Storage, sha256: str, data: bytes) -> None:
    if isinstance(storage, LocalStorage):
        storage.path_for(sha256).write_bytes(data)
    else:
        storage.client.put_object(Bucket=storage.bucket, Key=storage.key_for(sha256), Body=data)


class FailingStream(io.RawIOBase):
    """Gives `good` bytes, then fails like a dropped connection."""

    def __init__(self, good: bytes) -> None:
        self._good = io.BytesIO(good)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._good.readinto(buffer)
        if not count:
            raise ConnectionResetError("client went away")
        return count


def test_round_trip_returns_the_same_bytes(storage: Storage, make_stream) -> None:
    data = os.urandom(3 * MIB + 17)
    blob = storage.put(make_stream(data))
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.size == len(data)
    assert read_all(storage, blob.sha256) == data
    assert storage.size(blob.sha256) == len(data)
    assert storage.exists(blob.sha256)


def test_stream_larger_than_a_part_round_trips(storage: Storage, make_stream) -> None:
    data = os.urandom(11 * MIB + 5)
    blob = storage.put(make_stream(data))
    assert read_all(storage, blob.sha256) == data
    assert list(storage.iter_leftovers()) == []


def test_identical_bytes_are_stored_once(storage: Storage, make_stream) -> None:
    data = b"the same brochure" * 1000
    first = storage.put(make_stream(data))
    second = storage.put(make_stream(data))
    assert first == second
    assert [info.key for info in storage.iter_objects()] == [first.sha256]


def test_empty_stream_is_a_valid_object(storage: Storage) -> None:
    blob = storage.put(io.BytesIO(b""))
    assert blob.sha256 == hashlib.sha256(b"").hexdigest()
    assert read_all(storage, blob.sha256) == b""


@pytest.mark.parametrize("size", [3 * MIB, 12 * MIB], ids=["one-part", "multipart"])
def test_too_large_stream_is_refused_and_leaves_nothing(storage: Storage, size: int, make_stream):
    with pytest.raises(TooLarge) as refused:
        storage.put(make_stream(os.urandom(size)), max_bytes=2 * MIB)
    assert refused.value.message == "The file is larger than 2 MB"
    assert_nothing_stored(storage)


def test_stream_of_exactly_max_bytes_is_accepted(storage: Storage) -> None:
    blob = storage.put(io.BytesIO(b"x" * 1000), max_bytes=1000)
    assert blob.size == 1000


@pytest.mark.parametrize("size", [1000, 11 * MIB], ids=["one-part", "multipart"])
def test_hash_mismatch_is_refused_and_leaves_nothing(storage: Storage, size: int, make_stream):
    other = hashlib.sha256(b"what the client claimed").hexdigest()
    with pytest.raises(HashMismatch):
        storage.put(make_stream(os.urandom(size)), expected_sha256=other)
    assert_nothing_stored(storage)


def test_matching_expected_hash_is_accepted(storage: Storage) -> None:
    data = b"checked bytes"
    expected = hashlib.sha256(data).hexdigest().upper()
    assert storage.put(io.BytesIO(data), expected_sha256=expected).size == len(data)


@pytest.mark.parametrize("size", [1000, 11 * MIB], ids=["one-part", "multipart"])
def test_bytes_the_caller_hashed_are_stored_under_that_hash_once(storage: Storage, size: int):
    data = os.urandom(size)
    sha256 = hashlib.sha256(data).hexdigest()
    for _ in range(2):  # the second time they are stored already
        blob = storage.put(io.BytesIO(data), expected_sha256=sha256, hashed=True, max_bytes=size)
        assert (blob.sha256, blob.size) == (sha256, size)
    assert [info.key for info in storage.iter_objects()] == [sha256]
    assert read_all(storage, sha256) == data


@pytest.mark.parametrize("good_bytes", [1000, 11 * MIB], ids=["one-part", "multipart"])
def test_failing_stream_leaves_nothing(storage: Storage, good_bytes: int) -> None:
    with pytest.raises(ConnectionResetError):
        storage.put(FailingStream(os.urandom(good_bytes)))
    assert_nothing_stored(storage)


def test_range_reads(storage: Storage) -> None:
    data = os.urandom(2 * MIB + 100)
    sha256 = storage.put(io.BytesIO(data)).sha256
    assert read_all(storage, sha256, (10, 20)) == data[10:20]
    assert read_all(storage, sha256, (MIB - 3, MIB + 5)) == data[MIB - 3 : MIB + 5]
    assert read_all(storage, sha256, (0, len(data))) == data
    assert read_all(storage, sha256, (len(data) - 5, len(data) + 1000)) == data[-5:]
    with pytest.raises(InvalidRange):
        storage.open(sha256, (len(data), len(data) + 10))
    with pytest.raises(ValueError):
        storage.open(sha256, (20, 10))


def test_missing_objects(storage: Storage) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not storage.exists(missing)
    with pytest.raises(ObjectNotFound):
        storage.open(missing)
    with pytest.raises(ObjectNotFound):
        storage.size(missing)
    storage.delete(missing)


def test_delete(storage: Storage) -> None:
    sha256 = storage.put(io.BytesIO(b"to be deleted")).sha256
    storage.delete(sha256)
    assert not storage.exists(sha256)


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABC", "a" * 63, "g" * 64])
def test_malformed_keys_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError):
        storage.open(key)


def test_iter_objects_reports_size_and_time(storage: Storage) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    blob = storage.put(io.BytesIO(b"12345"))
    [info] = storage.iter_objects()
    assert (info.key, info.size) == (blob.sha256, 5)
    assert before <= info.last_modified <= datetime.now(UTC) + timedelta(seconds=5)


def test_verify_detects_corruption(storage: Storage) -> None:
    intact = storage.put(io.BytesIO(b"intact")).sha256
    corrupted = storage.put(io.BytesIO(b"original bytes")).sha256
    missing = storage.put(io.BytesIO(b"soon gone")).sha256
    overwrite_behind_its_back(storage, corrupted, b"bit rot")
    storage.delete(missing)
    assert storage.verify(intact)
    assert not storage.verify(corrupted)
    assert verify_all(storage, [intact, corrupted, missing]) == [
        Mismatch(corrupted, "corrupt"),
        Mismatch(missing, "missing"),
    ]


def test_sweep_removes_only_old_unreferenced_objects(storage: Storage) -> None:
    kept = storage.put(io.BytesIO(b"referenced")).sha256
    orphan = storage.put(io.BytesIO(b"orphan")).sha256
    grace = timedelta(hours=1)
    soon = datetime.now(UTC) + timedelta(minutes=30)
    assert sweep(storage, {kept}, grace, now=soon) == []
    assert storage.exists(orphan)

    later = datetime.now(UTC) + timedelta(hours=2)
    assert sweep(storage, lambda key: key == kept, grace, now=later) == [orphan]
    assert storage.exists(kept)
    assert not storage.exists(orphan)


def test_presigned_url_for_local_storage_is_none(tmp_path) -> None:
    storage = LocalStorage(tmp_path)
    sha256 = storage.put(io.BytesIO(b"x")).sha256
    assert storage.presigned_url(sha256, filename="x.txt", content_type="text/plain") is None


def test_a_working_store_passes_its_health_check(storage: Storage) -> None:
    storage.check()


def test_a_store_that_is_gone_fails_its_health_check(storage: Storage) -> None:
    if isinstance(storage, LocalStorage):
        shutil.rmtree(storage.root)  # the volume was not mounted
        where = "is missing"
    else:
        storage.client.delete_bucket(Bucket=storage.bucket)
        where = storage.bucket
    with pytest.raises(StorageError, match=where):
        storage.check()
