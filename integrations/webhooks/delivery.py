"""Sending deliveries: a worker round (``app/worker.py``).

A round claims due deliveries in one short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several workers never take the same one), marking each ``sending`` with a lease
and counting the attempt; it then sends each, outside any transaction, and records the attempt
in another. A worker that dies mid-send leaves a lease that runs out: the next worker tries
again as a new attempt (so an attempt is never sent twice, and a delivery is never lost).

Retries follow ``SCHEDULE`` (about a day in all) with ±20 % jitter; 2xx is delivered; 410
disables the endpoint; an endpoint whose attempts have failed for ``DISABLE_AFTER`` is disabled
and its admins are mailed.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from integrations.webhooks import signing
from integrations.webhooks.models import (
    DeliveryStatus,
    EndpointState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from integrations.webhooks.ssrf import Guard, RefusedURL
from partners.db import unit_of_work, utcnow
from partners.mail import Mailer
from partners.models import User
from partners.roles import Role, UserStatus

logger = logging.getLogger(__name__)

#: The wait after each failed attempt; after the last the delivery has failed (~27 h in all).
SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
JITTER = 0.2
LEASE = timedelta(minutes=2)
DISABLE_AFTER = timedelta(days=5)
BATCH = 50


def retry_delay(attempt: int) -> timedelta | None:
    """The wait after the ``attempt``-th failure, jittered; None when there is no retry left."""
    if attempt > len(SCHEDULE):
        return None
    return SCHEDULE[attempt - 1] * (1 + random.uniform(-JITTER, JITTER))


def secrets_in_use(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secret, and during a rotation's grace period the previous one too."""
    found = [endpoint.secret]
    if endpoint.previous_secret and (endpoint.previous_secret_until or now) > now:
        found.append(endpoint.previous_secret)
    return found


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    attempt: int
    url: str
    body: str
    headers: dict


@dataclass
class DeliveryRunner:
    factory: sessionmaker[Session]
    mailer: Mailer
    allowed_hosts: Collection[str] = ()
    clock: Callable[[], datetime] = utcnow
    batch_size: int = BATCH
    _guard: Guard | None = field(default=None, init=False, repr=False)

    @property
    def guard(self) -> Guard:
        if self._guard is None:
            self._guard = Guard(self.allowed_hosts)
        return self._guard

    def run_due(self) -> int:
        """Claim a batch of due deliveries and send them; returns how many were tried."""
        claimed = self.claim()
        for each in claimed:
            self.send(each)
        return len(claimed)

    def drain(self) -> int:
        total = 0
        while sent := self.run_due():
            total += sent
        return total

    def claim(self) -> list[Claimed]:
        now = self.clock()
        due = or_(
            and_(
                WebhookDelivery.status == DeliveryStatus.pending,
                WebhookDelivery.next_attempt_at <= now,
            ),
            and_(
                WebhookDelivery.status == DeliveryStatus.sending,
                WebhookDelivery.lease_until <= now,
            ),
        )
        with unit_of_work(self.factory, writer=True) as db:
            rows = db.scalars(
                select(WebhookDelivery)
                .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                .where(due, WebhookEndpoint.state == EndpointState.active)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True, of=WebhookDelivery)
            ).all()
            claimed = []
            for row in rows:
                row.status, row.lease_until = DeliveryStatus.sending, now + LEASE
                row.attempts += 1
                endpoint = db.get(WebhookEndpoint, row.endpoint_id)
                headers = signing.headers(
                    secrets_in_use(endpoint, now), row.message_id, now, row.body
                )
                claimed.append(Claimed(row.id, row.attempts, endpoint.url, row.body, headers))
        return claimed

    def send(self, claimed: Claimed) -> None:
        started = time.perf_counter()
        status_code, excerpt, error = None, "", ""
        try:
            status_code, excerpt = self.guard.post(claimed.url, claimed.body, claimed.headers)
        except RefusedURL as refused:
            error = str(refused)
        except Exception as failure:  # a timeout, a refused connection, TLS: the receiver's
            error = f"{type(failure).__name__}: {failure}"[:1000]
        latency = int((time.perf_counter() - started) * 1000)
        self.record(claimed, status_code, latency, excerpt, error)

    def record(
        self, claimed: Claimed, status_code: int | None, latency: int, excerpt: str, error: str
    ) -> None:
        now = self.clock()
        with unit_of_work(self.factory, writer=True) as db:
            delivery = db.get(WebhookDelivery, claimed.delivery_id, with_for_update=True)
            if delivery is None or delivery.attempts != claimed.attempt:
                return  # our lease ran out and another worker took it over
            db.add(
                WebhookAttempt(
                    delivery_id=delivery.id,
                    at=now,
                    status_code=status_code,
                    latency_ms=latency,
                    response_excerpt=excerpt,
                    error=error,
                )
            )
            endpoint = db.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
            delivery.lease_until = None
            if status_code is not None and 200 <= status_code < 300:
                delivery.status, delivery.delivered_at = DeliveryStatus.delivered, now
                endpoint.failing_since = None
                return
            wait = retry_delay(delivery.attempts)
            if wait is None:
                delivery.status = DeliveryStatus.failed
            else:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.pending, now + wait
            endpoint.failing_since = endpoint.failing_since or now
            if status_code == 410:
                delivery.status = DeliveryStatus.failed
                self.disable(db, endpoint, "The receiver answered 410 Gone.")
            elif now - endpoint.failing_since >= DISABLE_AFTER:
                self.disable(db, endpoint, "Every attempt failed for 5 days.")

    def disable(self, db: Session, endpoint: WebhookEndpoint, reason: str) -> None:
        if endpoint.state == EndpointState.disabled:
            return
        endpoint.state, endpoint.disabled_reason = EndpointState.disabled, reason
        admins = db.scalars(
            select(User.email).where(
                User.organization_id == endpoint.organization_id,
                User.role == Role.admin,
                User.status == UserStatus.active,
            )
        ).all()
        for email in admins:
            try:
                self.mailer.send(
                    email,
                    "A webhook endpoint was disabled",
                    f"Concord stopped sending webhooks to {endpoint.url}: {reason}\n"
                    "Fix the receiver, then resume the endpoint on its page.",
                )
            except Exception:  # the endpoint stays disabled; the page says why
                logger.exception("could not mail %s about webhook endpoint %s", email, endpoint.id)
