"""A download reads ahead of what it sends: same bytes, errors surface, early close cleans up."""

import threading

import pytest

from documents.storage.read_ahead import read_ahead


def test_the_chunks_come_in_order_and_complete():
    chunks = [bytes([n]) * 1000 for n in range(50)]
    assert list(read_ahead(iter(chunks))) == chunks


def test_a_storage_error_reaches_the_response():
    def failing():
        yield b"first"
        raise OSError("connection reset by storage")

    stream = read_ahead(failing())
    assert next(stream) == b"first"
    with pytest.raises(OSError, match="connection reset"):
        next(stream)


def test_a_client_going_away_stops_the_reader_and_closes_the_source():
    closed = threading.Event()

    def endless():
        try:
            while True:
                yield b"x" * 1024
        finally:
            closed.set()

    stream = read_ahead(endless(), depth=2)
    assert next(stream) == b"x" * 1024
    stream.close()
    assert closed.wait(timeout=5)
