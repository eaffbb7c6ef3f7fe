"""The activity feed through HTTP: the home page and each record's Activity card show a person
only events on records they may see, never another company's, and the counts do not leak."""

from __future__ import annotations

import re

from partners.roles import OrgKind, Role
from partners.sharing import AccessLevel, shares
from portal.cases import service as case_service
from portal.cases.models import NoteVisibility
from portal.leads.service import claim_lead
from portal.leads.sharing import LEADS

from factories import context, create_lead, create_org, create_partnership, create_user


def _scenario(db):
    vendor = create_org(db, OrgKind.vendor, "Vendor Co")
    first, second = create_org(db, name="First Partner"), create_org(db, name="Second Partner")
    for partner in (first, second):
        create_partnership(db, vendor, partner)
    owner = create_user(db, vendor, Role.admin)
    alice = create_user(db, first, Role.admin)
    bob = create_user(db, second, Role.admin)
    shared = create_lead(db, owner, company="Shared Prospect")
    hidden = create_lead(db, owner, company="Hidden Prospect")
    shares.share_record(
        context(db, owner), LEADS, shared.id, organization=first, level=AccessLevel.edit
    )
    claim_lead(context(db, alice), shared.id)
    case = case_service.open_case_for_partner(
        context(db, owner), first.id, case_service.CaseDetails("Broken widget")
    )
    vendor_ctx = context(db, owner)
    case_service.add_note(vendor_ctx, case.id, "Margin is thin", NoteVisibility.internal)
    case_service.add_note(vendor_ctx, case.id, "We are on it", NoteVisibility.shared)
    db.flush()
    return owner, alice, bob, shared, hidden, case


def _total(page: str) -> int:
    found = re.search(r"· (\d+) in all", page)
    return int(found.group(1)) if found else page.count("<time ")


def test_home_feed_shows_only_what_the_viewer_may_see(db, client):
    owner, alice, bob, shared, hidden, case = _scenario(db)

    client.login(alice.email)
    page = client.get("/home").get_data(as_text=True)
    assert f'href="/leads/{shared.id}"' in page and f'href="/cases/{case.id}"' in page
    assert f'href="/leads/{hidden.id}"' not in page and "Hidden Prospect" not in page
    assert "Claimed" in page and "by Admin of First Partner" in page  # a colleague, by name
    assert "Note added" in page and "Internal note" not in page
    alice_total = _total(page)
    client.logout()

    client.login(bob.email)
    page = client.get("/home").get_data(as_text=True)
    assert "Shared Prospect" not in page and "Broken widget" not in page
    assert f'href="/leads/{hidden.id}"' not in page
    assert _total(page) == 0 and "Nothing has happened" in page
    client.logout()

    client.login(owner.email)
    page = client.get("/home").get_data(as_text=True)
    assert "Internal note added" in page and "Hidden Prospect" in page
    assert "by First Partner" in page  # the owner's pages name its partner
    assert _total(page) > alice_total


def test_record_cards_keep_internal_notes_and_other_companies_out(db, client):
    owner, alice, bob, shared, _hidden, case = _scenario(db)

    client.login(alice.email)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    card = page[page.index('id="activity-heading"') :]
    assert "Note added" in card and "Internal note" not in card
    lead_card = client.get(f"/leads/{shared.id}").get_data(as_text=True)
    assert "Activity" in lead_card and "Claimed" in lead_card
    client.logout()

    client.login(owner.email)
    card = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Internal note added" in card
    client.logout()

    client.login(bob.email)  # another company: the record itself is a 404
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/leads/{shared.id}").status_code == 404


def test_the_feed_pages(db, client):
    owner, *_ = _scenario(db)
    for n in range(25):
        create_lead(db, owner, company=f"Bulk {n}")
    db.flush()
    client.login(owner.email)
    first = client.get("/home").get_data(as_text=True)
    assert 'rel="next"' in first and first.count("<time ") == 20
    second = client.get("/home?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
