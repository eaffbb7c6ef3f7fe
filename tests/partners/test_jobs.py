"""The job queue: a job runs once, its work and its "done" commit together, failures retry with
backoff or fail with a message, a stopped worker's job is taken again, and on PostgreSQL two
workers never run the same job while progress shows from outside the job's transaction."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from app.worker import worker_for
from partners.db import make_engine, unit_of_work
from partners.jobs import (
    FAILED,
    Job,
    JobFailed,
    JobStatus,
    Periodic,
    Worker,
    enqueue,
    job_handler,
)
from partners.models import Team
from partners.roles import OrgKind, Role
from partners.sharing import AccessLevel
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.leads.models import Lead, LeadStatus
from portal.leads.service import claim_lead

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ran: list[int] = []
#: Lets a test hold a job in the middle of its work.
gates: dict[int, threading.Event] = {}


@job_handler("test.echo")
def _echo(ctx, run) -> str:
    ran.append(run.job_id)
    run.progress(1, 2, "Halfway.")
    return f"Echoed {run.payload['word']}."


def _add_team(ctx, name: str) -> None:
    ctx.db.add(Team(organization_id=ctx.actor.organization_id, name=name))
    ctx.db.flush()


@job_handler("test.flaky")
def _flaky(ctx, run) -> str:
    _add_team(ctx, "written by a failing job")
    raise RuntimeError("the mail server went away")


@job_handler("test.refuse")
def _refuse(ctx, run) -> str:
    _add_team(ctx, "written by a refused job")
    raise JobFailed("The uploaded file is no longer stored; upload it again.")


@job_handler("test.slow")
def _slow(ctx, run) -> str:
    ran.append(run.job_id)
    run.progress(5, 10, "Five of ten.")
    gate = gates.get(run.job_id)
    if gate is not None:
        assert gate.wait(10)
    else:
        time.sleep(0.05)
    return "Slept."


@pytest.fixture(autouse=True)
def _fresh_log():
    ran.clear()
    gates.clear()


@pytest.fixture
def actor(db):
    return create_user(db, create_org(db, OrgKind.vendor), Role.member)


@pytest.fixture
def worker(session_factory, clock):
    clock.set(NOW)
    return Worker(session_factory, lambda db, actor: context(db, actor), clock=clock)


def queue(db, kind: str, actor=None, **payload) -> Job:
    job = enqueue(
        db,
        kind,
        payload,
        now=NOW,
        organization_id=actor.organization_id if actor else None,
        created_by_id=actor.id if actor else None,
    )
    db.commit()
    return job


def reloaded(db, job: Job) -> Job:
    db.expire_all()
    return db.get(Job, job.id)


def test_a_queued_job_runs_once_and_is_done_with_its_message(db, worker, actor):
    job = queue(db, "test.echo", actor, word="hello")
    assert worker.run_next() == job.id
    done = reloaded(db, job)
    assert (done.status, done.message, done.attempts) == (JobStatus.done, "Echoed hello.", 1)
    assert (done.progress_done, done.progress_total) == (1, 2)
    assert done.locked_by is None and done.finished_at == NOW
    assert worker.run_next() is None
    assert ran.count(job.id) == 1


def test_only_known_kinds_are_queued(db):
    with pytest.raises(ValueError, match="no handler"):
        enqueue(db, "test.unknown", {}, now=NOW)


def test_an_unexpected_error_is_retried_with_backoff_then_fails(db, worker, actor, clock):
    job = queue(db, "test.flaky", actor)
    worker.run_next()
    first = reloaded(db, job)
    assert (first.status, first.attempts) == (JobStatus.queued, 1)
    assert first.run_after == NOW + timedelta(seconds=30)
    assert first.message == "Attempt 1 of 3 failed; it will be tried again at 09:00:30 UTC."
    assert first.last_error == "RuntimeError: the mail server went away"
    assert "mail server" not in first.message  # operators' detail, not users'
    assert db.scalar(select(Team).where(Team.name.startswith("written by"))) is None
    assert worker.run_next() is None  # not due yet

    clock.set(NOW + timedelta(seconds=30))
    worker.run_next()
    second = reloaded(db, job)
    assert (second.status, second.attempts) == (JobStatus.queued, 2)
    assert second.run_after == clock() + timedelta(seconds=60)

    clock.set(second.run_after)
    worker.run_next()
    last = reloaded(db, job)
    assert (last.status, last.attempts) == (JobStatus.failed, 3)
    assert last.message == FAILED.format(attempts=3)
    assert worker.run_next() is None


def test_a_refusal_fails_at_once_with_its_message_and_nothing_of_its_work(db, worker, actor):
    job = queue(db, "test.refuse", actor)
    worker.run_next()
    failed = reloaded(db, job)
    assert (failed.status, failed.attempts) == (JobStatus.failed, 1)
    assert failed.message == "The uploaded file is no longer stored; upload it again."
    assert db.scalar(select(Team).where(Team.name.startswith("written by"))) is None


def _stopped_mid_job(db, job: Job, lease_left: timedelta, attempts: int = 1) -> None:
    job.status, job.attempts = JobStatus.running, attempts
    job.locked_by, job.locked_until = "host:123:dead", NOW + lease_left
    db.commit()


def test_a_job_whose_worker_stopped_is_taken_again_once_its_lease_runs_out(db, worker, actor):
    job = queue(db, "test.echo", actor, word="again")
    _stopped_mid_job(db, job, lease_left=timedelta(seconds=1))
    assert worker.run_next() is None  # the other worker may still be at it

    _stopped_mid_job(db, job, lease_left=-timedelta(seconds=1))
    assert worker.run_next() == job.id
    done = reloaded(db, job)
    assert (done.status, done.attempts, done.message) == (JobStatus.done, 2, "Echoed again.")


def test_a_job_whose_worker_stopped_too_often_fails(db, worker, actor):
    job = queue(db, "test.echo", actor, word="never")
    _stopped_mid_job(db, job, lease_left=-timedelta(seconds=1), attempts=3)
    assert worker.run_next() == job.id
    failed = reloaded(db, job)
    assert (failed.status, failed.message) == (JobStatus.failed, FAILED.format(attempts=3))
    assert job.id not in ran


def test_the_worker_loop_returns_lapsed_claims_once_a_minute(app, db, clock):
    vendor = create_org(db, OrgKind.vendor)
    owner = create_user(db, vendor, Role.manager)
    partner = create_org(db)
    create_partnership(db, vendor, partner)
    create_rule(db, owner, Grantee(GranteeKind.all_partners), AccessLevel.claim)
    lead = create_lead(db, owner)
    clock.set(NOW)
    ctx = context(db, create_user(db, partner))
    ctx.clock = clock
    claim_lead(ctx, lead.id)
    db.commit()

    worker = worker_for(app)
    clock.set(NOW + timedelta(days=30))
    worker.maintain()
    db.expire_all()
    assert db.get(Lead, lead.id).status == LeadStatus.available


# PostgreSQL, with committed data: real concurrency between connections -------------------------


@pytest.fixture
def committed(postgresql_engine):
    """A session factory whose sessions commit for real; the jobs are deleted afterwards."""
    engine = make_engine(postgresql_engine.url.render_as_string(hide_password=False))
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        yield factory
    finally:
        with unit_of_work(factory) as db:
            db.execute(delete(Job).where(Job.kind.startswith("test.")))
        engine.dispose()


def test_two_workers_never_run_the_same_job(committed):
    with unit_of_work(committed) as db:
        ids = {enqueue(db, "test.slow", {}, now=NOW).id for _ in range(20)}
    workers = [Worker(committed, lambda db, actor: context(db, actor)) for _ in range(2)]
    start = threading.Barrier(2)
    handled: list[list[int]] = [[], []]

    def drain(index: int) -> None:
        start.wait()
        while (job_id := workers[index].run_next()) is not None:
            handled[index].append(job_id)

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(handled[0] + handled[1]) == sorted(ids)
    assert handled[0] and handled[1]  # both took part
    assert sorted(job for job in ran if job in ids) == sorted(ids)  # each ran exactly once
    with Session(committed.kw["bind"]) as db:
        statuses = db.scalars(select(Job.status).where(Job.id.in_(ids))).all()
    assert set(statuses) == {JobStatus.done}


def test_progress_shows_in_other_sessions_while_the_job_is_still_working(committed):
    with unit_of_work(committed) as db:
        job_id = enqueue(db, "test.slow", {}, now=NOW).id
    gates[job_id] = threading.Event()
    worker = Worker(committed, lambda db, actor: context(db, actor))
    thread = threading.Thread(target=worker.run_next)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            with Session(committed.kw["bind"]) as other:
                job = other.get(Job, job_id)
            if job.progress_done == 5 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert (job.status, job.progress_done, job.progress_total) == (JobStatus.running, 5, 10)
        assert job.message == "Five of ten." and job.locked_by == worker.name
    finally:
        gates[job_id].set()
        thread.join()
    with Session(committed.kw["bind"]) as other:
        assert other.get(Job, job_id).status == JobStatus.done


def test_two_workers_never_run_the_same_maintenance_pass_at_once(committed):
    """Every worker runs maintenance every minute; the advisory lock lets one do each pass."""
    inside, release = threading.Event(), threading.Event()
    passes: list[str] = []

    def sweep(ctx) -> int:
        passes.append(threading.current_thread().name)
        inside.set()
        assert release.wait(10)
        return 0

    def other(ctx) -> int:
        passes.append(f"other:{threading.current_thread().name}")
        return 0

    tasks = (Periodic("test.sweep", sweep), Periodic("test.other", other))
    first, second = (
        Worker(committed, lambda db, actor: context(db, actor), maintenance=tasks) for _ in range(2)
    )
    busy = threading.Thread(target=first.maintain, name="first")
    busy.start()
    try:
        assert inside.wait(10)  # the first worker holds the pass test.sweep open
        later = threading.Thread(target=second.maintain, name="second")
        later.start()
        later.join(10)
        assert passes == ["first", "other:second"]  # skipped test.sweep, did the free one
    finally:
        release.set()
        busy.join(10)
    assert passes == ["first", "other:second", "other:first"]
    release.set()
    again = threading.Thread(target=second.maintain, kwargs={"force": True}, name="second")
    again.start()
    again.join(10)  # the lock ended with the first pass's transaction
    assert passes[-2:] == ["second", "other:second"]
