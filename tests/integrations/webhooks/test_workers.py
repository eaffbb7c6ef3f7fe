"""Two workers on PostgreSQL share the deliveries: 1,000 messages, each sent exactly once."""

import threading
from collections import Counter

from sqlalchemy import delete, insert
from sqlalchemy.orm import sessionmaker

from integrations.webhooks.delivery import DeliveryRunner
from integrations.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from integrations.webhooks.signing import new_secret
from partners.db import make_engine, unit_of_work
from partners.mail import Mailer
from partners.models import Organization
from partners.roles import OrgKind

from .receiver import Receiver

COUNT = 1000


def test_two_workers_send_each_delivery_once(postgresql_engine):
    engine = make_engine(postgresql_engine.url.render_as_string(hide_password=False))
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with Receiver() as receiver:
        with unit_of_work(factory) as db:
            org = Organization(name="Hook receiver", slug="hook-receiver-w", kind=OrgKind.partner)
            db.add(org)
            db.flush()
            hook = WebhookEndpoint(
                organization_id=org.id, url=receiver.url, event_types=["*"], secret=new_secret()
            )
            db.add(hook)
            db.flush()
            db.execute(
                insert(WebhookDelivery),
                [
                    {
                        "endpoint_id": hook.id,
                        "message_id": f"msg_w{i}",
                        "event_type": "t",
                        "body": "{}",
                        "status": "pending",
                        "attempts": 0,
                    }
                    for i in range(COUNT)
                ],
            )
        try:
            runners = [
                DeliveryRunner(
                    factory, Mailer("log://", "c@x"), allowed_hosts=(f"127.0.0.1:{receiver.port}",)
                )
                for _ in range(2)
            ]
            threads = [threading.Thread(target=r.drain) for r in runners]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seen = Counter(
                {k.lower(): v for k, v in h.items()}["webhook-id"] for h, _ in receiver.received
            )
            assert len(seen) == COUNT
            assert set(seen.values()) == {1}
        finally:
            with unit_of_work(factory) as db:
                ids = [
                    d
                    for d in db.scalars(
                        WebhookDelivery.__table__.select()
                        .with_only_columns(WebhookDelivery.id)
                        .where(WebhookDelivery.endpoint_id == hook.id)
                    )
                ]
                db.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
                db.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == hook.id))
                db.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == hook.id))
                db.execute(delete(Organization).where(Organization.id == org.id))
            engine.dispose()
