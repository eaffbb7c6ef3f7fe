"""The `concord` command: a Flask CLI group with the admin and operations commands."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from datetime import UTC, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, get_debug_flag, run_command, with_appcontext
from sqlalchemy import select
from werkzeug.serving import is_running_from_reloader

from app import create_app, demo
from app.worker import start_in_process, worker_for
from documents import queries as document_queries
from documents.storage import sweep, verify_all
from integrations.edi.cli import edi
from integrations.edi_exchange import folder
from integrations.edi_exchange.queries import stored_blobs
from migrations import runner
from partners import api_tokens, consumers, onboarding, outbox, people
from partners.auth import find_user_by_email
from partners.context import ServiceContext, ServiceError
from partners.db import unit_of_work, utcnow
from partners.roles import OrgKind, Role, Tier
from portal.deals import service as deal_service
from portal.leads import imports as lead_imports
from portal.leads import service as lead_service


def _database():
    return current_app.extensions["concord.db"]


def _context(db) -> ServiceContext:
    settings = current_app.extensions["concord.settings"]
    return ServiceContext(
        db=db,
        actor=None,
        mailer=current_app.extensions["concord.mailer"],
        base_url=settings.base_url,
        ip="cli",
        storage=current_app.extensions["concord.storage"],
    )


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def main() -> None:
    """Concord: the partner relationship portal."""


@main.group()
def db() -> None:
    """Database schema migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    runner.upgrade(_database().engine, revision)
    click.echo(f"Database is at {revision}.", err=True)


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    runner.revision(_database().engine, message)


@main.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no organizations.")
def seed_demo(if_empty: bool) -> None:
    """Load demo organizations and users, and print their logins."""
    with unit_of_work(_database().factory) as session:
        if if_empty and not demo.is_empty(session):
            click.echo("The database already has data; no demo data loaded.")
            logins = demo.existing_logins(session)
        else:
            logins = demo.seed(
                session,
                current_app.extensions["concord.mailer"],
                current_app.extensions["concord.storage"],
            )
            click.echo(f"Loaded demo data: {len(logins)} users.")
    if logins:
        click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for login in logins:
            click.echo("  " + login.describe())


@main.group()
def org() -> None:
    """Organizations."""


@org.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), required=True)
@click.option(
    "--vendor", "vendor_slug", help="Slug of the vendor (or distributor) to partner with."
)
@click.option("--tier", type=click.Choice([t.value for t in Tier]), default=Tier.registered.value)
@click.option("--region", default="")
@click.option("--timezone", default="UTC")
def org_create(
    name: str, kind: str, vendor_slug: str | None, tier: str, region: str, timezone: str
) -> None:
    """Create an organization and print its slug."""
    with unit_of_work(_database().factory) as session:
        ctx = _context(session)
        try:
            parent = None
            if vendor_slug:
                parent = onboarding.organization_by_slug(session, vendor_slug)
                if parent is None:
                    _fail(f"no organization with slug {vendor_slug!r}")
            organization = onboarding.create_organization(ctx, name, OrgKind(kind))
            if parent is not None:
                onboarding.link(
                    ctx, parent, organization, tier=Tier(tier), region=region, timezone=timezone
                )
        except ServiceError as error:
            _fail(str(error))
        slug = organization.slug
    click.echo(slug)


@main.group()
def user() -> None:
    """Users."""


@user.command("create")
@click.argument("email")
@click.option("--org", "org_slug", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.member.value)
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
def user_create(email: str, org_slug: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an active user; the password is read from stdin."""
    password = sys.stdin.readline().rstrip("\r\n")
    with unit_of_work(_database().factory) as session:
        organization = onboarding.organization_by_slug(session, org_slug)
        if organization is None:
            _fail(f"no organization with slug {org_slug!r}")
        try:
            created = people.create_user(
                _context(session),
                organization,
                email=email,
                role=Role(role),
                password=password,
                name=name,
            )
        except ServiceError as error:
            _fail(str(error))
        click.echo(created.email)


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.argument("email")
@click.option("--name", default="cli")
def token_create(email: str, name: str) -> None:
    """Create an API token for a user and print it (shown once)."""
    with unit_of_work(_database().factory) as session:
        owner = find_user_by_email(session, email)
        if owner is None or not owner.is_active:
            _fail(f"no active user {email!r}")
        raw = api_tokens.create_token(_context(session), owner, name)
    click.echo(raw)


@edi.command("folder")
@click.argument("root", type=click.Path(file_okay=False, path_type=Path))
@click.option("--watch", type=float, default=0, help="Repeat every N seconds until stopped.")
@click.option("--settle", type=float, default=2.0, help="Seconds a file must be unchanged.")
@with_appcontext
def edi_folder(root: Path, watch: float, settle: float) -> None:
    """Exchange files with drop-folder partners: ingest <ROOT>/<slug>/in, deliver to out."""
    while True:
        run = folder.exchange(root, _database().factory, _context, settle_seconds=settle)
        for path in run.ingested + run.failed + run.delivered:
            click.echo(path)
        if not watch:
            break
        time.sleep(watch)


main.add_command(edi)


@main.group()
def leads() -> None:
    """Lead lifecycle jobs."""


@leads.command("expire")
def leads_expire() -> None:
    """Send back every claimed lead whose acceptance deadline has passed (run it every minute)."""
    with unit_of_work(_database().factory) as session:
        ctx = _context(session)
        ctx.clock = current_app.extensions["concord.clock"]
        returned = lead_service.expire_claims(ctx)
    click.echo(f"{returned} claim(s) expired.", err=True)


@main.group()
def deals() -> None:
    """Deal registration jobs."""


@deals.command("expire")
def deals_expire() -> None:
    """End every approved registration whose protection ran out (run it every hour or so)."""
    with unit_of_work(_database().factory) as session:
        ctx = _context(session)
        ctx.clock = current_app.extensions["concord.clock"]
        lapsed = deal_service.expire_protections(ctx)
    click.echo(f"{lapsed} protection(s) lapsed.", err=True)


@main.command("worker")
@click.option("--once", is_flag=True, help="Run the due jobs and maintenance once, then exit.")
@click.option("--poll", type=float, default=1.0, show_default=True, help="Seconds between looks.")
def worker(once: bool, poll: float) -> None:
    """Run background jobs (lead imports) and, once a minute, expire lapsed claims and shares.

    Start as many as you like on PostgreSQL; on SQLite run one. SIGTERM or Ctrl-C stops it
    after the job in hand.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    runner = worker_for(current_app._get_current_object(), poll_seconds=poll)
    if once:
        runner.maintain(force=True)
        click.echo(f"{runner.drain()} job(s) run.", err=True)
        return
    stop = threading.Event()

    def _stop(_signal: int, _frame: object) -> None:
        click.echo("Stopping after the job in hand.", err=True)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner.run(stop)


@main.group()
def events() -> None:
    """The event consumers: where each is in the outbox, replay, pause."""


@events.command("status")
def events_status() -> None:
    """Each consumer's position, backlog and failures."""
    with unit_of_work(_database().factory) as session:
        for row in session.scalars(select(consumers.EventConsumer).order_by("name")):
            state = "paused" if row.paused else "running"
            if row.failing_since:
                state = f"failing since {row.failing_since:%Y-%m-%d %H:%M} ({row.attempts}x)"
            behind = consumers.backlog(session, row)
            click.echo(f"{row.name}: at event {row.position}, {behind} behind, {state}")
            if row.last_error:
                click.echo(f"  last error: {row.last_error}")


@events.command("replay")
@click.argument("name")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    required=True,
    help="UTC, e.g. 2026-12-01T00:00",
)
def events_replay(name: str, since) -> None:
    """Run a consumer again from the events at or after SINCE (its next batch starts there)."""
    with unit_of_work(_database().factory, writer=True) as session:
        row = consumers.replay(session, name, since.replace(tzinfo=UTC))
    click.echo(f"{name} starts again after event {row.position}.", err=True)


@events.command("pause")
@click.argument("name")
@click.option("--resume", is_flag=True, help="Resume instead.")
def events_pause(name: str, resume: bool) -> None:
    """Pause a consumer (events wait for it), or resume it with --resume."""
    with unit_of_work(_database().factory, writer=True) as session:
        if not consumers.set_paused(session, name, not resume):
            _fail(f"No consumer named {name} has run yet.")
    click.echo(f"{name} {'resumed' if resume else 'paused'}.", err=True)


@main.group()
def mail() -> None:
    """The mail outbox the worker sends."""


@mail.command("retry")
def mail_retry() -> None:
    """Queue every mail that failed all its attempts again, due now (after an SMTP outage)."""
    with unit_of_work(_database().factory, writer=True) as session:
        count = outbox.retry_failed(session, current_app.extensions["concord.clock"]())
    click.echo(f"{count} mail(s) queued again.", err=True)


@main.command("run", params=list(run_command.params), help=run_command.help, with_appcontext=False)
def run(**options) -> None:
    """Flask's ``run``, plus a worker thread when CONCORD_RUN_JOBS_IN_PROCESS is on (by default
    in development), started in the process that serves (the reloader's child, if reloading)."""
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    reload = get_debug_flag() if options["reload"] is None else options["reload"]
    serving = not reload or is_running_from_reloader()
    if app.extensions["concord.settings"].run_jobs_in_process and serving:
        start_in_process(app)
    run_command.callback(**options)


@main.group()
def storage() -> None:
    """Document storage maintenance."""


def _referenced_blobs() -> set[str]:
    with unit_of_work(_database().factory) as session:
        documents = document_queries.stored_blobs(session)
        return stored_blobs(session) | lead_imports.stored_blobs(session, utcnow()) | documents


@storage.command("sweep")
@click.option("--grace-hours", type=float, default=24.0, show_default=True)
def storage_sweep(grace_hours: float) -> None:
    """Remove stored objects no row references (older than the grace period)."""
    removed = sweep(
        current_app.extensions["concord.storage"], _referenced_blobs(), timedelta(hours=grace_hours)
    )
    for key in removed:
        click.echo(f"removed {key}")
    click.echo(f"{len(removed)} object(s) removed.", err=True)


@storage.command("verify")
def storage_verify() -> None:
    """Re-hash every referenced object; exit 1 if any is missing or corrupt."""
    mismatches = verify_all(current_app.extensions["concord.storage"], sorted(_referenced_blobs()))
    for mismatch in mismatches:
        click.echo(f"{mismatch.problem}: {mismatch.key}")
    click.echo(f"{len(mismatches)} problem(s).", err=True)
    if mismatches:
        sys.exit(1)
