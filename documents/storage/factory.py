"""`open_storage(url)`: the backend named by ``CONCORD_STORAGE_URL``.

- ``file:///absolute/path``
- ``s3://bucket?endpoint_url=https://…&region=…`` with optional ``prefix=``, ``presign=1``,
  ``addressing_style=path|virtual|auto`` (MinIO and Ceph usually want ``path``),
  ``part_size_mib=`` (≥ 5, default 8) and ``concurrency=`` (parts uploaded at once, default 4).
  Credentials come from boto3's usual chain (environment, shared config, instance role), never
  from the URL.
"""

from urllib.parse import parse_qs, unquote, urlsplit

from documents.storage.base import CHUNK_SIZE, Storage

_S3_OPTIONS = {
    "endpoint_url",
    "region",
    "prefix",
    "presign",
    "addressing_style",
    "part_size_mib",
    "concurrency",
}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
_MIB = 1024 * 1024


def open_storage(url: str) -> Storage:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return _open_local(url)
    if parts.scheme == "s3":
        return _open_s3(url)
    raise ValueError(
        f"Unsupported storage URL {url!r}: use file:///absolute/path or s3://bucket?endpoint_url=…"
    )


def _open_local(url: str) -> Storage:
    from documents.storage.local import LocalStorage

    parts = urlsplit(url)
    if parts.netloc not in {"", "localhost"} or parts.query or not parts.path.startswith("/"):
        raise ValueError(f"Local storage URL must be file:///absolute/path, got {url!r}")
    return LocalStorage(unquote(parts.path))


def _open_s3(url: str) -> Storage:
    import boto3
    from botocore.config import Config

    from documents.storage.s3 import S3Storage

    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise ValueError("Do not put credentials in the storage URL; use the AWS_* environment")
    if not parts.hostname or parts.path not in {"", "/"}:
        raise ValueError(f"S3 storage URL must be s3://bucket?…, got {url!r}")
    options = _query(parts.query)
    concurrency = _int_option(options, "concurrency", 4)
    session = boto3.session.Session()
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": options.get("addressing_style", "auto")},
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=concurrency + 4,
        # Several S3-compatible stores reject the newer default checksum headers.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )

    def client(config: Config):
        return session.client(
            "s3",
            endpoint_url=options.get("endpoint_url") or None,
            region_name=options.get("region") or None,
            config=config,
        )

    health = Config(connect_timeout=2, read_timeout=2, retries={"total_max_attempts": 1})
    return S3Storage(
        client(config),
        parts.netloc,
        prefix=options.get("prefix", ""),
        presign=_bool_option(options, "presign"),
        part_size=_int_option(options, "part_size_mib", CHUNK_SIZE // _MIB) * _MIB,
        concurrency=concurrency,
        check_client=client(config.merge(health)),
    )


def _query(query: str) -> dict[str, str]:
    options = {name: values[-1] for name, values in parse_qs(query, keep_blank_values=True).items()}
    unknown = sorted(set(options) - _S3_OPTIONS)
    if unknown:
        known = ", ".join(sorted(_S3_OPTIONS))
        raise ValueError(f"Unknown S3 storage option(s) {', '.join(unknown)}; known: {known}")
    return options


def _bool_option(options: dict[str, str], name: str) -> bool:
    value = options.get(name, "").lower()
    if value not in _TRUE | _FALSE:
        raise ValueError(f"S3 storage option {name} must be 1 or 0, got {value!r}")
    return value in _TRUE


def _int_option(options: dict[str, str], name: str, default: int) -> int:
    try:
        return int(options.get(name, default))
    except ValueError:
        raise ValueError(f"S3 storage option {name} must be a whole number") from None
