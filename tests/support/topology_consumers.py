"""Two event consumers for the topology test, registered in its `concord worker` processes only
(:func:`register_consumers`; registering them in the test process would hand them to every other
test's worker).

Each consumer takes sign-ins (``auth.login``) and, per event, notes the attempt in a file (outside
any transaction, so it survives a kill) and adds a row to ``topology_consumed`` in the batch's
transaction. The table has no unique constraint on purpose: a batch consumed twice leaves two
rows to count, where a constraint would only make the second attempt fail. The first consumer
hangs on the first attempt at a sign-in marked :data:`HANG`, so the test can SIGKILL the worker
holding that batch while it is surely mid-batch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, insert
from sqlalchemy.orm import Session

from partners.consumers import Consumer, register
from partners.events import Event

#: Not in the app's metadata: the test creates it next to the migrated schema.
CONSUMED = Table(
    "topology_consumed",
    MetaData(),
    Column("consumer", String(80)),
    Column("event_id", BigInteger),
    Column("pid", Integer),
)
NAMES = ("topology.first", "topology.second")
#: The environment variable naming the attempts file (one ``consumer event-id pid`` a line).
ATTEMPTS = "TOPOLOGY_CONSUMER_ATTEMPTS"
#: A sign-in of an email starting so makes the first consumer hang on its first attempt.
HANG = "hang-"
HANG_SECONDS = 60
STEP_SECONDS = 0.05
BATCH = 4


def attempts(path: Path) -> list[tuple[str, int, int]]:
    """Every attempt so far, in order: (consumer, event id, worker pid)."""
    if not path.exists():
        return []
    rows = (line.split() for line in path.read_text().splitlines() if line)
    return [(name, int(event_id), int(pid)) for name, event_id, pid in rows]


def _handler(name: str, hangs: bool):
    def handle(db: Session, events: Sequence[Event]) -> None:
        path = Path(os.environ[ATTEMPTS])
        for event in events:
            retry = any((n, e) == (name, event.id) for n, e, _pid in attempts(path))
            with path.open("a") as out:
                out.write(f"{name} {event.id} {os.getpid()}\n")
            db.execute(insert(CONSUMED).values(consumer=name, event_id=event.id, pid=os.getpid()))
            marked = event.payload.get("summary", "").startswith(HANG)
            time.sleep(HANG_SECONDS if hangs and marked and not retry else STEP_SECONDS)

    return handle


def register_consumers() -> None:
    for n, name in enumerate(NAMES):
        register(Consumer(name, ("auth.login",), _handler(name, hangs=n == 0), batch_size=BATCH))
