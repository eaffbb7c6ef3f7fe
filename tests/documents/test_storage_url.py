import pytest

from documents.storage import open_storage
from documents.storage.local import LocalStorage
from documents.storage.s3 import S3Storage


def test_file_url_opens_local_storage(tmp_path):
    storage = open_storage(f"file://{tmp_path}/store%20room")
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "store room"


def test_s3_url_options():
    storage = open_storage(
        "s3://bucket?endpoint_url=http://127.0.0.1:9&region=eu-west-1&prefix=concord"
        "&presign=1&addressing_style=path&part_size_mib=16&concurrency=8"
    )
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix, storage.presign) == ("bucket", "concord/", True)
    assert (storage.part_size, storage.concurrency) == (16 * 1024 * 1024, 8)
    assert storage.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert storage.client.meta.region_name == "eu-west-1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file://relative/path", "absolute"),
        ("file:relative", "absolute"),
        ("ftp://host/x", "Unsupported"),
        ("/plain/path", "Unsupported"),
        ("s3://key:secret@bucket", "credentials"),
        ("s3://bucket?endpoint=http://x", "Unknown S3 storage option"),
        ("s3://bucket?presign=maybe", "presign"),
        ("s3://bucket?part_size_mib=1", "at least"),
        ("s3://bucket?concurrency=many", "whole number"),
        ("s3://bucket/path", "s3://bucket"),
    ],
)
def test_bad_urls_say_what_is_wrong(url, message):
    with pytest.raises(ValueError, match=message):
        open_storage(url)
