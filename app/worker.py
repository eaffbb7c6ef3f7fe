"""The worker as the app configures it: ``concord worker``, and in development a thread of
``concord run`` (``CONCORD_RUN_JOBS_IN_PROCESS``), so imports finish without a second process."""

from __future__ import annotations

import logging
import threading

from flask import Flask
from sqlalchemy.orm import Session

import app.areas  # noqa: F401 - the areas (kinds, job handlers), the list create_app wires
from integrations.webhooks.delivery import DeliveryRunner
from partners.consumers import ConsumerRunner
from partners.context import ServiceContext
from partners.jobs import Periodic, Worker
from partners.models import User
from partners.outbox import OutboxSender
from partners.sharing.grants import prune_pool_grants
from partners.sharing.shares import expire_shares
from portal.cases.service import escalate_cases
from portal.deals.service import expire_protections
from portal.leads.imports import sweep_abandoned_staging
from portal.leads.service import expire_claims
from portal.notifications.mailing import NotificationMailer

logger = logging.getLogger(__name__)

#: What the worker loop runs once a minute besides jobs.
MAINTENANCE = (
    Periodic("leads.expire_claims", expire_claims),
    Periodic("sharing.expire_shares", expire_shares),
    Periodic("deals.expire_protections", expire_protections),
    Periodic("sharing.prune_pool_grants", prune_pool_grants),
    Periodic("cases.escalate", escalate_cases),
    Periodic("leads.sweep_import_staging", sweep_abandoned_staging),
)


def worker_for(app: Flask, **options) -> Worker:
    """A worker using the app's database, storage, mailer and clock."""
    settings = app.extensions["concord.settings"]
    clock = app.extensions["concord.clock"]

    def make_context(db: Session, actor: User | None) -> ServiceContext:
        return ServiceContext(
            db=db,
            actor=actor,
            mailer=app.extensions["concord.mailer"],
            base_url=settings.base_url,
            ip="worker",
            clock=clock,
            storage=app.extensions["concord.storage"],
        )

    factory = app.extensions["concord.db"].factory
    return Worker(
        factory,
        make_context,
        clock=clock,
        maintenance=MAINTENANCE,
        rounds=(
            ConsumerRunner(factory, clock=clock).run_due,
            DeliveryRunner(
                factory,
                app.extensions["concord.mailer"],
                allowed_hosts=settings.webhook_allowed_hosts,
                clock=clock,
            ).run_due,
            NotificationMailer(factory, settings.base_url, settings.secret_key, clock).run_due,
            OutboxSender(factory, app.extensions["concord.mailer"], clock=clock).run_due,
        ),
        **options,
    )


def start_in_process(app: Flask) -> threading.Event:
    """Run a worker in a daemon thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    worker = worker_for(app)
    threading.Thread(target=worker.run, args=(stop,), name="concord-worker", daemon=True).start()
    logger.info("jobs run in this process (CONCORD_RUN_JOBS_IN_PROCESS)")
    return stop
