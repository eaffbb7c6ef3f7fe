"""Find a PostgreSQL server for the suite, or start a throwaway cluster of our own.

Order: ``CONCORD_TEST_POSTGRES_URL``; the machine's server on 127.0.0.1:5432 (trust auth, user
postgres); else ``initdb`` + ``pg_ctl`` from the installed server binaries into a temporary
directory, on a free port, removed when the session ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

MACHINE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres_user(command: list[str]) -> list[str]:
    """initdb refuses to run as root; run the cluster as the `postgres` system user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def _throwaway_cluster() -> Iterator[str]:
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        raise RuntimeError("no PostgreSQL server binaries; run scripts/test-prereqs.sh")
    bin_dir = binaries[-1]
    root = tempfile.mkdtemp(prefix="concord-pg-")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, port = os.path.join(root, "data"), _free_port()
    run = subprocess.run
    run(
        _as_postgres_user([f"{bin_dir}/initdb", "-D", data, "-U", "postgres", "-A", "trust"]),
        check=True,
        capture_output=True,
    )
    run(
        _as_postgres_user(
            [
                f"{bin_dir}/pg_ctl",
                "-D",
                data,
                "-w",
                "-l",
                os.path.join(root, "log"),
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(
            _as_postgres_user([f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A maintenance URL (database ``postgres``) of a server the suite may create databases on."""
    url = os.environ.get("CONCORD_TEST_POSTGRES_URL")
    if url:
        yield url
    elif _answers(MACHINE_URL):
        yield MACHINE_URL
    else:
        with _throwaway_cluster() as throwaway:
            yield throwaway


@contextmanager
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """Create an empty database for this run and drop it afterwards."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = server_url.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
