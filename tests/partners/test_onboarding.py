"""A vendor admin onboards a partner, whose admin joins by the emailed invitation."""

import re
from datetime import timedelta

import pytest

from partners.models import AuditEntry, Organization, Partnership, User
from partners.roles import OrgKind, Role, Tier, UserStatus

from factories import create_org, create_user

LINK = re.compile(r"http://localhost/(invitations|reset)/(\S+)")


def _link(message) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return f"/{match.group(1)}/{match.group(2)}"


@pytest.fixture
def vendor_admin(db):
    return create_user(db, create_org(db, OrgKind.vendor, "Acme"), Role.admin)


def _onboard(client, **overrides):
    data = {
        "name": "Bluebird Solutions",
        "kind": "partner",
        "tier": "gold",
        "region": "EMEA",
        "timezone": "Europe/Berlin",
        "admin_email": "Pat@Bluebird.example",
        "admin_name": "Pat",
    }
    data.update(overrides)
    return client.post("/partners/new", data)


def test_onboarding_creates_company_partnership_and_invitation(
    client, db, mailbox, vendor_admin, other_client
):
    client.login(vendor_admin.email)
    response = _onboard(client)
    assert response.status_code == 302
    partner = db.query(Organization).filter_by(name="Bluebird Solutions").one()
    partnership = db.query(Partnership).filter_by(child_id=partner.id).one()
    assert (partnership.tier, partnership.region, partnership.timezone) == (
        Tier.gold,
        "EMEA",
        "Europe/Berlin",
    )
    invited = db.query(User).filter_by(email="pat@bluebird.example").one()
    assert invited.status == UserStatus.invited and invited.role == Role.admin

    mail = mailbox.last_to("pat@bluebird.example")
    assert "Bluebird Solutions" in mail["Subject"]
    link = _link(mail)
    page = other_client.get(link)
    assert page.status_code == 200 and "Join Bluebird Solutions" in page.get_data(as_text=True)
    accepted = other_client.post(
        link,
        {"name": "Pat Partner", "password": "partners are great", "confirm": "partners are great"},
    )
    assert accepted.status_code == 302
    assert other_client.login("pat@bluebird.example", "partners are great").status_code == 302
    home = other_client.get("/home").get_data(as_text=True)
    assert "Bluebird Solutions" in home

    # The link works once.
    assert other_client.get(link).status_code == 400
    again = other_client.post(
        link, {"name": "X", "password": "another password1", "confirm": "another password1"}
    )
    assert again.status_code == 400

    actions = {
        e.action for e in db.query(AuditEntry).filter(AuditEntry.subject_org_id == partner.id)
    }
    assert {"org.created", "partnership.created", "user.invited"} <= actions


def test_invitation_expires(client, db, mailbox, vendor_admin, other_client, clock):
    start = clock()
    clock.set(start)
    client.login(vendor_admin.email)
    _onboard(client)
    link = _link(mailbox.last_to("pat@bluebird.example"))
    clock.set(start + timedelta(days=7, minutes=1))
    response = other_client.get(link)
    assert response.status_code == 400
    assert "not valid any more" in response.get_data(as_text=True)


def test_weak_password_on_invitation_keeps_the_link_usable(
    client, db, mailbox, vendor_admin, other_client
):
    client.login(vendor_admin.email)
    _onboard(client)
    link = _link(mailbox.last_to("pat@bluebird.example"))
    weak = other_client.post(
        link, {"name": "Pat", "password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}
    )
    assert weak.status_code == 422
    assert "less repetitive" in weak.get_data(as_text=True)
    assert other_client.get(link).status_code == 200


def test_onboarding_an_existing_email_is_refused_and_creates_nothing(client, db, vendor_admin):
    client.login(vendor_admin.email)
    response = _onboard(client, admin_email=vendor_admin.email)
    assert response.status_code == 422
    assert "already has an account" in response.get_data(as_text=True)
    assert db.query(Organization).filter_by(name="Bluebird Solutions").count() == 0


def test_tier_change_is_audited_before_and_after(client, db, vendor_admin):
    client.login(vendor_admin.email)
    _onboard(client)
    partnership = db.query(Partnership).one()
    assert client.post(f"/partners/{partnership.id}/tier", {"tier": "platinum"}).status_code == 302
    db.expire_all()
    assert partnership.tier == Tier.platinum
    entry = db.query(AuditEntry).filter_by(action="partnership.tier_changed").one()
    assert (entry.before, entry.after) == ({"tier": "gold"}, {"tier": "platinum"})
    log = client.get("/admin/audit?action=partnership").get_data(as_text=True)
    assert "partnership.tier_changed" in log and "platinum" in log


def test_distributor_onboards_its_own_reseller(client, db):
    vendor = create_org(db, OrgKind.vendor)
    distributor = create_org(db, OrgKind.distributor)
    from factories import create_partnership

    create_partnership(db, vendor, distributor)
    admin = create_user(db, distributor, Role.admin)
    client.login(admin.email)
    assert client.get("/partners/new").status_code == 200
    response = _onboard(client, name="Echo IT", admin_email="boss@echo.example")
    assert response.status_code == 302
    echo = db.query(Organization).filter_by(name="Echo IT").one()
    assert db.query(Partnership).filter_by(parent_id=distributor.id, child_id=echo.id).count() == 1
    refused = _onboard(client, name="Other Dist", kind="distributor", admin_email="x@other.example")
    assert refused.status_code == 422


def test_password_reset_link_works_once_and_expires(
    client, db, mailbox, vendor_admin, other_client, clock
):
    start = clock()
    clock.set(start)
    response = client.post("/forgot", {"email": vendor_admin.email})
    assert response.status_code == 302
    link = _link(mailbox.last_to(vendor_admin.email))
    assert (
        client.post(
            link, {"password": "new secret phrase", "confirm": "new secret phrase"}
        ).status_code
        == 302
    )
    assert client.login(vendor_admin.email, "new secret phrase").status_code == 302
    assert (
        other_client.post(
            link, {"password": "third phrase!!", "confirm": "third phrase!!"}
        ).status_code
        == 400
    )

    client.logout()
    client.post("/forgot", {"email": vendor_admin.email})
    late = _link(mailbox.last_to(vendor_admin.email))
    clock.set(start + timedelta(hours=1, minutes=1))
    assert client.get(late).status_code == 400


def test_reset_for_unknown_email_says_the_same_and_sends_nothing(client, mailbox):
    response = client.post("/forgot", {"email": "ghost@nowhere.example"}, follow_redirects=True)
    assert "If that address belongs to an account" in response.get_data(as_text=True)
    assert mailbox.messages == []
