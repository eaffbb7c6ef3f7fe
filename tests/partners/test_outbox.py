"""Mail leaves through the outbox: queued with the change, sent by the worker after commit,
retried when SMTP fails, never lost and never sent twice."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from partners.mail import Mailer
from partners.outbox import MailStatus, OutboxMail, OutboxSender, queue_mail

from factories import context
from support.smtp import free_port

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _sender(session_factory, port: int, at: datetime) -> OutboxSender:
    return OutboxSender(
        session_factory, Mailer(f"smtp://127.0.0.1:{port}", "portal@concord.test"), clock=lambda: at
    )


def test_mail_queued_with_a_change_that_rolls_back_is_never_sent(db, smtp, session_factory):
    ctx = context(db)
    savepoint = db.begin_nested()
    queue_mail(ctx, "ann@alpha.example", "Hello", "Body")
    savepoint.rollback()
    controller, box = smtp
    box.received.clear()
    assert _sender(session_factory, controller.port, NOW).run_due() == 0
    assert box.received == []


def test_a_failing_smtp_server_delays_the_mail_and_loses_nothing(db, smtp, session_factory):
    ctx = context(db)
    ctx.clock = lambda: NOW
    queue_mail(
        ctx, "ann@alpha.example", "Your lead", "Body", headers={"List-Unsubscribe": "<https://u>"}
    )
    db.commit()
    down = _sender(session_factory, free_port(), NOW)  # nothing listens there
    assert down.run_due() == 1
    mail = db.scalars(select(OutboxMail)).one()
    db.refresh(mail)
    assert (mail.status, mail.attempts, mail.sent_at) == (MailStatus.queued, 1, None)
    assert mail.last_error.startswith("ConnectionRefusedError")
    assert mail.next_attempt_at == NOW + timedelta(minutes=1)
    assert down.run_due() == 0  # not due yet: the backoff holds

    controller, box = smtp
    box.received.clear()
    later = NOW + timedelta(minutes=2)
    up = _sender(session_factory, controller.port, later)
    assert up.run_due() == 1
    assert up.run_due() == 0  # sent once, never again
    [received] = box.received
    assert received["To"] == "ann@alpha.example"
    assert received["List-Unsubscribe"] == "<https://u>"
    db.refresh(mail)
    assert (mail.status, mail.attempts, mail.sent_at) == (MailStatus.sent, 2, later)
