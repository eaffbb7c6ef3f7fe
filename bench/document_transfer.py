"""Upload and download a large file THROUGH THE PORTAL (gunicorn, real HTTP) to S3 (moto's
server), against boto3 moving the same file straight to the same endpoint.

    .venv/bin/python bench/document_transfer.py [--size-mib 1024]

moto's S3 server runs in a process of its own; the portal runs under gunicorn (one sync worker)
with its documents on that S3 endpoint (``presign=0``, so downloads pass through the app). The
file is uploaded as the raw body of ``POST /api/v1/documents`` with its ``Content-Digest``
(stored as it arrives) and as a browser sends it (a multipart form: spooled while hashed,
then stored), then downloaded from ``GET /api/v1/documents/{id}/versions/1/content``; each copy is
checked byte for byte. Each transfer runs in a gunicorn started for it and warmed up by a small
upload; "peak RSS growth" is the worker's peak RSS during the transfer minus its RSS just before
it (the kernel's peak counter is reset first). The direct side runs each transfer in a fresh
subprocess, as ``bench/storage_s3.py`` does, right next to its portal counterpart: on a shared
machine the load changes by the minute, so the ratio is taken within each pair.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _moto import moto_server
from storage_s3 import _digest, _run, _write_random_file

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
BUCKET = "bench-documents"
#: An MP4 file's first bytes: the portal accepts it by its content, and extracts no text.
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
BLOCK = 1 * MIB


def _write_mp4(path: Path, size: int) -> None:
    """The storage benchmark's random file, behind an MP4 header."""
    _write_random_file(path, size)
    with path.open("r+b") as stream:
        stream.write(MP4_HEADER)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed(database_url: str) -> str:
    """Migrate an empty database and create a vendor's member with an API token."""
    from migrations import runner
    from partners.api_tokens import create_token
    from partners.context import ServiceContext
    from partners.db import make_engine, make_session_factory, unit_of_work
    from partners.mail import Mailer
    from partners.models import User
    from partners.onboarding import create_organization
    from partners.passwords import hash_password
    from partners.roles import OrgKind, Role, UserStatus

    engine = make_engine(database_url)
    runner.upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as db:
        ctx = ServiceContext(db, None, Mailer("log://", "bench@concord.local"), "http://bench")
        org = create_organization(ctx, "Bench Vendor", OrgKind.vendor)
        user = User(
            organization=org,
            email="bench@vendor.example",
            role=Role.member,
            status=UserStatus.active,
            password_hash=hash_password(PASSWORD),
        )
        db.add(user)
        db.flush()
        token = create_token(ctx, user, "bench")
    engine.dispose()
    return token


PASSWORD = "bench password, not a secret"


class Portal:
    """gunicorn serving the app (one sync worker) until stopped."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            *("--workers", "1", "--timeout", "1800", "--bind", f"127.0.0.1:{self.port}"),
            *("--chdir", str(ROOT), "--log-level", "warning", "app:create_app()"),
        ]
        self.errors = log.open("w")
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=self.errors, stderr=subprocess.STDOUT
        )
        for _ in range(150):
            try:
                self.fetch("GET", "/login")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {log}")

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return int(children.read_text().split()[0])

    def request(
        self, method: str, path: str, body=None, headers: dict | None = None
    ) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1800, blocksize=BLOCK)
        conn.request(method, path, body=body, headers=headers or {})
        return conn.getresponse(), conn

    def fetch(self, method: str, path: str, **options) -> tuple[str, str]:
        """A small request's page and the session cookie it sets, if any."""
        response, conn = self.request(method, path, **options)
        page = response.read().decode()
        conn.close()
        return page, _cookie(response)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.errors.close()


class Memory:
    """The gunicorn worker's RSS before a transfer and its peak during it (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
        self.baseline = self._field("VmRSS")

    def _field(self, name: str) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(re.search(rf"^{name}:\s+(\d+) kB", status, re.M).group(1)) * 1024

    def growth_mib(self) -> float:
        return (self._field("VmHWM") - self.baseline) / MIB


def _in_fresh_worker(env: dict[str, str], log: Path, token: str, act) -> dict:
    """Time ``act(portal)`` in a gunicorn started for it, so its memory growth is its own. A
    small upload first loads what any working app has loaded (boto3's S3 model, its threads)."""
    portal = Portal(env, log)
    try:
        _warm_up(portal, token)
        return _timed(portal, lambda: act(portal))
    finally:
        portal.stop()


def _warm_up(portal: Portal, token: str) -> None:
    small = MP4_HEADER + secrets.token_bytes(64 * 1024)
    digest = base64.b64encode(hashlib.sha256(small).digest()).decode()
    _page, _cookie = portal.fetch(
        "POST",
        "/api/v1/documents?filename=warm-up.mp4",
        body=small,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/octet-stream",
            "Content-Digest": f"sha-256=:{digest}:",
        },
    )


def _timed(portal: Portal, act) -> dict:
    memory = Memory(portal.worker_pid())
    started = time.perf_counter()
    result = act()
    return {
        "seconds": time.perf_counter() - started,
        "rss_growth_mib": memory.growth_mib(),
        **result,
    }


def _api_upload(portal: Portal, token: str, source: Path, sha256: str) -> dict:
    """The raw body with its SHA-256 announced (``Content-Digest``), so the portal stores it
    as it arrives; the client knew the hash beforehand (it is not timed)."""
    digest = base64.b64encode(bytes.fromhex(sha256)).decode()
    with source.open("rb") as body:
        response, conn = portal.request(
            "POST",
            "/api/v1/documents?filename=bench.mp4",
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream",
                "Content-Length": str(source.stat().st_size),
                "Content-Digest": f"sha-256=:{digest}:",
            },
        )
        payload = json.loads(response.read())
        conn.close()
    if response.status != 201:
        raise SystemExit(f"API upload failed: {response.status} {payload}")
    return {"id": payload["id"]}


def _form_upload(portal: Portal, source: Path) -> dict:
    """Sign in like a browser and send the upload form, the file streamed as its multipart part."""
    cookie, token = _sign_in(portal)
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="form.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        with source.open("rb") as stream:
            while chunk := stream.read(BLOCK):
                yield chunk
        yield tail

    response, conn = portal.request(
        "POST",
        "/documents/upload",
        body=body(),
        headers={
            "Cookie": cookie,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + source.stat().st_size + len(tail)),
        },
    )
    response.read()
    conn.close()
    location = response.getheader("Location") or ""
    if response.status != 302 or "/documents/" not in location:
        raise SystemExit(f"form upload failed: {response.status}")
    return {"id": int(urlsplit(location).path.rstrip("/").rsplit("/", 1)[1])}


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _sign_in(portal: Portal) -> tuple[str, str]:
    """The session cookie and the upload form's CSRF token, as a browser would hold them."""
    page, cookie = portal.fetch("GET", "/login")
    form = (
        f"csrf_token={_csrf(page)}&email=bench%40vendor.example"
        f"&password={PASSWORD.replace(' ', '+')}"
    )
    _page, cookie = portal.fetch(
        "POST",
        "/login",
        body=form,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    page, renewed = portal.fetch("GET", "/documents/upload", headers={"Cookie": cookie})
    return renewed or cookie, _csrf(page)  # the session now holds the form's token


def _cookie(response: http.client.HTTPResponse) -> str:
    return response.getheader("Set-Cookie", "").split(";", 1)[0]


def _download(portal: Portal, token: str, document_id: int, copy: Path) -> dict:
    response, conn = portal.request(
        "GET",
        f"/api/v1/documents/{document_id}/versions/1/content",
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status != 200:
        raise SystemExit(f"download failed: {response.status}")
    with copy.open("wb") as out:
        while chunk := response.read(BLOCK):
            out.write(chunk)
    conn.close()
    return {}


def _mark(source: Path, size: int, run: int) -> str:
    """Make the file's bytes new (its last 8 bytes name the run), so nothing is deduplicated."""
    with source.open("r+b") as stream:
        stream.seek(size - 8)
        stream.write(run.to_bytes(8, "big"))
    return _digest(source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    size = args.size_mib * MIB
    import boto3

    with tempfile.TemporaryDirectory() as scratch, moto_server() as endpoint:
        scratch_path = Path(scratch)
        source, copy = scratch_path / "source.mp4", scratch_path / "copy.mp4"
        _write_mp4(source, size)
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        storage_url = f"s3://{BUCKET}?endpoint_url={endpoint}&region=us-east-1"
        database_url = f"sqlite:///{scratch_path / 'concord.db'}"
        token = _seed(database_url)
        env = {
            "CONCORD_ENV": "testing",
            "CONCORD_INSTANCE_PATH": str(scratch_path / "instance"),
            "CONCORD_SECRET_KEY": secrets.token_urlsafe(32),
            "CONCORD_DATABASE_URL": database_url,
            "CONCORD_STORAGE_URL": storage_url,
            "CONCORD_MAX_UPLOAD_MB": str(args.size_mib + 16),
            "TMPDIR": scratch,
        }
        log = scratch_path / "gunicorn.log"
        runs = []
        # Each portal transfer right next to its boto3 counterpart: on a shared machine the
        # load changes by the minute, and a ratio of neighbours is the fair one.
        for run in range(args.runs):
            sha256 = _mark(source, size, 2 * run)
            upload = partial(_api_upload, token=token, source=source, sha256=sha256)
            api = _in_fresh_worker(env, log, token, upload)
            key = f"direct/{run}"
            direct_up = _run("direct-upload", storage_url, source, key)
            fetch = partial(_download, token=token, document_id=api["id"], copy=copy)
            download = _in_fresh_worker(env, log, token, fetch)
            if _digest(copy) != sha256:
                raise SystemExit("the portal's download differs from the upload")
            copy.unlink()
            direct_down = _run("direct-stream", storage_url, copy, key)
            if _digest(copy) != sha256:
                raise SystemExit("boto3's download differs")
            _mark(source, size, 2 * run + 1)
            form = _in_fresh_worker(env, log, token, partial(_form_upload, source=source))
            runs.append(
                {
                    "API upload (raw body) vs upload_file": (api, direct_up),
                    "form upload (multipart) vs upload_file": (form, direct_up),
                    "download vs one streamed get_object": (download, direct_down),
                }
            )
    _report(runs, size, args.size_mib)


def _report(runs: list[dict], size: int, size_mib: int) -> None:
    print(
        f"{size_mib} MiB through the portal (gunicorn, 1 sync worker) to moto's S3 server, "
        f"{len(runs)} run(s): medians, and the largest RSS growth"
    )
    print(f"{'':40}{'portal MiB/s':>13}{'boto3 MiB/s':>12}{'ratio':>7}  portal peak RSS growth")
    for label in runs[0]:
        pairs = [run[label] for run in runs]
        portal = [size / MIB / ours["seconds"] for ours, _direct in pairs]
        direct = [size / MIB / theirs["seconds"] for _ours, theirs in pairs]
        ratios = [ours / theirs for ours, theirs in zip(portal, direct, strict=True)]
        growth = max(ours["rss_growth_mib"] for ours, _direct in pairs)
        print(
            f"{label:40}{statistics.median(portal):13.1f}{statistics.median(direct):12.1f}"
            f"{statistics.median(ratios):7.0%}  {growth:.1f} MiB"
            f"   (ratios {', '.join(f'{r:.0%}' for r in ratios)})"
        )


if __name__ == "__main__":
    main()
