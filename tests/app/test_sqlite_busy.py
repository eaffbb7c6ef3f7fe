"""The embedded SQLite database under concurrent writes, served over real HTTP: while another
connection holds the write lock, sign-ins wait their turn (``BEGIN IMMEDIATE``) and API reads
do not write, so each request succeeds, or answers 503 with ``Retry-After`` once the lock
outlasts the busy timeout: never a 500 "database is locked" (issue 19)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app import create_app
from migrations import runner
from partners.api_tokens import create_token
from partners.db import make_engine, unit_of_work
from partners.roles import OrgKind, Role

from conftest import make_settings
from factories import TEST_PASSWORD, context, create_org, create_user
from support.live_server import live_server

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
USERS = 25


@pytest.fixture
def served(tmp_path, smtp):
    """The app on its own SQLite file (no test transaction around it), over HTTP."""
    path = tmp_path / "concord.db"
    engine = make_engine(f"sqlite:///{path}")
    runner.upgrade(engine)
    engine.dispose()
    controller, _mailbox = smtp
    app = create_app(make_settings(tmp_path, controller.port, f"sqlite:///{path}"), testing=True)
    with unit_of_work(app.extensions["concord.db"].factory) as db:
        vendor = create_org(db, OrgKind.vendor, "Vendor Corp")
        users = [create_user(db, vendor, Role.member, f"u{n}@vendor.example") for n in range(USERS)]
        emails = [user.email for user in users]
        token = create_token(context(db), users[0])
    with live_server(app) as url:
        yield url, path, emails, token


class Writer:
    """Another connection holding SQLite's write lock, as a long import would."""

    def __init__(self, path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def hold(self, seconds: float) -> threading.Thread:
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.execute("UPDATE organization SET name = name")
        release = threading.Timer(seconds, self.connection.execute, ("COMMIT",))
        release.start()
        return release


def sign_in(url: str, email: str) -> requests.Response:
    browser = requests.Session()
    token = CSRF.search(browser.get(f"{url}/login", timeout=30).text).group(1)
    form = {"email": email, "password": TEST_PASSWORD, "csrf_token": token}
    return browser.post(f"{url}/login", data=form, allow_redirects=False, timeout=30)


def api_read(url: str, token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{url}/api/v1/deals", headers=headers, timeout=30)


def burst(url: str, emails: list[str], token: str) -> list[requests.Response]:
    """Sign-ins and API reads, 50 at once."""
    with ThreadPoolExecutor(max_workers=50) as pool:
        calls = [pool.submit(sign_in, url, email) for email in emails]
        calls += [pool.submit(api_read, url, token) for _ in emails]
        return [call.result() for call in calls]


def test_requests_wait_for_a_writer_or_answer_503_never_500(served):
    url, path, emails, token = served
    writer = Writer(path)

    # A writer shorter than the busy timeout (5 s): everyone waits their turn and succeeds.
    released = writer.hold(2.0)
    started = time.monotonic()
    answers = burst(url, emails, token)
    released.join()
    statuses = sorted({answer.status_code for answer in answers})
    assert statuses == [200, 302], statuses
    assert not any("/login" in a.headers["Location"] for a in answers if a.status_code == 302)
    assert time.monotonic() - started >= 1.5  # the sign-ins really waited for the writer

    # A writer longer than the busy timeout: sign-ins give up with 503 and Retry-After; reads,
    # which write nothing (the token was used a moment ago), still answer.
    released = writer.hold(8.0)
    answers = burst(url, emails[:10], token)
    released.join()
    by_kind = {
        "sign-in": {a.status_code for a in answers[:10]},
        "read": {a.status_code for a in answers[10:]},
    }
    assert by_kind == {"sign-in": {503}, "read": {200}}, by_kind
    refused = answers[0]
    assert refused.headers["Retry-After"] == "5"
    assert "The portal is busy just now" in refused.text
    # Once the writer is done, signing in works again.
    assert sign_in(url, emails[0]).status_code == 302


def test_a_busy_api_write_is_a_503_problem(served):
    url, path, _emails, token = served
    released = Writer(path).hold(7.0)
    response = requests.post(
        f"{url}/api/v1/deals/registrations",
        json={"customer": "Acme"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    released.join()
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
