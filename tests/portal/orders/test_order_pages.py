"""Orders and EDI pages as distributors and vendors use them, and as strangers cannot."""

import io

import pytest

import integrations.edi_exchange.ingest as ingest_module
from app.demo_edi import interchange
from integrations.edi_exchange.models import EdiInterchange, TradingPartner
from partners.roles import OrgKind, Role
from portal.orders.models import Order, OrderStatus

from factories import create_org, create_partnership, create_user, trading_partner


@pytest.fixture
def world(db):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    distributor = create_org(db, OrgKind.distributor, "Delta")
    partnership = create_partnership(db, vendor, distributor)
    rival = create_org(db, OrgKind.distributor, "Rival")
    create_partnership(db, vendor, rival)
    return {
        "profile": trading_partner(db, vendor, distributor),
        "partnership": partnership,
        "vendor_admin": create_user(db, vendor, Role.admin),
        "buyer": create_user(db, distributor, Role.member),
        "rival": create_user(db, rival, Role.admin),
    }


def _upload(client, profile, payload: bytes, name: str = "po.edi"):
    return client.post(
        "/edi/upload",
        {"profile": str(profile.id), "file": (io.BytesIO(payload), name)},
        content_type="multipart/form-data",
    )


def test_distributor_uploads_and_both_sides_see_the_order(client, other_client, db, world):
    profile = world["profile"]
    client.login(world["buyer"].email)
    response = _upload(client, profile, interchange(profile, 501, "PO-100"))
    assert response.status_code == 302
    analyst = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "accepted" in analyst and "PO-100" in analyst and "BEG*00*" in analyst
    order = db.query(Order).filter_by(number="PO-100").one()
    assert "PO-100" in client.get("/orders/").get_data(as_text=True)

    other_client.login(world["vendor_admin"].email)
    page = other_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Acknowledge order" in page and "Delta" in page
    ack = other_client.post(
        f"/orders/{order.id}/acknowledge",
        {
            "lines-0-status": "accepted",
            "lines-0-quantity": "10",
            "lines-1-status": "rejected",
            "lines-1-quantity": "",
        },
    )
    assert ack.status_code == 302
    db.expire_all()
    assert order.status == OrderStatus.acknowledged
    detail = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Purchase order ack" in detail and "rejected" in detail


def test_errors_are_shown_at_their_segment(client, db, world):
    profile = world["profile"]
    payload = interchange(profile, 502, "PO-200").replace(b"BEG*00*SA*PO-200", b"BEG*00**PO-200")
    client.login(world["buyer"].email)
    response = _upload(client, profile, payload)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="has-errors"' in page and "BEG02" in page
    assert db.query(Order).count() == 0


def test_strangers_get_404_for_orders_interchanges_and_files(client, other_client, db, world):
    profile = world["profile"]
    client.login(world["buyer"].email)
    _upload(client, profile, interchange(profile, 503, "PO-300"))
    order = db.query(Order).one()
    row = db.query(EdiInterchange).filter_by(direction="in").one()
    other_client.login(world["rival"].email)
    for url in (
        f"/orders/{order.id}",
        f"/edi/interchanges/{row.id}",
        f"/edi/interchanges/{row.id}/raw",
    ):
        assert other_client.get(url).status_code == 404, url
    assert "PO-300" not in other_client.get("/orders/").get_data(as_text=True)
    assert other_client.get("/edi/").get_data(as_text=True).count("503") == 0
    forged = _upload(other_client, profile, interchange(profile, 504, "PO-301"))
    assert forged.status_code == 200 and "No EDI profile" in forged.get_data(as_text=True)
    rival_org = world["rival"].organization
    trading_partner(db, world["profile"].vendor, rival_org)
    forged = _upload(other_client, profile, interchange(profile, 504, "PO-301"))
    assert forged.status_code == 422 and "Not a valid choice" in forged.get_data(as_text=True)
    assert db.query(Order).count() == 1


def test_a_crash_midway_leaves_nothing_behind(app, client, db, world, monkeypatch):
    profile = world["profile"]
    real = ingest_module.place_orders

    def place_then_crash(*args, **kwargs):
        real(*args, **kwargs)  # the orders are written…
        raise RuntimeError("the database went away")  # …then the process dies

    monkeypatch.setattr(ingest_module, "place_orders", place_then_crash)
    client.login(world["buyer"].email)
    with pytest.raises(RuntimeError):
        _upload(client, profile, interchange(profile, 505, "PO-1", "PO-2"))
    assert db.query(Order).count() == 0
    assert db.query(EdiInterchange).count() == 0


def test_vendor_admin_sets_up_an_edi_profile(client, db, world):
    client.login(world["vendor_admin"].email)
    partnership = world["partnership"]
    assert "Edit" in client.get("/edi/partners").get_data(as_text=True)
    response = client.post(
        f"/edi/partners/{partnership.id}",
        {
            "standard": "EDIFACT",
            "version": "D96A",
            "their_qualifier": "14",
            "their_id": "4012345000009",
            "our_qualifier": "14",
            "our_id": "5412345000013",
            "acknowledgment": "997",
            "transport": "folder",
        },
    )
    assert response.status_code == 302
    db.expire_all()
    profile = db.query(TradingPartner).filter_by(organization_id=partnership.child_id).one()
    assert profile.delimiters is None  # the standard's separators
    assert (profile.standard, profile.acknowledgment, profile.transport) == (
        "EDIFACT",
        "CONTRL",
        "folder",
    )
    bad = client.post(
        f"/edi/partners/{partnership.id}",
        {
            "standard": "X12",
            "version": "D96A",
            "their_qualifier": "ZZ",
            "their_id": "X",
            "our_qualifier": "ZZ",
            "our_id": "Y",
            "acknowledgment": "997",
            "transport": "portal",
        },
    )
    assert bad.status_code == 422 and "X12 version D96A is not supported" in bad.get_data(
        as_text=True
    )


def test_partners_cannot_manage_trading_partners(client, world):
    client.login(world["buyer"].email)
    assert client.get("/edi/partners").status_code == 404


def test_custom_separators_are_used_for_what_we_send(client, db, world):
    client.login(world["vendor_admin"].email)
    partnership, profile = world["partnership"], world["profile"]
    fields = {
        "standard": "X12",
        "version": "004010",
        "their_qualifier": "ZZ",
        "their_id": profile.their_id,
        "our_qualifier": "ZZ",
        "our_id": profile.our_id,
        "acknowledgment": "997",
        "transport": "portal",
    }
    clash = client.post(
        f"/edi/partners/{partnership.id}",
        {**fields, "element_separator": "|", "segment_terminator": "|"},
    )
    assert clash.status_code == 422 and "Separators" in clash.get_data(as_text=True)
    saved = client.post(
        f"/edi/partners/{partnership.id}",
        {**fields, "element_separator": "|", "component_separator": "^", "segment_terminator": "!"},
    )
    assert saved.status_code == 302
    client.logout()
    client.login(world["buyer"].email)
    _upload(client, profile, interchange(profile, 601, "PO-SEP"))
    ack = db.query(EdiInterchange).filter_by(direction="out").one()
    text = b"".join(client.app.extensions["concord.storage"].open(ack.blob_sha256)).decode()
    assert text.startswith("ISA|00|") and "AK9|A|1|1|1!" in text


def test_a_distributor_places_an_order_in_the_portal(client, db, world):
    client.login(world["buyer"].email)
    page = client.get("/orders/new").get_data(as_text=True)
    assert "Acme" in page and "Place order" in page
    empty = client.post(
        "/orders/new",
        {
            "vendor": str(world["profile"].vendor_org_id),
            "number": "WEB-1",
            "order_date": "2026-11-23",
            "currency": "USD",
        },
    )
    assert empty.status_code == 422 and "at least one line" in empty.get_data(as_text=True)
    placed = client.post(
        "/orders/new",
        {
            "vendor": str(world["profile"].vendor_org_id),
            "number": "WEB-1",
            "order_date": "2026-11-23",
            "currency": "usd",
            "lines-0-product": "SW-9",
            "lines-0-details": "Core switch",
            "lines-0-quantity": "3",
            "lines-0-unit": "ea",
            "lines-0-unit_price": "999.50",
        },
    )
    assert placed.status_code == 302
    order = db.query(Order).filter_by(number="WEB-1").one()
    assert (order.source, order.currency, order.lines[0].product_id("vendor_part")) == (
        "portal",
        "USD",
        "SW-9",
    )
    again = client.post(
        "/orders/new",
        {
            "vendor": str(world["profile"].vendor_org_id),
            "number": "WEB-1",
            "order_date": "2026-11-23",
            "currency": "USD",
            "lines-0-quantity": "1",
        },
    )
    assert again.status_code == 422 and "already received" in again.get_data(as_text=True)


def test_vendors_do_not_place_orders(client, world):
    client.login(world["vendor_admin"].email)
    assert client.get("/orders/new").status_code == 404
