"""moto's S3 server on a free loopback port, spoken to over real HTTP (by this process or any
other: the topology test's app processes use it as their document storage)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

#: Credentials moto accepts; set them in the environment of whatever talks to the server.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def moto_server() -> Iterator[str]:
    """Start the server; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
