"""Upload and download a large file through Concord's S3 backend vs boto3's managed transfers.

    .venv/bin/python bench/storage_s3.py [--size-mib 1024]

moto's S3 server runs in its own process. Each transfer runs in a fresh subprocess so that its
peak RSS growth (peak RSS minus RSS just before the transfer) is comparable. Both sides use the
same boto3 client (built from the storage URL), so only the transfer strategy differs. Downloads
are also compared with one streamed get_object: moto re-reads the whole object for every ranged
GET, which is what download_file sends, so that baseline is far slower on moto than on real S3.
"""

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _moto import moto_server

MIB = 1024 * 1024
BUCKET = "bench"


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _write_random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for offset in range(0, size, 8 * MIB):
            chunk = os.urandom(min(8 * MIB, size - offset))
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _transfer(action: str, storage, file: Path, key: str) -> str:
    client = storage.client
    if action == "ours-upload":
        with file.open("rb") as stream:
            return storage.put(stream).sha256
    if action == "ours-download":
        with file.open("wb") as out:
            for chunk in storage.open(key):
                out.write(chunk)
    elif action == "direct-upload":
        client.upload_file(str(file), storage.bucket, key)
    elif action == "direct-download":
        client.download_file(storage.bucket, key, str(file))
    elif action == "direct-stream":
        body = client.get_object(Bucket=storage.bucket, Key=key)["Body"]
        with file.open("wb") as out:
            for chunk in body.iter_chunks(8 * MIB):
                out.write(chunk)
    return key


def worker(action: str, storage_url: str, file: Path, key: str) -> None:
    from documents.storage import open_storage

    storage = open_storage(storage_url)
    baseline = _rss_bytes()
    started = time.perf_counter()
    key = _transfer(action, storage, file, key)
    seconds = time.perf_counter() - started
    growth = (_peak_rss_bytes() - baseline) / MIB
    print(json.dumps({"seconds": seconds, "rss_growth_mib": growth, "key": key}))


def _run(action: str, storage_url: str, file: Path, key: str) -> dict:
    command = [sys.executable, __file__, "--worker", action, storage_url, str(file), key]
    return json.loads(subprocess.run(command, check=True, capture_output=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-size-mib", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--worker", nargs=4, metavar=("ACTION", "URL", "FILE", "KEY"))
    args = parser.parse_args()
    if args.worker:
        action, url, file, key = args.worker
        worker(action, url, Path(file), key)
        return

    import boto3

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    size = args.size_mib * MIB
    with tempfile.TemporaryDirectory() as scratch, moto_server() as endpoint:
        source, copy = Path(scratch) / "source.bin", Path(scratch) / "copy.bin"
        expected = _write_random_file(source, size)
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(
            Bucket=BUCKET
        )
        url = (
            f"s3://{BUCKET}?endpoint_url={endpoint}&region=us-east-1"
            f"&part_size_mib={args.part_size_mib}&concurrency={args.concurrency}"
        )
        results = {}
        for side, key, downloads in (
            ("ours", "", ("download",)),
            ("direct", "direct/source.bin", ("download", "stream")),
        ):
            results[side] = {"upload": _run(f"{side}-upload", url, source, key)}
            for download in downloads:
                copy.unlink(missing_ok=True)
                results[side][download] = _run(
                    f"{side}-{download}", url, copy, results[side]["upload"]["key"]
                )
                if _digest(copy) != expected:
                    raise SystemExit(f"{side}-{download}: downloaded bytes differ")
    _report(results, size, args)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(8 * MIB):
            digest.update(chunk)
    return digest.hexdigest()


def _report(results: dict, size: int, args: argparse.Namespace) -> None:
    print(
        f"{args.size_mib} MiB via moto S3 server, part size {args.part_size_mib} MiB, "
        f"concurrency {args.concurrency}"
    )
    print(f"{'':28}{'ours MiB/s':>11}{'boto3 MiB/s':>12}{'ratio':>7}  peak RSS growth ours/boto3")
    rows = (
        ("upload vs upload_file", "upload", "upload"),
        ("download vs download_file", "download", "download"),
        ("download vs get_object", "download", "stream"),
    )
    for label, ours_key, direct_key in rows:
        ours, direct = results["ours"][ours_key], results["direct"][direct_key]
        ours_rate, direct_rate = size / MIB / ours["seconds"], size / MIB / direct["seconds"]
        print(
            f"{label:28}{ours_rate:11.1f}{direct_rate:12.1f}{ours_rate / direct_rate:7.0%}"
            f"  {ours['rss_growth_mib']:.1f} / {direct['rss_growth_mib']:.1f} MiB"
        )


if __name__ == "__main__":
    main()
