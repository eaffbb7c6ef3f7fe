"""An organization admin manages people, roles, teams, policy, and reads the audit trail."""

import pytest

from partners.models import AuditEntry, Team, User
from partners.roles import OrgKind, Role, UserStatus

from factories import create_org, create_user, vendor_with_partner


@pytest.fixture
def admin(db):
    vendor, _partner, _p = vendor_with_partner(db)
    return create_user(db, vendor, Role.admin)


def test_invite_colleague_sends_mail_and_lists_them_as_invited(client, db, mailbox, admin):
    client.login(admin.email)
    response = client.post(
        "/admin/users/invite", {"email": "new@acme.example", "name": "Nia", "role": "manager"}
    )
    assert response.status_code == 302
    invited = db.query(User).filter_by(email="new@acme.example").one()
    assert (invited.role, invited.status, invited.organization_id) == (
        Role.manager,
        UserStatus.invited,
        admin.organization_id,
    )
    assert "/invitations/" in mailbox.last_to("new@acme.example").get_content()
    assert "invited" in client.get("/admin/users").get_data(as_text=True)


def test_role_change_and_last_admin_guard(client, db, admin):
    other = create_user(db, admin.organization, Role.member)
    client.login(admin.email)
    client.post(f"/admin/users/{other.id}/role", {"role": "admin"})
    db.expire_all()
    assert other.role == Role.admin
    # Demoting the other admin is fine while one remains; your own role is off limits.
    page = client.post(f"/admin/users/{admin.id}/role", {"role": "viewer"}, follow_redirects=True)
    assert "cannot change your own role" in page.get_data(as_text=True)
    db.expire_all()
    assert admin.role == Role.admin


def test_teams_are_created_filled_and_deleted(client, db, admin):
    member = create_user(db, admin.organization, Role.member)
    client.login(admin.email)
    response = client.post("/admin/teams", {"name": "Support EMEA", "description": "Level 2"})
    team = db.query(Team).filter_by(name="Support EMEA").one()
    assert response.headers["Location"].endswith(f"/admin/teams/{team.id}")
    client.post(f"/admin/teams/{team.id}", {"members": [str(member.id), str(admin.id)]})
    db.expire_all()
    assert {u.email for u in team.members} == {member.email, admin.email}
    duplicate = client.post("/admin/teams", {"name": "Support EMEA"})
    assert duplicate.status_code == 422 and "already a team" in duplicate.get_data(as_text=True)
    client.post(f"/admin/teams/{team.id}/delete")
    assert db.query(Team).count() == 0


def test_team_members_must_be_colleagues(client, db, admin):
    stranger = create_user(db, create_org(db, OrgKind.partner), Role.member)
    client.login(admin.email)
    client.post("/admin/teams", {"name": "Sales"})
    team = db.query(Team).one()
    response = client.post(f"/admin/teams/{team.id}", {"members": [str(stranger.id)]})
    assert response.status_code == 200  # not a valid choice: the form says so, nothing changes
    assert "is not a valid choice" in response.get_data(as_text=True)
    db.expire_all()
    assert team.members == []


def test_audit_log_shows_own_organization_and_filters(client, db, admin):
    other_org_admin = create_user(db, create_org(db, OrgKind.vendor, "Rival"), Role.admin)
    client.login(other_org_admin.email)
    client.post("/admin/teams", {"name": "Rival secret team"})
    client.logout()

    client.login(admin.email)
    client.post("/admin/teams", {"name": "Channel"})
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "Created team Channel" in log
    assert "Rival secret team" not in log
    assert admin.email in log
    only_logins = client.get("/admin/audit?action=auth.login").get_data(as_text=True)
    assert "auth.login" in only_logins and "team.created" not in only_logins
    by_actor = client.get("/admin/audit?actor=nobody").get_data(as_text=True)
    assert "No entries match" in by_actor
    entry = db.query(AuditEntry).filter_by(action="team.created", actor_user_id=admin.id).one()
    assert entry.ip == "127.0.0.1" and entry.after == {"name": "Channel"}


def test_two_factor_policy_is_set_by_admins(client, db, admin):
    client.login(admin.email)
    client.post("/admin/security", {"require_two_factor": "y"})
    db.expire_all()
    assert admin.organization.require_two_factor
    assert client.get("/home").headers["Location"].endswith("/account/two-factor")
