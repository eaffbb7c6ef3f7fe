from partners.roles import Role

from factories import create_user, vendor_with_partner


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Sign in to Concord" in response.get_data(as_text=True)


def test_admin_signs_in_and_sees_home(client, db):
    vendor, _partner, _p = vendor_with_partner(db)
    admin = create_user(db, vendor, Role.admin)
    response = client.login(admin.email)
    assert response.status_code == 302
    page = client.get("/home").get_data(as_text=True)
    assert "Onboard a partner" in page
