"""A Redis server for tests: the machine's on 127.0.0.1:6379, or a throwaway one of our own."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from support.smtp import free_port


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_url() -> Iterator[str]:
    if _answers(6379):
        yield "redis://127.0.0.1:6379/15"
        return
    with own_redis_server() as url:
        yield url


@contextmanager
def own_redis_server() -> Iterator[str]:
    """A redis-server of our own on a free port, with nothing in it, stopped at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("no Redis server; run scripts/test-prereqs.sh (make test does)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            if _answers(port):
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
