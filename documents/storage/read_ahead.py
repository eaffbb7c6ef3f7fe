"""Reading the next chunks of a download while the current one is sent on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from queue import Empty, Full, Queue

#: What the reader thread puts after the last chunk.
_END = object()
#: How often a waiting side looks whether the other has given up.
_POLL_SECONDS = 0.1


def read_ahead(chunks: Iterator[bytes], depth: int = 2) -> Iterator[bytes]:
    """Yield ``chunks`` while a thread already reads up to ``depth`` of the next ones.

    A sync worker otherwise takes turns: it reads a chunk from storage while the client waits,
    then sends it while storage waits, so a download runs at about half the speed of either
    leg. With the reader ahead both legs stay busy; memory is ``depth + 1`` chunks. If the
    response is closed early (the client went away), the reader stops and closes ``chunks``.
    """
    queue: Queue = Queue(maxsize=depth)
    stopped = threading.Event()

    def offer(item: object) -> bool:
        while not stopped.is_set():
            try:
                queue.put(item, timeout=_POLL_SECONDS)
                return True
            except Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not offer(chunk):
                    return
            offer(_END)
        except BaseException as error:  # handed to the consumer, which raises it
            offer(error)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            try:
                item = queue.get(timeout=_POLL_SECONDS)
            except Empty:
                if not reader.is_alive() and queue.empty():
                    return
                continue
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stopped.set()
