"""The search box through HTTP, on both backends: every hit opens (never a record the viewer
may not open, though another organization's records and internal notes carry the same words),
hits are grouped by kind, case notes count only as their reader sees them, and on PostgreSQL
the kinds' full-text indexes serve the query."""

import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import text

from documents.models import AttachedTo
from documents.service import Attachment, Details, Upload, upload_document
from documents.storage import open_storage
from partners.roles import OrgKind, Role, Tier
from partners.sharing.models import GranteeKind
from partners.sharing.rules import Grantee
from portal.campaigns.service import CampaignDetails, create_campaign
from portal.cases.models import NoteVisibility
from portal.cases.service import CaseDetails, add_note, open_case_for_partner
from portal.deals.service import DealDetails, create_deal, register_deal
from portal.orders.service import LineInput, OrderInput, place_order

from factories import context, create_lead, create_org, create_partnership, create_rule, create_user

GROUP = re.compile(r'<h2 id="group-\d+">([^<]+)</h2>(.*?)</section>', re.S)
HIT = re.compile(r'<li>\s*<a href="([^"]+)">')


def hits(client, term: str) -> dict[str, list[str]]:
    """The results page: kind → the hits' URLs, in the page's order."""
    response = client.get("/search", query_string={"q": term})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return {label: HIT.findall(section) for label, section in GROUP.findall(body)}


def urls(found: dict[str, list[str]]) -> set[str]:
    return {url for group in found.values() for url in group}


@pytest.fixture
def world(db, tmp_path):
    storage = open_storage(f"file://{tmp_path / 'store'}")
    acme = create_org(db, OrgKind.vendor, "Acme Networks")
    bluebird = create_org(db, OrgKind.partner, "Bluebird Solutions")
    create_partnership(db, acme, bluebird, tier=Tier.gold)
    create_partnership(db, acme, create_org(db, OrgKind.partner, "Zephyr Systems"))
    cobalt = create_org(db, OrgKind.vendor, "Cobalt Corp")
    delta = create_org(db, OrgKind.partner, "Delta Resellers")
    create_partnership(db, cobalt, delta)
    people = {
        "acme": create_user(db, acme, Role.admin, "admin@acme.example"),
        "bluebird": create_user(db, bluebird, Role.admin, "admin@bluebird.example"),
        "cobalt": create_user(db, cobalt, Role.admin, "admin@cobalt.example"),
    }
    acme_ctx = context(db, people["acme"], storage=storage)
    cobalt_ctx = context(db, people["cobalt"], storage=storage)
    records: dict[str, str] = {}

    # Leads: one Acme shares with Bluebird by a rule, one it keeps, one of Cobalt's.
    create_rule(
        db, people["acme"], Grantee(GranteeKind.organization, bluebird.id), regions=("EMEA",)
    )
    records["shared lead"] = (
        f"/leads/{create_lead(db, people['acme'], company='Zephyr Labs', region='EMEA').id}"
    )
    records["kept lead"] = (
        f"/leads/{create_lead(db, people['acme'], company='Zephyr Kept', region='NA').id}"
    )
    records["cobalt lead"] = (
        f"/leads/{create_lead(db, people['cobalt'], company='Zephyr Cobalt').id}"
    )
    # Deals: Bluebird registers one with Acme; Acme and Cobalt each run one of their own.
    registered = register_deal(
        context(db, people["bluebird"]), acme.id, DealDetails(customer="Zephyr Registered GmbH")
    )
    records["registered deal"] = f"/deals/{registered.id}"
    records["acme deal"] = (
        f"/deals/{create_deal(acme_ctx, DealDetails(customer='Zephyr Own AG')).id}"
    )
    records["cobalt deal"] = (
        f"/deals/{create_deal(cobalt_ctx, DealDetails(customer='Zephyr Cobalt AG')).id}"
    )
    # Cases: Acme's case with Bluebird matches by its notes only; Cobalt's by its subject.
    case = open_case_for_partner(acme_ctx, bluebird.id, CaseDetails(subject="Router reboots"))
    add_note(acme_ctx, case.id, "Zephyr firmware suspected, quokka build", NoteVisibility.internal)
    add_note(acme_ctx, case.id, "Please send the wombat logs", NoteVisibility.shared)
    records["case"] = f"/cases/{case.id}"
    cobalt_case = open_case_for_partner(cobalt_ctx, delta.id, CaseDetails(subject="Zephyr outage"))
    records["cobalt case"] = f"/cases/{cobalt_case.id}"
    # Campaigns: Acme's, not shared; Cobalt's.
    records["acme campaign"] = (
        f"/campaigns/{create_campaign(acme_ctx, CampaignDetails(name='Zephyr launch')).id}"
    )
    records["cobalt campaign"] = (
        f"/campaigns/{create_campaign(cobalt_ctx, CampaignDetails(name='Zephyr week')).id}"
    )
    # Orders: Bluebird orders from Acme; Delta from Cobalt.
    line = [LineInput("1", Decimal(1))]
    order = place_order(
        context(db, people["bluebird"]),
        vendor=acme,
        buyer=bluebird,
        data=OrderInput("ZEPHYR-1", None, line),
    )
    records["order"] = f"/orders/{order.id}"
    delta_order = place_order(
        context(db), vendor=cobalt, buyer=delta, data=OrderInput("ZEPHYR-2", None, line)
    )
    records["cobalt order"] = f"/orders/{delta_order.id}"

    # Documents whose *content* matches: one attached to the shared case, one Acme keeps,
    # one of Cobalt's.
    def document(ctx, title: str, attach=None) -> str:
        upload = Upload(
            io.BytesIO(b"Crash dump of the zephyr controller.\n"), "log.txt", max_bytes=10**6
        )
        return f"/documents/{upload_document(ctx, upload, Details(title=title), attach=attach).id}"

    records["case document"] = document(acme_ctx, "Crash log", Attachment(AttachedTo.case, case.id))
    records["kept document"] = document(acme_ctx, "Internal memo")
    records["cobalt document"] = document(cobalt_ctx, "Cobalt memo")
    db.flush()
    return people, records


EXPECTED = {
    "acme": {
        "Leads": ["kept lead", "shared lead"],
        "Deals": ["acme deal", "registered deal"],
        "Cases": ["case"],
        "Campaigns": ["acme campaign"],
        "Orders": ["order"],
        "Documents": ["kept document", "case document"],
    },
    "bluebird": {
        "Leads": ["shared lead"],
        "Deals": ["registered deal"],
        "Orders": ["order"],
        "Documents": ["case document"],
    },
    "cobalt": {
        "Leads": ["cobalt lead"],
        "Deals": ["cobalt deal"],
        "Cases": ["cobalt case"],
        "Campaigns": ["cobalt campaign"],
        "Orders": ["cobalt order"],
        "Documents": ["cobalt document"],
    },
}


@pytest.mark.parametrize("viewer", sorted(EXPECTED))
def test_every_hit_opens_and_nothing_the_viewer_may_not_open_is_found(client, world, viewer):
    people, records = world
    client.login(people[viewer].email)
    found = hits(client, "zephyr")
    record_groups = {label: group for label, group in found.items() if label != "Partners"}
    expected = {
        label: [records[name] for name in names] for label, names in EXPECTED[viewer].items()
    }
    assert record_groups == expected
    # The property behind it: a hit opens; and every record the viewer may not open is absent.
    for url in urls(found):
        assert client.get(url).status_code == 200, url
    for url in set(records.values()) - urls(found):
        if client.get(url).status_code == 200:
            assert url == records["case"] and viewer == "bluebird"  # found by an internal note


def test_a_case_is_found_by_its_notes_only_as_their_reader_sees_them(client, world):
    people, records = world
    client.login(people["bluebird"].email)
    assert hits(client, "quokka") == {}  # Acme's internal note
    assert hits(client, "wombat") == {"Cases": [records["case"]]}  # the shared one
    client.logout()
    client.login(people["acme"].email)
    assert hits(client, "quokka") == {"Cases": [records["case"]]}


def test_partners_and_people_are_found_by_those_who_may_open_them(client, world):
    people, _records = world
    client.login(people["acme"].email)
    found = hits(client, "zephyr")
    assert len(found["Partners"]) == 1 and found["Partners"][0].startswith("/partners/")
    assert hits(client, "admin@acme.example")["People"] == [f"/admin/users/{people['acme'].id}"]
    client.logout()
    client.login(people["bluebird"].email)
    assert "Partners" not in hits(client, "acme")  # a partner has no partners' pages
    assert hits(client, "admin@acme.example") == {}  # nor another organization's people


def test_the_results_page_shows_status_and_owner_and_works_for_an_empty_query(client, world):
    people, _records = world
    client.login(people["bluebird"].email)
    body = client.get("/search", query_string={"q": "zephyr labs"}).get_data(as_text=True)
    assert "Zephyr Labs" in body and "Acme Networks" in body and "Available" in body
    assert client.get("/search", query_string={"q": "  "}).status_code == 200
    assert client.get("/search", query_string={"q": "!!!"}).status_code == 200
    assert 'id="search-box"' in client.get("/home").get_data(as_text=True)


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite searches with LIKE
def test_postgresql_serves_the_search_from_the_full_text_indexes(db, world):
    from portal.search.service import KINDS, Query

    people, _records = world
    db.execute(text("SET LOCAL enable_seqscan = off"))
    query = Query(people["bluebird"], "zephyr", "postgresql", db)
    for kind, index in (("Leads", "ix_lead_search"), ("Deals", "ix_deal_search")):
        statement = next(k for k in KINDS if k.label == kind).select(query)
        compiled = statement.compile(db.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(db.scalars(text(f"EXPLAIN {compiled}")))
        assert index in plan, plan
