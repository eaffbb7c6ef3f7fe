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
from partners.roles import OrgKind, Role, Tier

from conftest import make_settings
from factories import create_org, create_partnership, create_user
from support.browser_client import TEST_PASSWORD
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


@pytest.fixture
def sign_in(base_url):
    """Sign a page in through the login form: ``sign_in(page, email)`` for the users tests
    create, ``sign_in(page, email, DEMO_PASSWORD)`` for the demo's people."""

    def sign_in(page, email: str, password: str = TEST_PASSWORD):
        page.goto(f"{base_url}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        return page

    return sign_in


@pytest.fixture
def acme_partners(live_app):
    """``acme_partners({"Bluebird Solutions": Tier.gold, ...})``: the vendor Acme Networks with
    a channel manager, and each partner at its tier with one member. Their emails, by
    ``"manager"`` and by partner name."""

    def seed(tiers: dict[str, Tier]) -> dict[str, str]:
        with live_app.extensions["concord.db"].factory() as session:
            vendor = create_org(session, OrgKind.vendor, "Acme Networks")
            people = {"manager": create_user(session, vendor, Role.manager).email}
            for name, tier in tiers.items():
                partner = create_org(session, OrgKind.partner, name)
                create_partnership(session, vendor, partner, tier=tier)
                people[name] = create_user(session, partner, Role.member).email
            session.commit()
        return people

    return seed
