import io
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from documents.storage import Storage, open_storage

from support.s3_server import FAKE_AWS, moto_server

MIB = 1024 * 1024

# The suite runs with --import-mode=importlib, which puts no test folder on sys.path; the
# document tests share sample files from document_samples.py next to this file.
sys.path.append(str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free loopback port, spoken to over real HTTP; yields its URL.

    Sets fake AWS credentials for the session so boto3's default chain finds them.
    """
    with pytest.MonkeyPatch.context() as env:
        for name, value in FAKE_AWS.items():
            env.setenv(name, value)
        env.delenv("AWS_PROFILE", raising=False)
        with moto_server() as endpoint:
            yield endpoint


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """A new, empty bucket for each test (buckets are cheap, and tests stay independent)."""
    import boto3

    name = f"test-{uuid.uuid4().hex[:16]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_url(s3_endpoint: str, s3_bucket: str) -> str:
    """Storage URL with the smallest part size S3 allows, so multipart is cheap to reach."""
    return (
        f"s3://{s3_bucket}?endpoint_url={s3_endpoint}&region=us-east-1"
        "&prefix=docs&presign=1&part_size_mib=5&concurrency=2"
    )


class OneWayStream(io.RawIOBase):
    """Readable once, front to back, like a request body that was not spooled to disk."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._data.readinto(buffer)


@pytest.fixture
def one_way_stream() -> type[OneWayStream]:
    return OneWayStream


@pytest.fixture(params=["seekable", "one-way"])
def make_stream(request: pytest.FixtureRequest) -> Callable[[bytes], io.RawIOBase | io.BytesIO]:
    """Streams that can be read twice (BytesIO, spooled uploads) and streams that cannot."""
    return io.BytesIO if request.param == "seekable" else OneWayStream


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path) -> Storage:
    """Each storage contract test runs against both backends."""
    if request.param == "local":
        backend = open_storage(f"file://{tmp_path / 'store'}")
        backend.chunk_size = 1 * MIB  # several chunks per test file, like S3 parts
        return backend
    return open_storage(request.getfixturevalue("s3_url"))


@pytest.fixture
def make_docx() -> Callable[..., bytes]:
    """Build a real .docx with python-docx: paragraphs, then an optional table."""
    import docx

    def build(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
        document = docx.Document()
        for text in paragraphs:
            document.add_paragraph(text)
        if table:
            grid = document.add_table(rows=len(table), cols=len(table[0]))
            for row, values in zip(grid.rows, table, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return build


@pytest.fixture
def rezip() -> Callable[..., bytes]:
    """Copy a zip, replacing or adding the given members (name -> bytes)."""

    def build(original: bytes, members: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(original)) as source,
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                if info.filename not in members:
                    target.writestr(info, source.read(info))
            for name, data in members.items():
                target.writestr(name, data)
        return buffer.getvalue()

    return build
