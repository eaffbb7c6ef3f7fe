"""The API for partner systems: bearer tokens, problem+json errors, EDI in and out."""

import pytest

from app.demo_edi import interchange
from partners.api_tokens import create_token
from partners.roles import OrgKind, Role
from portal.orders.models import Order

from factories import context, create_org, create_partnership, create_user, trading_partner


@pytest.fixture
def world(db):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    distributor = create_org(db, OrgKind.distributor, "Delta")
    create_partnership(db, vendor, distributor)
    rival = create_org(db, OrgKind.distributor, "Rival")
    create_partnership(db, vendor, rival)
    member = create_user(db, distributor, Role.member)
    viewer = create_user(db, distributor, Role.viewer)
    stranger = create_user(db, rival, Role.admin)
    ctx = context(db)
    return {
        "profile": trading_partner(db, vendor, distributor),
        "token": create_token(ctx, member),
        "viewer_token": create_token(ctx, viewer),
        "stranger_token": create_token(ctx, stranger),
    }


def _auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_inbound_edi_creates_orders_and_returns_the_ack_to_pick_up(client, db, world):
    payload = interchange(world["profile"], 701, "PO-API-1")
    response = client.http.post(
        "/api/v1/edi/inbound",
        data=payload,
        headers=_auth(world["token"]),
        content_type="application/edi-x12",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["orders"][0]["number"] == "PO-API-1"
    [received] = body["interchanges"]
    assert (received["status"], received["orders_created"]) == ("accepted", 1)
    [ack] = body["acknowledgments"]
    raw = client.http.get(ack["raw_url"], headers=_auth(world["token"]))
    assert raw.status_code == 200 and b"AK9*A*1*1*1" in raw.data

    listing = client.http.get(
        "/api/v1/edi/interchanges?direction=out", headers=_auth(world["token"])
    )
    assert [item["id"] for item in listing.get_json()["items"]] == [ack["id"]]

    again = client.http.post("/api/v1/edi/inbound", data=payload, headers=_auth(world["token"]))
    assert again.get_json()["interchanges"][0]["status"] == "duplicate"
    assert db.query(Order).count() == 1


def test_errors_are_problem_json(client, world):
    missing = client.http.post("/api/v1/edi/inbound", data=b"x")
    assert missing.status_code == 401 and missing.content_type == "application/problem+json"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    forged = client.http.post("/api/v1/edi/inbound", data=b"x", headers=_auth("cnc_forged"))
    assert forged.status_code == 401
    viewer = client.http.post(
        "/api/v1/edi/inbound", data=b"x", headers=_auth(world["viewer_token"])
    )
    assert viewer.status_code == 403 and viewer.get_json()["detail"].startswith(
        "This needs the member"
    )
    empty = client.http.post("/api/v1/edi/inbound", data=b"", headers=_auth(world["token"]))
    assert empty.status_code == 400 and "empty" in empty.get_json()["detail"]
    unknown = client.http.get("/api/v1/nothing-here", headers=_auth(world["token"]))
    assert unknown.status_code == 404 and unknown.content_type == "application/problem+json"


def test_a_token_sees_exactly_what_its_user_sees(client, world):
    payload = interchange(world["profile"], 702, "PO-API-2")
    created = client.http.post("/api/v1/edi/inbound", data=payload, headers=_auth(world["token"]))
    interchange_id = created.get_json()["interchanges"][0]["id"]
    for url in (
        f"/api/v1/edi/interchanges/{interchange_id}",
        f"/api/v1/edi/interchanges/{interchange_id}/raw",
    ):
        response = client.http.get(url, headers=_auth(world["stranger_token"]))
        assert response.status_code == 404 and response.content_type == "application/problem+json"
    listing = client.http.get("/api/v1/edi/interchanges", headers=_auth(world["stranger_token"]))
    assert listing.get_json()["items"] == []
    posted = client.http.post(
        f"/api/v1/edi/inbound?profile={world['profile'].id}",
        data=payload,
        headers=_auth(world["stranger_token"]),
    )
    assert posted.status_code == 404


def test_the_session_cookie_does_not_open_the_api(client, db, world):
    user = create_user(db, world["profile"].organization, Role.admin)
    client.login(user.email)
    response = client.http.post("/api/v1/edi/inbound", data=b"ISA")
    assert response.status_code == 401


def test_openapi_spec_is_served(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/edi/inbound" in spec["paths"]
