"""S3 backend for any S3-compatible endpoint (AWS, MinIO, R2, Ceph).

Keys: ``<prefix>sha256/<sha256>`` for content, ``<prefix>tmp/<uuid>`` for uploads in flight.

- An upload smaller than one part is buffered and written straight to its content key once its
  hash is known.
- A larger one is a multipart upload whose parts are sent by a few threads while the stream is
  still being read (at most ``concurrency + 1`` parts are in memory).
- When the content key is known before the upload starts (the caller passed the expected hash,
  or the stream is seekable and is hashed in a first pass, which also makes a duplicate cost no
  upload at all), the multipart upload goes to the content key itself: S3 shows nothing under a
  key until the upload is completed, and it is completed only once the bytes read hash to it.
- Otherwise it goes to a temporary key, is copied server-side to the content key (boto3's
  managed copy, which switches to multipart copy, so objects over the 5 GB single-copy limit
  work) and the temporary key is deleted.

Any error aborts the multipart upload or deletes the temporary key.
"""

import io
import logging
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, BinaryIO

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from documents.content.filenames import content_disposition
from documents.storage.base import (
    CHUNK_SIZE,
    ByteRange,
    Leftover,
    ObjectInfo,
    Storage,
    StoredBlob,
    Upload,
    check_key,
    check_range,
    hash_stream,
)
from documents.storage.errors import InvalidRange, ObjectNotFound, StorageError
from documents.storage.read_ahead import read_ahead

log = logging.getLogger(__name__)

MIN_PART_SIZE = 5 * 1024 * 1024
"""S3 refuses parts smaller than 5 MiB (except the last one)."""

COPY_THRESHOLD = 256 * 1024 * 1024
"""Promote larger objects with a parallel multipart copy; it also lifts the 5 GB copy limit."""
COPY_PART_SIZE = 128 * 1024 * 1024

_MISSING = {"404", "NoSuchKey", "NotFound"}


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class _S3Upload(Upload):
    def __init__(self, storage: "S3Storage", expected_sha256: str | None) -> None:
        self._s3 = storage
        self._direct = expected_sha256 is not None
        self._key = (
            storage.key_for(expected_sha256)
            if expected_sha256
            else storage.temp_key(uuid.uuid4().hex)
        )
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._in_flight: deque[Future[dict[str, Any]]] = deque()
        self._parts: list[dict[str, Any]] = []
        self._pool: ThreadPoolExecutor | None = None
        self._temp_object_exists = False

    def write(self, chunk: bytes) -> None:
        part_size = self._s3.part_size
        if not self._buffer and len(chunk) == part_size:  # the usual case: no copy
            self._send_part(chunk)
            return
        self._buffer += chunk
        while len(self._buffer) >= part_size:
            with memoryview(self._buffer) as view:
                part = bytes(view[:part_size])
            del self._buffer[:part_size]
            self._send_part(part)

    def _send_part(self, body: bytes) -> None:
        s3 = self._s3
        if self._upload_id is None:
            response = s3.client.create_multipart_upload(Bucket=s3.bucket, Key=self._key)
            self._upload_id = response["UploadId"]
            self._pool = ThreadPoolExecutor(s3.concurrency, thread_name_prefix="s3-part")
        while len(self._in_flight) >= s3.concurrency:
            self._parts.append(self._in_flight.popleft().result())
        assert self._pool is not None
        number = len(self._parts) + len(self._in_flight) + 1
        self._in_flight.append(self._pool.submit(self._upload_part, number, body))

    def _upload_part(self, number: int, body: bytes) -> dict[str, Any]:
        s3 = self._s3
        response = s3.client.upload_part(
            Bucket=s3.bucket,
            Key=self._key,
            UploadId=self._upload_id,
            PartNumber=number,
            Body=body,
        )
        return {"PartNumber": number, "ETag": response["ETag"]}

    def commit(self, sha256: str) -> None:
        s3 = self._s3
        final_key = s3.key_for(sha256)
        if self._upload_id is None:
            s3.client.put_object(Bucket=s3.bucket, Key=final_key, Body=bytes(self._buffer))
            return
        if self._buffer:
            self._send_part(bytes(self._buffer))
            self._buffer.clear()
        while self._in_flight:
            self._parts.append(self._in_flight.popleft().result())
        s3.client.complete_multipart_upload(
            Bucket=s3.bucket,
            Key=self._key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        self._close_pool()
        if self._direct:
            return
        self._temp_object_exists = True
        s3.client.copy(
            {"Bucket": s3.bucket, "Key": self._key},
            s3.bucket,
            final_key,
            Config=s3.copy_config,
        )
        self._delete_temp()

    def abort(self) -> None:
        self._buffer.clear()
        for future in self._in_flight:
            future.cancel()
        self._close_pool()
        try:
            if self._temp_object_exists:
                self._delete_temp()
            elif self._upload_id is not None:
                self._s3.client.abort_multipart_upload(
                    Bucket=self._s3.bucket, Key=self._key, UploadId=self._upload_id
                )
        except Exception:
            log.warning("Could not clean up %s; the sweeper will", self._key, exc_info=True)

    def _delete_temp(self) -> None:
        self._s3.client.delete_object(Bucket=self._s3.bucket, Key=self._key)
        self._temp_object_exists = False

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


class S3Storage(Storage):
    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        prefix: str = "",
        presign: bool = False,
        part_size: int = CHUNK_SIZE,
        concurrency: int = 4,
        check_client: Any = None,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 part size must be at least {MIN_PART_SIZE} bytes")
        if concurrency < 1:
            raise ValueError("S3 upload concurrency must be at least 1")
        self.client = client
        #: For `check`: short timeouts and no retries (the document client retries patiently).
        self.check_client = check_client or client
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.presign = presign
        self.part_size = part_size
        self.chunk_size = part_size
        self.concurrency = concurrency
        self.copy_config = TransferConfig(
            multipart_threshold=COPY_THRESHOLD,
            multipart_chunksize=COPY_PART_SIZE,
            max_concurrency=concurrency,
        )

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def key_for(self, sha256: str) -> str:
        return f"{self.prefix}sha256/{check_key(sha256)}"

    def temp_key(self, name: str) -> str:
        return f"{self.prefix}tmp/{name}"

    def put(
        self,
        stream: BinaryIO,
        *,
        max_bytes: int | None = None,
        expected_sha256: str | None = None,
        hashed: bool = False,
    ) -> StoredBlob:
        """See `Storage.put`. A seekable stream is hashed first (unless the caller `hashed` it),
        so that its upload can go straight to its content key (no server-side copy, no second
        hash) or be skipped if already stored."""
        if expected_sha256 is None and stream.seekable():
            start = stream.tell()
            blob = hash_stream(stream, self.chunk_size, max_bytes)
            if self._touch(blob.sha256):
                return blob
            stream.seek(start)
            expected_sha256, hashed = blob.sha256, True
        elif hashed and expected_sha256 and stream.seekable():
            start = stream.tell()
            size = stream.seek(0, io.SEEK_END) - start
            if (max_bytes is None or size <= max_bytes) and self._touch(expected_sha256):
                return StoredBlob(expected_sha256, size)
            stream.seek(start)
        return super().put(
            stream, max_bytes=max_bytes, expected_sha256=expected_sha256, hashed=hashed
        )

    def _touch(self, sha256: str) -> bool:
        """Refresh a stored object's modification time (see `Storage.put`); False if absent."""
        key = self.key_for(sha256)
        try:
            self.client.copy(
                {"Bucket": self.bucket, "Key": key},
                self.bucket,
                key,
                ExtraArgs={"MetadataDirective": "REPLACE"},
                Config=self.copy_config,
            )
        except ClientError as error:
            if _error_code(error) in _MISSING:
                return False
            raise
        return True

    def check(self) -> None:
        try:
            self.check_client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            raise StorageError(f"bucket {self.bucket}: {_error_code(error) or error}") from None
        except BotoCoreError as error:
            raise StorageError(f"bucket {self.bucket}: {error}") from None

    def _begin_upload(self, expected_sha256: str | None) -> Upload:
        return _S3Upload(self, expected_sha256)

    def open(self, sha256: str, byte_range: ByteRange | None = None) -> Iterator[bytes]:
        request = {"Bucket": self.bucket, "Key": self.key_for(sha256)}
        if byte_range:
            start, stop = check_range(byte_range)
            request["Range"] = f"bytes={start}-{stop - 1}"
        try:
            body = self.client.get_object(**request)["Body"]
        except ClientError as error:
            code = _error_code(error)
            if code in _MISSING:
                raise ObjectNotFound(sha256) from None
            if code in {"InvalidRange", "416"}:
                raise InvalidRange(f"Range {byte_range!r} starts beyond the object") from None
            raise
        return self._read(body)

    def _read(self, body: Any) -> Iterator[bytes]:
        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(self.chunk_size)
            finally:
                body.close()

        return read_ahead(chunks())

    def _head(self, sha256: str) -> dict[str, Any]:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key_for(sha256))
        except ClientError as error:
            if _error_code(error) in _MISSING:
                raise ObjectNotFound(sha256) from None
            raise

    def size(self, sha256: str) -> int:
        return int(self._head(sha256)["ContentLength"])

    def exists(self, sha256: str) -> bool:
        try:
            self._head(sha256)
        except ObjectNotFound:
            return False
        return True

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key_for(sha256))

    def presigned_url(
        self, sha256: str, *, filename: str, content_type: str, expires_in: int = 300
    ) -> str | None:
        if not self.presign:
            return None
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.key_for(sha256),
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            ExpiresIn=expires_in,
        )

    def _list(self, prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def iter_objects(self) -> Iterator[ObjectInfo]:
        prefix = self.key_for("0" * 64)[:-64]
        for item in self._list(prefix):
            key = item["Key"][len(prefix) :]
            try:
                yield ObjectInfo(check_key(key), item["Size"], item["LastModified"])
            except ValueError:
                continue

    def iter_leftovers(self) -> Iterator[Leftover]:
        """Temporary objects, and multipart uploads never completed (to temporary or content
        keys: an incomplete upload is invisible, so removing it never touches stored bytes)."""
        for item in self._list(self.temp_key("")):
            yield Leftover(item["Key"], item["LastModified"])
        paginator = self.client.get_paginator("list_multipart_uploads")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for upload in page.get("Uploads", []):
                yield Leftover(upload["Key"], upload["Initiated"], upload["UploadId"])

    def remove_leftover(self, leftover: Leftover) -> None:
        prefix = self.prefix if leftover.upload_id else self.temp_key("")
        if not leftover.name.startswith(prefix):
            raise ValueError(f"Not a temporary upload key: {leftover.name!r}")
        if leftover.upload_id:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=leftover.name, UploadId=leftover.upload_id
            )
        else:
            self.client.delete_object(Bucket=self.bucket, Key=leftover.name)
