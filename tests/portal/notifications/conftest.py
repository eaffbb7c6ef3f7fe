"""A vendor, its partner and their people on a case; the consumer and mailer as the worker runs
them, in the test's transaction."""

from datetime import datetime

import pytest
from sqlalchemy import select

from partners.events import Event
from partners.roles import OrgKind, Role, Tier
from portal.notifications.consumer import notify
from portal.notifications.mailing import NotificationMailer
from portal.notifications.rules import RULES

from factories import create_org, create_partnership, create_team, create_user


@pytest.fixture
def people(db):
    vendor = create_org(db, OrgKind.vendor, "Acme Networks")
    partner = create_org(db, OrgKind.partner, "Bluebird Solutions")
    create_partnership(db, vendor, partner, tier=Tier.gold)
    support = create_user(db, vendor, Role.member, "support@acme.example")
    return {
        "vendor": vendor,
        "partner": partner,
        "manager": create_user(db, vendor, Role.manager, "channel@acme.example"),
        "support": support,
        "team": create_team(db, vendor, (support,)),
        "bea": create_user(db, partner, Role.member, "bea@bluebird.example"),
        "ben": create_user(db, partner, Role.manager, "ben@bluebird.example"),
    }


@pytest.fixture
def run_consumer(db):
    """Hand the notifications consumer every event it reads (it tells nobody twice)."""

    def run() -> None:
        notify(db, db.scalars(select(Event).where(Event.type.in_(RULES)).order_by(Event.id)).all())

    return run


@pytest.fixture
def run_mailer(app, session_factory):
    """The worker's notification mailer at a time: it queues the mails in the outbox."""
    secret = app.extensions["concord.settings"].secret_key

    def run(at: datetime) -> int:
        mailer = NotificationMailer(session_factory, "http://portal.test", secret, lambda: at)
        return mailer.run_due()

    return run
