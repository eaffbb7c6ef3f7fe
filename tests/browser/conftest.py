"""Browser tests: the portal on a real port with its own migrated database, and Chromium."""

from __future__ import annotations

import os
import re

import pytest

from app import create_app
from app.demo import seed
from migrations import runner
from partners.db import make_engine
from partners.mail import Mailer

from conftest import make_settings
from support.chromium import chromium
from support.live_server import live_server


@pytest.fixture(scope="session")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def live_app(tmp_path, smtp, fresh_database_url):
    settings = make_settings(tmp_path, smtp[0].port, fresh_database_url)
    engine = make_engine(fresh_database_url)
    runner.upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    yield app
    app.extensions["concord.db"].engine.dispose()


@pytest.fixture
def base_url(live_app):
    with live_server(live_app) as url:
        yield url


@pytest.fixture
def shots(tmp_path, request):
    """Save a screenshot under the test's tmp dir (and CONCORD_SCREENSHOTS, if set, to look at)."""
    keep = os.environ.get("CONCORD_SCREENSHOTS")

    def take(page, name: str) -> None:
        label = re.sub(r"\W+", "-", request.node.name)
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        if keep:
            os.makedirs(keep, exist_ok=True)
            page.screenshot(path=os.path.join(keep, f"{label}-{name}.png"), full_page=True)

    return take


@pytest.fixture
def demo(live_app):
    """The demo companies, people and EDI orders of `make run` (password: DEMO_PASSWORD)."""
    with live_app.extensions["concord.db"].factory() as session:
        seed(
            session, Mailer("log://", "demo@concord.local"), live_app.extensions["concord.storage"]
        )
        session.commit()
