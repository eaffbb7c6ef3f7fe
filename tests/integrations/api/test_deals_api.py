"""The deal endpoints of /api/v1: the same sharing, validation and conflict rules as the pages."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from partners.api_tokens import create_token
from partners.roles import Role
from portal.deals import service
from portal.deals.models import Deal, DealStage
from portal.deals.service import DealDetails

from factories import context, create_user, deal_partners

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(db, clock):
    clock.set(NOW)
    return deal_partners(db)


@pytest.fixture
def as_user(app, db):
    """An API client acting as a user, through a bearer token."""

    def make(user):
        http = app.test_client()
        http.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {create_token(context(db), user)}"
        return http

    return make


def body(vendor, customer="Acme GmbH", email="buyer@acme.example", **more) -> dict:
    return {
        "vendor_id": vendor.id,
        "customer": customer,
        "contact_email": email,
        "amount": 12000.5,
        "expected_close": "2027-03-31",
        "products": [{"product": "Widget Pro", "quantity": 10, "unit_price": "99.50"}],
        **more,
    }


def test_register_a_deal_and_read_it_back(as_user, db, world, mailbox):
    alice = as_user(world["alice"])
    response = alice.post("/api/v1/deals/registrations", json=body(world["vendor"]))
    assert response.status_code == 201, response.get_json()
    deal = response.get_json()
    assert response.headers["Location"] == deal["url"]
    assert (deal["registration"], deal["protection_notice"]) == ("submitted", None)
    assert (deal["amount"], deal["expected_close"]) == ("12000.50", "2027-03-31")
    assert deal["products"] == [{"product": "Widget Pro", "quantity": 10, "unit_price": "99.50"}]
    assert deal["partner_id"] == world["first"].id
    assert alice.get(deal["url"]).get_json()["id"] == deal["id"]
    assert mailbox.last_to("channel@vendor.example")["Subject"].startswith("New deal")


def test_the_second_registrant_is_told_until_when_but_never_by_whom(
    as_user, db, world, mailbox, clock
):
    alice, bob = as_user(world["alice"]), as_user(world["bob"])
    first = alice.post("/api/v1/deals/registrations", json=body(world["vendor"])).get_json()
    approving = replace(context(db, world["manager"]), clock=clock)  # the app's frozen clock
    service.approve_registration(approving, first["id"], days=60)
    db.flush()
    response = bob.post(
        "/api/v1/deals/registrations",
        json=body(world["vendor"], "ACME gmbh.", "cto@acme.example"),
    )
    assert response.status_code == 201
    notice = response.get_json()["protection_notice"]
    assert notice.startswith("This customer is already protected until 22 January 2027.")
    for text in (
        response.get_data(as_text=True),
        bob.get(response.get_json()["url"]).get_data(as_text=True),
        bob.get(response.get_json()["url"] + "/history").get_data(as_text=True),
        bob.get("/api/v1/deals").get_data(as_text=True),
        mailbox.last_to("bob@beta.example").get_content(),
    ):
        assert "Alpha Resellers" not in text and "alice@alpha.example" not in text
        assert "conflict" not in text.lower()
    assert bob.get(first["url"]).status_code == 404
    assert bob.get(first["url"] + "/history").status_code == 404


def test_invalid_registrations_are_problem_json_with_every_field(as_user, world):
    alice = as_user(world["alice"])
    response = alice.post(
        "/api/v1/deals/registrations",
        json=body(
            world["vendor"],
            customer="",
            vendor_id=999999,
            contact_email="nope",
            products=[{"product": "", "quantity": 2}, {"product": "X", "quantity": 0}],
        ),
    )
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert errors["customer"] == ["This field is required."]
    assert errors["vendor_id"] == ["Choose a vendor you are an active partner of."]
    assert errors["contact_email"] == ["Invalid email address."]
    assert errors["products[0].product"][0].startswith("Name the product")
    assert errors["products[1].quantity"] == ["At least 1."]

    for bad, where in (
        ({**body(world["vendor"]), "colour": "red"}, "colour"),
        ({**body(world["vendor"]), "customer": {"name": "Acme"}}, "customer"),
        ({**body(world["vendor"]), "products": "Widget"}, "products"),
    ):
        refused = alice.post("/api/v1/deals/registrations", json=bad)
        assert refused.status_code == 422 and where in refused.get_json()["errors"], where
    not_json = alice.post("/api/v1/deals/registrations", data="customer=Acme")
    assert not_json.status_code == 422 and "JSON object" in not_json.get_json()["errors"]["body"][0]


def test_stage_changes_through_the_api(as_user, db, world, clock):
    alice = as_user(world["alice"])
    deal = alice.post("/api/v1/deals/registrations", json=body(world["vendor"])).get_json()
    stage_url = f"/api/v1/deals/{deal['id']}/stage"
    waiting = alice.post(stage_url, json={"stage": "proposal"})
    assert waiting.status_code == 422 and "approved" in waiting.get_json()["detail"]
    service.approve_registration(replace(context(db, world["manager"]), clock=clock), deal["id"])
    db.flush()
    clock.set(NOW + timedelta(minutes=5))
    assert alice.post(stage_url, json={"stage": "sold"}).get_json()["errors"]["stage"]
    moved = alice.post(stage_url, json={"stage": "proposal"})
    assert moved.status_code == 200 and moved.get_json()["stage"] == "proposal"
    history = alice.get(f"/api/v1/deals/{deal['id']}/history").get_json()
    assert history["truncated"] is False
    assert [(item["what"], item["who"]) for item in history["items"][:1]] == [
        ("Stage: Prospecting → Proposal", world["alice"].name)
    ]
    assert history["items"][-1]["what"] == "Registered"
    viewer = as_user(create_user(db, world["first"], Role.viewer))
    assert viewer.post(stage_url, json={"stage": "won"}).status_code == 403
    db.expire_all()
    assert db.get(Deal, deal["id"]).stage == DealStage.proposal


def test_the_list_pages_with_a_cursor_and_filters(as_user, db, world, monkeypatch):
    monkeypatch.setattr("integrations.api.pagination.PAGE_SIZE", 2)
    manager = context(db, world["manager"])
    created = [
        service.create_deal(manager, DealDetails(customer=f"Customer {n}")) for n in range(5)
    ]
    registered = service.register_deal(
        context(db, world["alice"]), world["vendor"].id, DealDetails(customer="Registered")
    )
    vendor = as_user(world["manager"])
    seen, url = [], "/api/v1/deals"
    while url:
        page = vendor.get(url).get_json()
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        url = page["next"]
    assert seen == sorted([d.id for d in created] + [registered.id], reverse=True)
    submitted = vendor.get("/api/v1/deals?registration=submitted").get_json()["items"]
    assert [item["id"] for item in submitted] == [registered.id]
    assert submitted[0]["partner_id"] == world["first"].id
    assert [i["id"] for i in vendor.get("/api/v1/deals?q=Customer 3").get_json()["items"]] == [
        created[3].id
    ]
    partner_items = as_user(world["bob"]).get("/api/v1/deals").get_json()
    assert partner_items == {"items": [], "next": None}


def test_the_openapi_document_describes_the_deal_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/deals",
        "/deals/{deal_id}",
        "/deals/{deal_id}/history",
        "/deals/registrations",
        "/deals/{deal_id}/stage",
    ):
        assert path in spec["paths"], path
    assert "protection_notice" in spec["components"]["schemas"]["Deal"]["properties"]
