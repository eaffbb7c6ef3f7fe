"""Event consumers, with real commits on each backend: one failing consumer never holds another
back, failures back off, a consumer starts from now or is replayed from a time, and on
PostgreSQL an event committed late by an earlier transaction is never skipped and two workers
never run one consumer at once."""

import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import sessionmaker

from app.worker import worker_for
from partners import audit, consumers
from partners.consumers import (
    FIRST_BACKOFF,
    Consumer,
    ConsumerRunner,
    EventConsumer,
    consumer,
    replay,
    unregister,
)
from partners.db import make_engine, unit_of_work
from partners.events import Event
from partners.models import AuditEntry

from factories import context
from support.clock import T0, HandClock


@pytest.fixture
def committed(engine):
    """Sessions that commit for real; what the test wrote is deleted afterwards."""
    own = make_engine(engine.url.render_as_string(hide_password=False))
    factory = sessionmaker(bind=own, expire_on_commit=False)
    with unit_of_work(factory) as db:
        first_event = db.scalar(select(func.coalesce(func.max(Event.id), 0)))
        first_entry = db.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))
    try:
        yield factory
    finally:
        with unit_of_work(factory) as db:
            db.execute(delete(Event).where(Event.id > first_event))
            db.execute(delete(AuditEntry).where(AuditEntry.id > first_entry))
            db.execute(delete(EventConsumer).where(EventConsumer.name.startswith("test-")))
        own.dispose()


def emit(factory, *types: str, at: datetime = T0) -> list[int]:
    """Commit one audited change per type, in one transaction; returns the event ids."""
    with unit_of_work(factory, writer=True) as db:
        return _emit(db, types, at)


def settle(factory, ids: list[int]) -> None:
    """Wait until these events are final: on PostgreSQL every older transaction of the cluster
    (another test run's, say) has ended, so a consumer may read them."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with unit_of_work(factory) as db:
            if db.get_bind().dialect.name != "postgresql":
                return
            final = db.scalar(
                select(func.count()).where(Event.id.in_(ids), Event.txid < consumers._XMIN)
            )
        if final == len(ids):
            return
        time.sleep(0.05)
    raise AssertionError(f"events {ids} never became final")


def _emit(db, types, at: datetime = T0) -> list[int]:
    ctx = context(db)
    ctx.clock = lambda: at
    for kind in types:
        audit.record(ctx, kind, summary=kind)
    return list(db.scalars(select(Event.id).order_by(Event.id.desc()).limit(len(types))))[::-1]


class Recorder:
    """A handler that remembers what it got, and fails while ``failing`` is set."""

    def __init__(self) -> None:
        self.got: list[tuple[int, str]] = []
        self.calls = 0
        self.failing = False

    def __call__(self, db, events) -> None:
        self.calls += 1
        if self.failing:
            audit.record(context(db), "test.effect", summary="rolled back with the batch")
            raise RuntimeError("the far end is down")
        self.got.extend((event.id, event.type) for event in events)


def runner_for(factory, *consumers: Consumer, clock=None) -> ConsumerRunner:
    return ConsumerRunner(factory, clock=clock or HandClock(), consumers=lambda: list(consumers))


def row(factory, name: str) -> EventConsumer:
    with unit_of_work(factory) as db:
        return db.get(EventConsumer, name)


def test_a_consumer_gets_the_types_it_wants_and_starts_from_now(committed):
    settle(committed, emit(committed, "test.before"))
    leads = Recorder()
    runner = runner_for(committed, Consumer("test-leads", ("test.lead.*",), leads))
    assert runner.run_due() == 0  # created at "now": what came before is not its business
    ids = emit(committed, "test.lead.claimed", "test.deal.approved", "test.lead.released")
    settle(committed, ids)
    assert runner.drain() == 3
    assert leads.got == [(ids[0], "test.lead.claimed"), (ids[2], "test.lead.released")]
    assert row(committed, "test-leads").position == ids[2]  # past the one it does not want
    assert runner.drain() == 0


def test_a_failing_consumer_backs_off_and_never_holds_another_back(committed):
    clock = HandClock()
    failing, steady = Recorder(), Recorder()
    failing.failing = True
    runner = runner_for(
        committed,
        Consumer("test-failing", ("test.*",), failing),
        Consumer("test-steady", ("test.*",), steady),
        clock=clock,
    )
    runner.run_due()
    first = emit(committed, "test.one", "test.two")
    settle(committed, first)
    runner.drain()
    assert [event_id for event_id, _ in steady.got] == first
    state = row(committed, "test-failing")
    assert (state.attempts, state.failing_since) == (1, T0) and state.position < first[0]
    assert state.next_attempt_at == T0 + FIRST_BACKOFF
    assert "the far end is down" in state.last_error
    with unit_of_work(committed) as db:  # its work rolled back with its batch
        assert not db.scalar(select(func.count()).where(AuditEntry.action == "test.effect"))

    second = emit(committed, "test.three")
    settle(committed, second)
    runner.drain()  # the steady one keeps its pace; the failing one waits its turn
    assert [event_id for event_id, _ in steady.got] == first + second
    assert failing.calls == 1

    clock.now = T0 + FIRST_BACKOFF
    runner.drain()
    state = row(committed, "test-failing")
    assert (failing.calls, state.attempts) == (2, 2)
    assert state.next_attempt_at == clock.now + 2 * FIRST_BACKOFF  # twice as long each time
    assert state.failing_since == T0

    failing.failing = False
    clock.now += 2 * FIRST_BACKOFF
    runner.drain()
    assert [event_id for event_id, _ in failing.got] == first + second
    state = row(committed, "test-failing")
    assert (state.attempts, state.failing_since, state.next_attempt_at) == (0, None, None)


def test_a_consumer_replays_from_a_point_in_time(committed):
    feed = Recorder()
    runner = runner_for(committed, Consumer("test-feed", ("test.*",), feed))
    runner.run_due()
    emit(committed, "test.old", at=T0)
    later = emit(committed, "test.new", "test.newer", at=T0 + timedelta(days=2))
    settle(committed, later)
    runner.drain()
    assert len(feed.got) == 3
    feed.got.clear()
    with unit_of_work(committed, writer=True) as db:
        replay(db, "test-feed", T0 + timedelta(days=1))
    runner.drain()
    assert [event_id for event_id, _ in feed.got] == later


def test_the_worker_runs_registered_consumers_alongside_jobs(app, committed):
    got = Recorder()
    consumer("test-worker", types=("test.*",))(got)
    try:
        app.extensions["concord.db"].factory = committed
        worker = worker_for(app)
        worker.drain()
        ids = emit(committed, "test.through.the.worker")
        settle(committed, ids)
        worker.drain()
        assert [event_id for event_id, _ in got.got] == ids
    finally:
        unregister("test-worker")


# PostgreSQL: real concurrency between connections ---------------------------------------------


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_an_event_committed_late_by_an_earlier_transaction_is_never_skipped(committed):
    feed = Recorder()
    runner = runner_for(committed, Consumer("test-late", ("test.*",), feed))
    runner.run_due()
    early = committed()  # takes its transaction id first (it writes something else first)
    late = committed()
    try:
        early.execute(text("SELECT pg_current_xact_id()"))
        [late_id] = _emit(late, ["test.late"])  # the lower event id, the younger transaction
        [early_id] = _emit(early, ["test.early"])
        early.commit()
        assert late_id < early_id
        settle(committed, [early_id])
        runner.drain()
        # The late transaction still runs: nothing of it or younger is read (by id order the
        # consumer would now stand at early_id, past late_id for ever).
        assert feed.got == [(early_id, "test.early")]
        late.commit()
        settle(committed, [late_id])
        runner.drain()
        assert feed.got == [(early_id, "test.early"), (late_id, "test.late")]
    finally:
        early.close()
        late.close()


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_two_workers_never_run_one_consumer_at_once(committed):
    running = threading.Lock()
    got: list[int] = []
    overlaps: list[int] = []

    def slow(db, events) -> None:
        if not running.acquire(blocking=False):
            overlaps.append(events[0].id)
            return
        try:
            time.sleep(0.01)
            got.extend(event.id for event in events)
        finally:
            running.release()

    only = Consumer("test-shared", ("test.*",), slow, batch_size=5)
    runners = [runner_for(committed, only) for _ in range(2)]
    runners[0].run_due()
    ids = emit(committed, *["test.tick"] * 60)
    settle(committed, ids)
    start = threading.Barrier(2)
    read = [0, 0]

    def work(index: int) -> None:
        start.wait()
        deadline = time.monotonic() + 20
        while len(got) < len(ids) and time.monotonic() < deadline:
            read[index] += runners[index].run_due()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []
    assert got == ids  # each once, in order
    assert sum(read) == len(ids)
