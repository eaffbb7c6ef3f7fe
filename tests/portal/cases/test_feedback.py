"""Feedback on close: the partner on the case rates a closed case once; nobody else can."""

import pytest

from partners.context import Forbidden, ServiceError
from partners.roles import OrgKind, Role
from portal.cases import service
from portal.cases.models import CaseStatus
from portal.cases.service import CaseDetails

from factories import context, create_org, create_partnership, create_user


def test_the_partner_rates_a_closed_case_once(db):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, vendor, partner)
    agent = create_user(db, vendor, Role.member, "agent@acme.example")
    bea = create_user(db, partner, Role.member, "bea@bluebird.example")
    case = service.open_case_with_vendor(context(db, bea), vendor.id, CaseDetails("Down"))
    with pytest.raises(ServiceError, match="once it is closed"):
        service.rate_case(context(db, bea), case.id, 5)
    service.change_status(context(db, agent), case.id, CaseStatus.closed)
    with pytest.raises(Forbidden):
        service.rate_case(context(db, agent), case.id, 5)
    with pytest.raises(ServiceError, match="1 to 5"):
        service.rate_case(context(db, bea), case.id, 6)
    feedback = service.rate_case(context(db, bea), case.id, 4, " Quick fix ")
    assert (feedback.rating, feedback.comment) == (4, "Quick fix")
    with pytest.raises(ServiceError, match="rated already"):
        service.rate_case(context(db, bea), case.id, 1)


def test_the_partner_rates_on_the_page_and_the_vendor_sees_satisfaction(client, db):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    partner = create_org(db, OrgKind.partner, "Bluebird")
    create_partnership(db, vendor, partner)
    agent = create_user(db, vendor, Role.member, "agent@acme.example")
    bea = create_user(db, partner, Role.member, "bea@bluebird.example")
    case = service.open_case_with_vendor(context(db, bea), vendor.id, CaseDetails("Down"))
    service.change_status(context(db, agent), case.id, CaseStatus.closed)
    db.flush()
    client.login(bea.email)
    assert "Rate the resolution" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/feedback", {"rating": "4", "comment": "Fast"})
    assert response.status_code == 302
    client.logout()
    client.login(agent.email)
    html = client.get("/cases/").get_data(as_text=True)
    assert "Satisfaction" in html and "4.0 of 5" in html and "No team" in html
