"""Mail out of requests: a service queues a row in its own transaction, a worker sends it.

:func:`queue_mail` writes a ``mail_outbox`` row beside the change that wants the mail, so a
change that rolls back mails nothing and a change that commits always mails. The worker's
:class:`OutboxSender` sends due rows through the configured :class:`~partners.mail.Mailer`
after that commit. Each row is taken ``FOR UPDATE SKIP LOCKED`` for its send and marked sent in
the same transaction, so several workers on PostgreSQL never send one row twice (a crash between
the SMTP answer and the commit can send it at most twice, never lose it). A refused or failed
send is retried with exponential backoff; after :data:`MAX_ATTEMPTS` the row stays ``failed``
with its last error for an operator (``concord mail retry`` puts it back in the queue).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, Index, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from partners.context import ServiceContext
from partners.db import Base, UTCDateTime, insert_rows, string_enum, unit_of_work, utcnow
from partners.mail import Mailer

logger = logging.getLogger(__name__)

#: Sends tried before a row is left ``failed`` (about a day of backoff in all).
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
#: Rows one round sends at most, so a big queue does not starve the worker's other work.
ROUND = 50


class MailStatus(StrEnum):
    queued = "queued"
    sent = "sent"
    failed = "failed"


class OutboxMail(Base):
    """One mail to send: to whom, what, and how its sending went."""

    __tablename__ = "mail_outbox"
    #: Workers look for queued rows whose next attempt is due.
    __table_args__ = (Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: Extra headers, e.g. ``List-Unsubscribe``; From, To and Subject come from the columns.
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(string_enum(MailStatus), default=MailStatus.queued)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: For operators: why the last attempt failed; never shown to users.
    last_error: Mapped[str] = mapped_column(Text, default="")


def queue_mail(
    ctx: ServiceContext,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
) -> OutboxMail:
    """Queue a mail in the caller's transaction: it is sent only if that transaction commits."""
    mail = OutboxMail(
        recipient=to,
        subject=subject,
        body=body,
        headers=headers or {},
        status=MailStatus.queued,
        queued_at=ctx.now(),
        next_attempt_at=ctx.now(),
    )
    ctx.db.add(mail)
    ctx.db.flush()
    return mail


def queue_rows(db: Session, mails: list[dict], now: datetime) -> None:
    """Queue many mails at once (``recipient``, ``subject``, ``body``, ``headers`` each) in the
    session's transaction: a consumer's or worker's batch, without a service context."""
    insert_rows(
        db,
        OutboxMail,
        [
            {
                **mail,
                "status": MailStatus.queued,
                "attempts": 0,
                "queued_at": now,
                "next_attempt_at": now,
                "sent_at": None,
                "last_error": "",
            }
            for mail in mails
        ],
    )


def backoff(attempt: int) -> timedelta:
    """How long a mail waits after its ``attempt``-th failed send."""
    return min(FIRST_BACKOFF * 2 ** (attempt - 1), MAX_BACKOFF)


def retry_failed(db: Session, now: datetime) -> int:
    """Put every ``failed`` mail back in the queue, due now (after an SMTP outage is fixed)."""
    result = db.execute(
        update(OutboxMail)
        .where(OutboxMail.status == MailStatus.failed)
        .values(status=MailStatus.queued, attempts=0, next_attempt_at=now)
    )
    return result.rowcount


@dataclass
class OutboxSender:
    """Sends due mail, one row per transaction; ``concord worker`` calls it each round."""

    factory: sessionmaker[Session]
    mailer: Mailer
    clock: Callable[[], datetime] = utcnow
    limit: int = ROUND

    def run_due(self) -> int:
        """Send up to ``limit`` due mails; returns how many were tried."""
        tried = 0
        while tried < self.limit and self.send_next():
            tried += 1
        return tried

    def drain(self) -> int:
        """Send everything due, however much (the tests' mailbox does)."""
        tried = 0
        while self.send_next():
            tried += 1
        return tried

    def send_next(self) -> bool:
        """Take one due row (skipping rows another worker holds), send it, record the outcome;
        False when nothing is due."""
        now = self.clock()
        with unit_of_work(self.factory, writer=True) as db:
            mail = db.scalars(
                select(OutboxMail)
                .where(OutboxMail.status == MailStatus.queued, OutboxMail.next_attempt_at <= now)
                .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).one_or_none()
            if mail is None:
                return False
            mail.attempts += 1
            try:
                self.mailer.send(mail.recipient, mail.subject, mail.body, headers=mail.headers)
            except Exception as error:
                logger.warning("mail %s to %s not sent: %s", mail.id, mail.recipient, error)
                mail.last_error = f"{type(error).__name__}: {error}"[:4000]
                if mail.attempts >= MAX_ATTEMPTS:
                    mail.status = MailStatus.failed
                else:
                    mail.next_attempt_at = now + backoff(mail.attempts)
            else:
                mail.status, mail.sent_at, mail.last_error = MailStatus.sent, now, ""
            return True
