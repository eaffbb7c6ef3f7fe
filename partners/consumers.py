"""Event consumers: each reads the outbox (:mod:`partners.events`) at its own pace.

A consumer names the event types it wants (``lead.*``, ``deal.approved``) and a handler that gets
a batch of events and the session of the batch's transaction. The handler's work and the
consumer's new position commit together, so an effect in our database happens exactly once;
an effect outside it (a webhook, a mail) is written as a delivery row by the handler and sent
after commit by a job or another consumer, so a retry never sends it twice.

Each consumer has its own row in ``event_consumer``: its position, whether it is paused, and its
failures. One consumer failing (it backs off, exponentially) or being slow never holds another
back. A worker takes a consumer's row ``FOR UPDATE SKIP LOCKED`` for the whole batch, so any
number of workers share the consumers and two never run one consumer at once.

Gap safety. Event ids grow in insert order, not commit order: a transaction can insert event 5,
another insert event 6 and commit first. On PostgreSQL a reader therefore takes only events whose
transaction id is below ``pg_snapshot_xmin(pg_current_snapshot())`` (every transaction there has
ended, so the set of such events never grows again), and walks them in ``(txid, id)`` order with
its position as that pair. Walking by id alone would skip event 5 whenever the transaction that
wrote event 6 took its id earlier (it wrote something else first) and committed while event 5's
was still running. On SQLite one writer at a time makes id order commit order.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Boolean,
    Integer,
    String,
    Text,
    and_,
    cast,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from partners.db import Base, UTCDateTime, unit_of_work, utcnow
from partners.events import Event

logger = logging.getLogger(__name__)

BATCH = 200
#: The first retry of a failing consumer waits this long, each further one twice as long.
FIRST_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(minutes=15)

Handler = Callable[[Session, Sequence[Event]], None]


class EventConsumer(Base):
    """Where one consumer is in the outbox, and how it is faring."""

    __tablename__ = "event_consumer"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: The last event done (its id); every event before it in reading order is done too.
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    #: PostgreSQL: the transaction id of that event (the position is the pair); 0 on SQLite.
    position_txid: Mapped[int] = mapped_column(BigInteger, default=0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the current run of failures began (None: the last batch went through).
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


@dataclass(frozen=True)
class Consumer:
    """A name, the event types it wants (shell-style patterns) and its handler."""

    name: str
    types: tuple[str, ...]
    handle: Handler
    batch_size: int = BATCH

    def wants(self, event_type: str) -> bool:
        return any(fnmatch.fnmatchcase(event_type, pattern) for pattern in self.types)


_CONSUMERS: dict[str, Consumer] = {}


def register(consumer: Consumer) -> Consumer:
    """Add a consumer; it starts at the events committed after its first run (see replay)."""
    if consumer.name in _CONSUMERS:
        raise ValueError(f"a consumer named {consumer.name!r} is already registered")
    _CONSUMERS[consumer.name] = consumer
    return consumer


def unregister(name: str) -> None:
    """Forget a consumer (tests; a retired consumer's row stays, paused in effect)."""
    _CONSUMERS.pop(name, None)


def consumer(name: str, *, types: Iterable[str], batch_size: int = BATCH):
    """Decorator form of :func:`register`: ``@consumer("feed", types=("lead.*",))``."""

    def decorate(handle: Handler) -> Handler:
        register(Consumer(name, tuple(types), handle, batch_size))
        return handle

    return decorate


def registered() -> list[Consumer]:
    return list(_CONSUMERS.values())


def backoff(attempt: int) -> timedelta:
    """How long a consumer waits after its ``attempt``-th failure in a row."""
    return min(FIRST_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)


# Reading the outbox ----------------------------------------------------------------------------

#: The oldest transaction still running, as bigint like ``Event.txid``.
_XMIN = cast(cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger)


def _postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def _after(db: Session, txid: int, event_id: int):
    """Events after a position, final ones only on PostgreSQL, in reading order."""
    if not _postgres(db):
        return select(Event).where(Event.id > event_id).order_by(Event.id)
    later = or_(Event.txid > txid, and_(Event.txid == txid, Event.id > event_id))
    return select(Event).where(Event.txid < _XMIN, later).order_by(Event.txid, Event.id)


def _start_position(db: Session, since: datetime | None = None) -> tuple[int, int]:
    """``(txid, id)`` just before the first event at or after ``since``; with no ``since`` (or
    none that late), after the last final event: the consumer starts from now."""
    postgres = _postgres(db)
    order = (Event.txid, Event.id) if postgres else (Event.id,)
    if since is not None:
        first = db.execute(
            select(Event.txid, Event.id).where(Event.at >= since).order_by(*order).limit(1)
        ).one_or_none()
        if first is not None:
            return (first.txid or 0, first.id - 1)
    last_query = select(Event.txid, Event.id).order_by(*(c.desc() for c in order)).limit(1)
    if postgres:
        last_query = last_query.where(Event.txid < _XMIN)
    last = db.execute(last_query).one_or_none()
    return (last.txid or 0, last.id) if last else (0, 0)


def _ensure_row(db: Session, name: str) -> None:
    """Create a consumer's row at "now" the first time it is seen (two workers may race)."""
    txid, event_id = _start_position(db)
    dialect = postgresql if _postgres(db) else sqlite
    db.execute(
        dialect.insert(EventConsumer)
        .values(name=name, position=event_id, position_txid=txid, paused=False, attempts=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )


# Running ---------------------------------------------------------------------------------------


@dataclass
class ConsumerRunner:
    """Runs one batch of every due consumer; ``concord worker`` calls it each round."""

    factory: sessionmaker[Session]
    clock: Callable[[], datetime] = utcnow
    consumers: Callable[[], list[Consumer]] = registered
    _known: set[str] = field(default_factory=set, init=False, repr=False)

    def run_due(self) -> int:
        """One batch for each consumer that is due and not taken; returns the events read."""
        total = 0
        for each in self.consumers():
            try:
                total += self.run_one(each)
            except Exception as error:
                logger.exception("consumer %s failed", each.name)
                self._failed(each.name, error)
        return total

    def drain(self) -> int:
        """Run batches until every consumer is caught up or backing off (tests, ``--once``)."""
        total = 0
        while read := self.run_due():
            total += read
        return total

    def run_one(self, each: Consumer) -> int:
        """Take the consumer's row, hand it the next batch, move its position, commit."""
        if each.name not in self._known:
            with unit_of_work(self.factory, writer=True) as db:
                _ensure_row(db, each.name)
            self._known.add(each.name)
        retry_at = EventConsumer.next_attempt_at
        due = or_(retry_at.is_(None), retry_at <= self.clock())
        with unit_of_work(self.factory, writer=True) as db:
            row = db.scalars(
                select(EventConsumer)
                .where(EventConsumer.name == each.name, EventConsumer.paused.is_(False), due)
                .with_for_update(skip_locked=True)
            ).one_or_none()
            if row is None:
                return 0
            batch = db.scalars(
                _after(db, row.position_txid, row.position).limit(each.batch_size)
            ).all()
            if not batch:
                return 0
            wanted = [event for event in batch if each.wants(event.type)]
            if wanted:
                each.handle(db, wanted)
            last = batch[-1]
            row.position, row.position_txid = last.id, last.txid or 0
            row.attempts, row.failing_since, row.next_attempt_at = 0, None, None
            row.last_error = ""
            return len(batch)

    def _failed(self, name: str, error: Exception) -> None:
        """The batch rolled back; note the failure and when to try again."""
        now = self.clock()
        with unit_of_work(self.factory, writer=True) as db:
            row = db.get(EventConsumer, name, with_for_update=True)
            if row is None:
                return
            row.attempts += 1
            row.failing_since = row.failing_since or now
            row.next_attempt_at = now + backoff(row.attempts)
            row.last_error = f"{type(error).__name__}: {error}"[:4000]


# Operating -------------------------------------------------------------------------------------


def replay(db: Session, name: str, since: datetime) -> EventConsumer:
    """Move a consumer back (or forward) to the first event at or after ``since``; it runs
    again from there at once, its failures forgotten."""
    _ensure_row(db, name)
    txid, event_id = _start_position(db, since)
    row = db.get(EventConsumer, name, with_for_update=True)
    row.position, row.position_txid = event_id, txid
    row.attempts, row.failing_since, row.next_attempt_at, row.last_error = 0, None, None, ""
    return row


def set_paused(db: Session, name: str, paused: bool) -> bool:
    """Pause or resume a consumer; False if it has never run."""
    result = db.execute(
        update(EventConsumer).where(EventConsumer.name == name).values(paused=paused)
    )
    return result.rowcount == 1


def backlog(db: Session, row: EventConsumer) -> int:
    """How many final events lie after the consumer's position (of any type)."""
    query = _after(db, row.position_txid, row.position)
    return db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
