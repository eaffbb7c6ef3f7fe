"""Deliveries to a real loopback receiver: signed the Standard Webhooks way (checked by the
``standardwebhooks`` and ``svix`` verifiers), retried on schedule with the controlled clock,
every attempt logged; 410 disables the endpoint; five days of failures disable it and mail its
admins; the SSRF guard refuses private addresses at registration and at delivery."""

from datetime import UTC, datetime, timedelta

import pytest
import standardwebhooks
import svix.webhooks
from sqlalchemy import select

from integrations.webhooks import delivery as delivery_module
from integrations.webhooks.consumer import new_message_id
from integrations.webhooks.delivery import SCHEDULE, DeliveryRunner
from integrations.webhooks.models import (
    DeliveryStatus,
    EndpointState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from integrations.webhooks.signing import new_secret
from integrations.webhooks.ssrf import RESPONSE_CAP, RefusedURL, check_url
from partners.mail import Mailer
from partners.roles import OrgKind, Role

from .receiver import Receiver
from factories import create_org, create_user
from support.clock import T0, HandClock


@pytest.fixture
def no_jitter(monkeypatch):
    monkeypatch.setattr(delivery_module, "JITTER", 0.0)


def endpoint_with_delivery(db, url, **endpoint_values):
    org = create_org(db, OrgKind.partner)
    endpoint = WebhookEndpoint(
        organization_id=org.id, url=url, event_types=["*"], secret=new_secret(), **endpoint_values
    )
    db.add(endpoint)
    db.flush()
    row = WebhookDelivery(
        endpoint_id=endpoint.id,
        message_id=new_message_id(),
        event_type="lead.published",
        body='{"type":"lead.published","timestamp":"2026-12-01T09:00:00+00:00","data":{}}',
        next_attempt_at=T0,
    )
    db.add(row)
    db.commit()
    return org, endpoint, row


def runner(session_factory, clock, receiver=None, smtp_port=None):
    mailer = Mailer(f"smtp://127.0.0.1:{smtp_port}" if smtp_port else "log://", "c@concord.local")
    allowed = (f"127.0.0.1:{receiver.port}",) if receiver else ()
    return DeliveryRunner(session_factory, mailer, allowed_hosts=allowed, clock=clock)


def test_retries_on_schedule_then_delivers_signed(db, session_factory, no_jitter):
    clock = HandClock()
    with Receiver([500, 503]) as receiver:
        _org, _endpoint, row = endpoint_with_delivery(db, receiver.url)
        work = runner(session_factory, clock, receiver)
        assert work.run_due() == 1
        clock.now += SCHEDULE[0] - timedelta(seconds=1)
        assert work.run_due() == 0  # not due yet
        clock.now += timedelta(seconds=1)
        assert work.run_due() == 1
        clock.now += SCHEDULE[1]
        assert work.run_due() == 1
        assert work.run_due() == 0
    db.expire_all()
    assert db.get(WebhookDelivery, row.id).status == DeliveryStatus.delivered
    attempts = db.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == row.id)
        .order_by(WebhookAttempt.id)
    ).all()
    assert [a.status_code for a in attempts] == [500, 503, 200]
    assert [a.at for a in attempts] == [T0, T0 + SCHEDULE[0], T0 + SCHEDULE[0] + SCHEDULE[1]]
    assert all(len(a.response_excerpt) <= RESPONSE_CAP for a in attempts)
    assert attempts[0].response_excerpt.startswith("answer 500")
    assert len(receiver.received) == 3
    ids = {{k.lower(): v for k, v in h.items()}["webhook-id"] for h, _body in receiver.received}
    assert ids == {row.message_id}  # the same webhook-id on every attempt


def test_signatures_verify_now_with_both_libraries_and_both_secrets_during_rotation(
    db, session_factory
):
    clock = HandClock()
    clock.now = datetime.now(UTC)  # the verifiers check the timestamp against the real time
    old = new_secret()
    with Receiver() as receiver:
        _org, endpoint, _row = endpoint_with_delivery(
            db,
            receiver.url,
            previous_secret=old,
            previous_secret_until=clock.now + timedelta(hours=1),
        )
        runner(session_factory, clock, receiver).run_due()
    headers, body = receiver.received[-1]
    headers = {k.lower(): v for k, v in headers.items()}
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint.secret, old):
        assert standardwebhooks.Webhook(secret).verify(body, headers) is not None
        svix.webhooks.Webhook(secret).verify(
            body,
            {
                "svix-id": headers["webhook-id"],
                "svix-timestamp": headers["webhook-timestamp"],
                "svix-signature": headers["webhook-signature"],
            },
        )


def test_410_disables_the_endpoint(db, session_factory):
    with Receiver([410]) as receiver:
        _org, endpoint, row = endpoint_with_delivery(db, receiver.url)
        runner(session_factory, HandClock(), receiver).run_due()
    db.expire_all()
    assert db.get(WebhookEndpoint, endpoint.id).state == EndpointState.disabled
    assert db.get(WebhookDelivery, row.id).status == DeliveryStatus.failed


def test_failing_for_five_days_disables_and_mails_admins(db, session_factory, smtp, mailbox):
    clock = HandClock()
    with Receiver([500] * 10) as receiver:
        org, endpoint, _row = endpoint_with_delivery(
            db, receiver.url, failing_since=T0 - timedelta(days=5)
        )
        admin = create_user(db, org, Role.admin)
        db.commit()
        runner(session_factory, clock, receiver, smtp_port=smtp[0].port).run_due()
    db.expire_all()
    assert db.get(WebhookEndpoint, endpoint.id).state == EndpointState.disabled
    assert [m["To"] for m in mailbox.messages] == [admin.email]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/hook",
        "https://100.64.0.1/hook",
        "https://localhost/hook",  # a name that resolves to loopback
        "http://example.com/hook",  # plain http outside the allow-list
    ],
)
def test_ssrf_refused_at_registration(url):
    with pytest.raises(RefusedURL):
        check_url(url, allowed=())


def test_ssrf_refused_at_delivery(db, session_factory):
    """A URL that became private after registration (DNS changed) is never called."""
    _org, _endpoint, row = endpoint_with_delivery(db, "https://localhost:9/hook")
    runner(session_factory, HandClock()).run_due()
    attempt = db.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == row.id)).one()
    assert attempt.status_code is None and "private or reserved" in attempt.error
