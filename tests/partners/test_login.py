"""Signing in and out: throttling, server-side sessions, timeouts, two-factor."""

from datetime import datetime, timedelta

import pyotp
import pytest

from partners.models import AuditEntry
from partners.roles import Role

from factories import create_user, vendor_with_partner
from support.browser_client import PortalClient


@pytest.fixture
def admin(db):
    vendor, _partner, _p = vendor_with_partner(db)
    return create_user(db, vendor, Role.admin)


def test_wrong_password_is_refused_with_a_clear_message(client, admin):
    response = client.login(admin.email, "not the password")
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize("known", [True, False], ids=["known-email", "unknown-email"])
def test_tenth_wrong_password_is_throttled_the_same_for_known_and_unknown_emails(
    client, admin, known
):
    email = admin.email if known else "nobody@nowhere.example"
    for _ in range(9):
        assert client.login(email, "wrong password!").status_code == 200
    response = client.login(email, "wrong password!")
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Too many failed sign-in attempts" in text
    assert "minute" in text


def test_throttle_holds_even_for_the_right_password_then_lets_go(client, admin, app):
    for _ in range(9):
        client.login(admin.email, "wrong password!")
    assert client.login(admin.email).status_code == 429
    # The wait grows with the failures but ends; clearing the limiter's window lets the user in.
    app.extensions["concord.login_throttle"].strategy.storage.reset()
    assert client.login(admin.email).status_code == 302


def test_successful_login_is_audited_with_address(client, admin, db):
    client.login(admin.email)
    entry = db.query(AuditEntry).filter_by(action="auth.login", actor_user_id=admin.id).one()
    assert entry.ip == "127.0.0.1"


def test_cookie_replayed_after_logout_is_refused(app, client, admin):
    client.login(admin.email)
    stolen = client.cookie("concord_session")
    assert client.get("/home").status_code == 200
    client.logout()
    replay = PortalClient(app)
    replay.http.set_cookie("concord_session", stolen)
    response = replay.get("/home")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, admin):
    other = PortalClient(app)
    other.login(admin.email)
    client.login(admin.email)
    response = client.post(
        "/account/password",
        {
            "pw-current": "correct horse battery staple",
            "pw-password": "a brand new passphrase",
            "pw-confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    assert other.get("/home").status_code == 302
    assert client.logout().status_code == 302
    assert client.login(admin.email, "a brand new passphrase").status_code == 302


def test_idle_and_absolute_timeouts(client, admin, clock):
    start = clock()
    clock.set(start)
    client.login(admin.email)
    clock.set(start + timedelta(minutes=29))
    assert client.get("/home").status_code == 200
    clock.set(start + timedelta(minutes=61))
    assert client.get("/home").status_code == 302  # idle for 32 minutes

    clock.set(start + timedelta(hours=1))
    client.login(admin.email)
    for hours in range(2, 13):
        clock.set(start + timedelta(hours=hours, minutes=1))
        client.get("/home")
    clock.set(start + timedelta(hours=13, minutes=2))
    assert client.get("/home").status_code == 302  # active all along, but past 12 hours


def _enable_totp(client, user) -> pyotp.TOTP:
    client.login(user.email)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = page.split('class="secret">')[1].split("<")[0]
    totp = pyotp.TOTP(secret)
    response = client.post(
        "/account/two-factor/enable",
        {"code": totp.now(), "current": "correct horse battery staple"},
    )
    assert response.status_code == 302
    client.logout()
    return totp


def test_totp_code_works_only_once(app, client, admin):
    totp = _enable_totp(client, admin)
    # The enrolment code was spent; the next time step gives a fresh code.
    response = client.login(admin.email)
    assert response.headers["Location"].endswith("/login/two-factor")
    code = totp.at(datetime.now() + timedelta(seconds=30))
    assert client.post("/login/two-factor", {"code": code}).status_code == 302
    assert client.get("/home").status_code == 200
    client.logout()

    again = PortalClient(app)
    again.login(admin.email)
    response = again.post("/login/two-factor", {"code": code})
    assert response.status_code == 200
    assert "already used" in response.get_data(as_text=True)
    assert again.get("/home").status_code == 302


def test_mandatory_two_factor_sends_users_to_enrol(client, db, admin):
    admin.organization.require_two_factor = True
    db.flush()
    client.login(admin.email)
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/two-factor")
    assert "requires two-factor" in client.get("/account/two-factor").get_data(as_text=True)


def test_deactivated_user_is_signed_out_everywhere(app, client, db, admin):
    colleague = create_user(db, admin.organization, Role.member)
    theirs = PortalClient(app)
    theirs.login(colleague.email)
    assert theirs.get("/home").status_code == 200
    client.login(admin.email)
    assert client.post(f"/admin/users/{colleague.id}/deactivate").status_code == 302
    assert theirs.get("/home").status_code == 302
    assert theirs.login(colleague.email).status_code == 200  # refused, form shown again


def test_suspended_partner_users_are_signed_out_on_next_request(app, client, db):
    vendor, partner, partnership = vendor_with_partner(db)
    vendor_admin = create_user(db, vendor, Role.admin)
    partner_user = create_user(db, partner, Role.member)
    theirs = PortalClient(app)
    theirs.login(partner_user.email)
    assert theirs.get("/home").status_code == 200
    client.login(vendor_admin.email)
    assert client.post(f"/partners/{partnership.id}/suspend").status_code == 302
    assert theirs.get("/home").status_code == 302
    assert theirs.login(partner_user.email).status_code == 200
    client.post(f"/partners/{partnership.id}/reactivate")
    assert theirs.login(partner_user.email).status_code == 302


def test_open_redirect_after_login_is_refused(client, admin):
    client.get("/login?next=https://evil.example/")
    response = client.login(admin.email)
    assert response.headers["Location"] == "/home"
