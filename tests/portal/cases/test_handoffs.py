"""Involving another partner in a case: it sees the case and its shared notes only, through
the case kind's participants; a partner not involved still gets 404."""

import pytest

from partners.context import ServiceError
from partners.roles import OrgKind, Role
from portal.cases import service
from portal.cases.models import NoteVisibility
from portal.cases.service import CaseDetails

from factories import context, create_org, create_partnership, create_user


def test_an_involved_partner_reads_the_shared_notes_only(client, db):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    bluebird = create_org(db, OrgKind.partner, "Bluebird")
    cobalt = create_org(db, OrgKind.partner, "Cobalt Integrators")
    dune = create_org(db, OrgKind.partner, "Dune")
    for partner in (bluebird, cobalt, dune):
        create_partnership(db, vendor, partner)
    agent = create_user(db, vendor, Role.member, "agent@acme.example")
    create_user(db, cobalt, Role.member, "cy@cobalt.example")
    create_user(db, dune, Role.member, "di@dune.example")
    ctx = context(db, agent)
    case = service.open_case_for_partner(ctx, bluebird.id, CaseDetails("VPN drops"))
    service.add_note(ctx, case.id, "Cobalt installed the VPN", NoteVisibility.shared)
    service.add_note(ctx, case.id, "Cobalt's fault, surely", NoteVisibility.internal)
    db.flush()
    client.login(agent.email)
    offered = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Cobalt Integrators" in offered
    response = client.post(f"/cases/{case.id}/involve", {"partner": str(cobalt.id)})
    assert response.status_code == 302
    with pytest.raises(ServiceError, match="already"):
        service.involve_partner(ctx, case.id, cobalt.id)
    client.logout()

    client.login("cy@cobalt.example")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Cobalt installed the VPN" in page and "surely" not in page
    assert "1 note" in page
    client.logout()
    client.login("di@dune.example")
    assert client.get(f"/cases/{case.id}").status_code == 404
