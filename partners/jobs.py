"""Background jobs: a durable queue in the database, drained by ``concord worker``.

A job is a row naming a handler (``@job_handler("leads.import")``) and carrying a JSON payload.
:meth:`Worker.run_next` claims one due job in a single ``UPDATE … WHERE id = (SELECT … FOR
UPDATE SKIP LOCKED)``, so on PostgreSQL any number of workers on any number of hosts share the
queue without taking the same job; on SQLite (one writer) one worker runs. The handler works in
one transaction, and the same transaction marks the job done: the work and its "done" commit
together or not at all, so a worker that dies in between leaves nothing half-done or done twice.

Progress is written through a separate short transaction, so other sessions see it while the
work is still uncommitted; each write also extends the job's lease.

Maintenance (:class:`Periodic`) runs in every worker once a minute. On PostgreSQL each pass
first takes ``pg_try_advisory_xact_lock`` on its task's name in its own transaction: a worker
that finds the lock taken skips the pass (another worker is doing it), so with N workers the
same pass never runs twice at once, and the lock ends with the pass's transaction.

Failures: a handler raises :class:`JobFailed` (or a ``ServiceError``) for what retrying cannot
fix; the work is rolled back and the job fails with that message. Any other exception is retried
with exponential backoff until the job's ``max_attempts``. A worker that stops mid-job leaves a
running job whose lease runs out; the next worker takes it again, as another attempt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    exc,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from partners.context import Forbidden, NotFound, ServiceContext, ServiceError
from partners.db import Base, UTCDateTime, string_enum, unit_of_work, utcnow
from partners.models import User

logger = logging.getLogger(__name__)

#: How long a claimed job stays its worker's without a sign of life (progress extends it).
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3
#: The first retry waits this long, each further one twice as long, up to MAX_BACKOFF.
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
FAILED = "This job failed {attempts} time(s); an administrator can find why in the worker's log."


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(Base):
    __tablename__ = "job"
    #: Workers look for due queued jobs, and for running ones whose lease ran out.
    __table_args__ = (Index("ix_job_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The handler's name, e.g. ``leads.import``.
    kind: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    #: The handler acts as this user (None: the system).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[JobStatus] = mapped_column(string_enum(JobStatus), default=JobStatus.queued)
    #: Progress of the current attempt: ``progress_done`` of ``progress_total`` (None: unknown).
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    #: For the people who queued it: what is happening, or what happened.
    message: Mapped[str] = mapped_column(Text, default="")
    #: For operators: the last unexpected error; never shown to users.
    last_error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=MAX_ATTEMPTS)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.done, JobStatus.failed)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status.value}>"


class JobFailed(Exception):
    """A failure retrying cannot fix; its message is shown to the people who queued the job."""


class LostLease(Exception):
    """Another worker took the job over (our lease ran out); our work must not commit."""


#: Refusals a handler may meet; the job fails with the refusal's message, without retries.
PERMANENT = (JobFailed, ServiceError, NotFound, Forbidden)


# Queueing and handlers -------------------------------------------------------------------------

Handler = Callable[[ServiceContext, "JobRun"], str | None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of ``kind``; it returns the message shown when done."""

    def register(handler: Handler) -> Handler:
        if kind in _HANDLERS:
            raise ValueError(f"a handler for job kind {kind!r} is already registered")
        _HANDLERS[kind] = handler
        return handler

    return register


def enqueue(
    db: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    organization_id: int | None = None,
    created_by_id: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    message: str = "Waiting for a worker.",
) -> Job:
    """Queue a job in the caller's transaction: it runs only if that transaction commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    job = Job(
        kind=kind,
        payload=payload,
        organization_id=organization_id,
        created_by_id=created_by_id,
        status=JobStatus.queued,
        max_attempts=max_attempts,
        message=message,
        run_after=now,
        created_at=now,
    )
    db.add(job)
    db.flush()
    return job


def backoff(attempt: int) -> timedelta:
    """How long to wait after the ``attempt``-th failure."""
    return min(FIRST_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)


# Running ---------------------------------------------------------------------------------------

ContextFactory = Callable[[Session, User | None], ServiceContext]


@dataclass(frozen=True)
class Claimed:
    """A job this worker holds: what the claim returned."""

    id: int
    kind: str
    payload: dict[str, Any]
    created_by_id: int | None
    attempts: int
    max_attempts: int


@dataclass(frozen=True)
class Periodic:
    """Maintenance the worker loop runs every minute, e.g. expiring lapsed claims."""

    name: str
    run: Callable[[ServiceContext], int]


class JobRun:
    """What a handler gets besides its context: the payload and a way to report progress."""

    def __init__(self, worker: Worker, claimed: Claimed) -> None:
        self._worker = worker
        self._claimed = claimed

    @property
    def job_id(self) -> int:
        return self._claimed.id

    @property
    def payload(self) -> dict[str, Any]:
        return self._claimed.payload

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Publish progress (and extend the lease) in a transaction of its own, so readers see
        it at once; best effort, it never fails the job."""
        values: dict[str, Any] = {"progress_done": done, "progress_total": total}
        if message is not None:
            values["message"] = message
        self._worker.write_progress(self._claimed.id, values)


@dataclass
class Worker:
    """Claims due jobs and runs them; ``run`` loops, with maintenance once a minute."""

    factory: sessionmaker[Session]
    make_context: ContextFactory
    clock: Callable[[], datetime] = utcnow
    lease: timedelta = LEASE
    maintenance: Sequence[Periodic] = ()
    maintenance_every: timedelta = timedelta(minutes=1)
    #: Other work each round, e.g. the event consumers; each returns how much it did (0: idle).
    rounds: Sequence[Callable[[], int]] = ()
    poll_seconds: float = 1.0
    name: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    )
    _last_maintenance: datetime | None = field(default=None, init=False, repr=False)

    # The loop

    def run(self, stop: threading.Event) -> None:
        """Run jobs until ``stop`` is set; the job in hand is finished first."""
        logger.info("worker %s started", self.name)
        while not stop.is_set():
            self.maintain()
            try:
                handled = self.run_next()
            except exc.SQLAlchemyError:
                logger.exception("worker %s could not claim a job", self.name)
                handled = None
            if handled is None and not self.run_rounds():
                stop.wait(self.poll_seconds)
        logger.info("worker %s stopped", self.name)

    def drain(self) -> int:
        """Run every due job and round (until both are idle); returns how many jobs ran."""
        count = 0
        while True:
            if self.run_next() is not None:
                count += 1
            elif not self.run_rounds():
                return count

    def run_rounds(self) -> int:
        """Run each of ``rounds`` once; a database error is logged, the loop goes on."""
        done = 0
        for each in self.rounds:
            try:
                done += each()
            except exc.SQLAlchemyError:
                logger.exception("worker %s: %s failed", self.name, each)
        return done

    def maintain(self, *, force: bool = False) -> None:
        """Run the periodic tasks if a minute has passed (or ``force``), each in its own
        transaction; one failing does not stop the others."""
        now = self.clock()
        due = self._last_maintenance is None or now - self._last_maintenance >= (
            self.maintenance_every
        )
        if not (force or due):
            return
        self._last_maintenance = now
        for task in self.maintenance:
            try:
                with unit_of_work(self.factory) as db:
                    if not _take_pass(db, task.name):
                        logger.debug("maintenance task %s: running elsewhere", task.name)
                        continue
                    count = task.run(self.make_context(db, None))
            except Exception:
                logger.exception("maintenance task %s failed", task.name)
            else:
                if count:
                    logger.info("maintenance task %s: %d", task.name, count)

    # One job

    def run_next(self) -> int | None:
        """Claim one due job and run it; returns its id, or None when nothing is due."""
        claimed = self._claim()
        if claimed is None:
            return None
        if claimed.attempts > claimed.max_attempts:
            # Only a job whose worker stopped gets here: queued jobs stop being retried sooner.
            self._settle(claimed, JobStatus.failed, FAILED.format(attempts=claimed.max_attempts))
            return claimed.id
        self._run(claimed)
        return claimed.id

    def _claim(self) -> Claimed | None:
        now = self.clock()
        due = or_(
            and_(Job.status == JobStatus.queued, Job.run_after <= now),
            and_(Job.status == JobStatus.running, Job.locked_until < now),
        )
        next_job = (
            select(Job.id)
            .where(due)
            .order_by(Job.run_after, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        claim = (
            update(Job)
            .where(Job.id == next_job)
            .values(
                status=JobStatus.running,
                attempts=Job.attempts + 1,
                locked_by=self.name,
                locked_until=now + self.lease,
                started_at=now,
                progress_done=0,
                progress_total=None,
                message="Started.",
            )
            .returning(
                Job.id, Job.kind, Job.payload, Job.created_by_id, Job.attempts, Job.max_attempts
            )
            .execution_options(synchronize_session=False)
        )
        with unit_of_work(self.factory) as db:
            row = db.execute(claim).one_or_none()
        return Claimed(*row) if row else None

    def _run(self, claimed: Claimed) -> None:
        handler = _HANDLERS.get(claimed.kind)
        if handler is None:
            self._settle(claimed, JobStatus.failed, f"No handler for jobs of kind {claimed.kind}.")
            return
        try:
            with unit_of_work(self.factory) as db:
                actor = _load_actor(db, claimed.created_by_id)
                message = handler(self.make_context(db, actor), JobRun(self, claimed))
                self._finish(db, claimed, JobStatus.done, message or "Done.")
        except PERMANENT as refused:
            self._settle(claimed, JobStatus.failed, str(refused) or "This is not allowed.")
        except LostLease:
            logger.warning("job %s was taken over by another worker; dropped", claimed.id)
        except Exception as error:
            logger.exception("job %s (%s) failed", claimed.id, claimed.kind)
            self._retry_or_fail(claimed, error)

    def _finish(self, db: Session, claimed: Claimed, status: JobStatus, message: str) -> None:
        """Record the outcome in ``db``'s transaction, if the job is still ours."""
        now = self.clock()
        result = db.execute(
            update(Job)
            .where(
                Job.id == claimed.id,
                Job.status == JobStatus.running,
                Job.locked_by == self.name,
            )
            .values(
                status=status,
                message=message,
                finished_at=now,
                locked_by=None,
                locked_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise LostLease(claimed.id)

    def _settle(self, claimed: Claimed, status: JobStatus, message: str) -> None:
        try:
            with unit_of_work(self.factory) as db:
                self._finish(db, claimed, status, message)
        except LostLease:
            logger.warning("job %s was taken over by another worker", claimed.id)

    def _retry_or_fail(self, claimed: Claimed, error: Exception) -> None:
        now = self.clock()
        values: dict[str, Any] = {"last_error": f"{type(error).__name__}: {error}"[:4000]}
        if claimed.attempts >= claimed.max_attempts:
            values.update(
                status=JobStatus.failed,
                message=FAILED.format(attempts=claimed.attempts),
                finished_at=now,
            )
        else:
            again = now + backoff(claimed.attempts)
            values.update(
                status=JobStatus.queued,
                run_after=again,
                message=f"Attempt {claimed.attempts} of {claimed.max_attempts} failed; "
                f"it will be tried again at {again:%H:%M:%S} UTC.",
            )
        with unit_of_work(self.factory) as db:
            db.execute(
                update(Job)
                .where(Job.id == claimed.id, Job.locked_by == self.name)
                .values(locked_by=None, locked_until=None, **values)
                .execution_options(synchronize_session=False)
            )

    def write_progress(self, job_id: int, values: dict[str, Any]) -> None:
        values = {**values, "locked_until": self.clock() + self.lease}
        try:
            with unit_of_work(self.factory) as db, _without_waiting(db):
                db.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.locked_by == self.name)
                    .values(**values)
                    .execution_options(synchronize_session=False)
                )
        except exc.OperationalError:
            logger.debug("progress of job %s not written: the database is busy", job_id)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(f"concord:{name}".encode()).digest()[:8], signed=True)


def _take_pass(db: Session, name: str) -> bool:
    """Whether this worker may run the pass ``name`` now: on PostgreSQL, whether it got the
    pass's transaction-scoped advisory lock without waiting; elsewhere (one worker) always."""
    if db.get_bind().dialect.name != "postgresql":
        return True
    lock = text("SELECT pg_try_advisory_xact_lock(:key)")
    return bool(db.execute(lock, {"key": advisory_key(name)}).scalar_one())


def _load_actor(db: Session, user_id: int | None) -> User | None:
    """The job's user, read in a transaction that ends at once, so the handler's transaction
    begins with the handler's first statement. (On SQLite a transaction that has read cannot
    write once another connection, the progress writer say, has written since.)"""
    if user_id is None:
        return None
    actor = db.get(User, user_id)
    db.commit()
    return actor


@contextmanager
def _without_waiting(db: Session) -> Iterator[None]:
    """On SQLite, give up at once when another transaction writes (the job's own work, there
    being one writer), rather than wait for it: progress is best effort."""
    if db.get_bind().dialect.name != "sqlite":
        yield
        return
    previous = int(db.execute(text("PRAGMA busy_timeout")).scalar_one())
    db.execute(text("PRAGMA busy_timeout = 0"))
    try:
        yield
    finally:
        db.execute(text(f"PRAGMA busy_timeout = {previous}"))
