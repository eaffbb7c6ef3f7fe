"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

Migrations build each schema once per session (so they are tested too); each test then runs in
an outer transaction that is rolled back at the end (SQLAlchemy's "joining a session into an
external transaction" recipe), so the app's own commits become savepoints.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from config.settings import Settings, load_settings
from migrations import runner
from partners.db import make_engine
from partners.mail import Mailer
from partners.outbox import OutboxSender

from support.browser_client import PortalClient
from support.postgres import postgres_server, scratch_database
from support.smtp import Mailbox, start_smtp_server

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with (
        postgres_server() as server,
        scratch_database(server, f"concord_test_{os.getpid()}") as url,
    ):
        yield url


@pytest.fixture(scope="session")
def smtp():
    controller, mailbox = start_smtp_server()
    yield controller, mailbox
    controller.stop()


#: The test mailbox sends every queued mail at once, whatever time the test's clock says.
EVERYTHING_DUE = datetime(9999, 1, 1, tzinfo=UTC)


@pytest.fixture
def mailbox(smtp, request) -> Iterator[Mailbox]:
    """What the real SMTP server received. Services only queue mail (``partners.outbox``): each
    read first sends what the outbox holds, as the worker does after commit, through SMTP."""
    controller, box = smtp
    box.received.clear()
    if "live_app" in request.fixturenames:
        factory = request.getfixturevalue("live_app").extensions["concord.db"].factory
    else:
        factory = request.getfixturevalue("session_factory")
    mailer = Mailer(f"smtp://127.0.0.1:{controller.port}", Settings.mail_sender)
    box.before_read = OutboxSender(factory, mailer, clock=lambda: EVERYTHING_DUE).drain
    yield box
    box.before_read = None


@pytest.fixture(params=BACKENDS)
def fresh_database_url(request, tmp_path) -> Iterator[str]:
    """An empty database of its own (not the shared, migrated one), on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    server = request.getfixturevalue("postgres_url").rsplit("/", 1)[0].replace("+psycopg", "")
    with scratch_database(server + "/postgres", f"concord_fresh_{os.getpid()}") as url:
        yield url


def _migrated_engine(url: str):
    engine = make_engine(url)
    runner.upgrade(engine)
    return engine


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory):
    engine = _migrated_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'concord.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine(postgres_url):
    engine = _migrated_engine(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request):
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture
def connection(engine):
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(session_factory) -> Iterator[Session]:
    """A session for arranging and asserting, inside the test's outer transaction."""
    session = session_factory()
    yield session
    session.close()


class Clock:
    """A clock tests can move; the app reads time only through it."""

    def __init__(self) -> None:
        self.frozen: datetime | None = None

    def __call__(self) -> datetime:
        return self.frozen or datetime.now(UTC)

    def set(self, when: datetime) -> None:
        self.frozen = when


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_settings(tmp_path, smtp_port: int, database_url: str, **env: str):
    return load_settings(
        {
            "CONCORD_ENV": "testing",
            "CONCORD_INSTANCE_PATH": str(tmp_path / "instance"),
            "CONCORD_SECRET_KEY": "test-secret-key-not-for-production",
            "CONCORD_DATABASE_URL": database_url,
            "CONCORD_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            **env,
        }
    )


@pytest.fixture
def app(tmp_path, smtp, engine, session_factory, clock):
    controller, _mailbox = smtp
    settings = make_settings(
        tmp_path, controller.port, str(engine.url.render_as_string(hide_password=False))
    )
    application = create_app(settings, testing=True, clock=clock)
    application.extensions["concord.db"].factory = session_factory
    return application


@pytest.fixture
def client(app) -> PortalClient:
    return PortalClient(app)


@pytest.fixture
def other_client(app) -> PortalClient:
    """A second browser (its own cookies)."""
    return PortalClient(app)
