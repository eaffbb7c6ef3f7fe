"""Documents attached to an order: both parties see them on the order page and open them (a
restricted member too, as they see the order); a third organization gets 404s."""

import io
import os
from decimal import Decimal

import pytest
from sqlalchemy import select

from documents.models import AttachedTo, Document
from partners.roles import OrgKind, Role
from portal.orders.service import LineInput, OrderInput, place_order

from factories import context, create_org, create_partnership, create_user
from support.browser_client import PortalClient

PDF = b"%PDF-1.7\n" + os.urandom(3000)


@pytest.fixture
def world(db):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    distributor = create_org(db, OrgKind.distributor, "Delta")
    distributor.members_see_all_records = False  # members see only their own records…
    create_partnership(db, vendor, distributor)
    rival = create_org(db, OrgKind.distributor, "Rival")
    create_partnership(db, vendor, rival)
    buyer = create_user(db, distributor, Role.member)
    order = place_order(
        context(db, buyer),
        vendor=vendor,
        buyer=distributor,
        data=OrderInput("PO-7", None, [LineInput("1", Decimal(3))]),
    )
    return {
        "order": order,
        "vendor_member": create_user(db, vendor, Role.member),
        "vendor_manager": create_user(db, vendor, Role.manager),
        "buyer": buyer,
        "buyer_colleague": create_user(db, distributor, Role.member),  # …but every order
        "rival": create_user(db, rival, Role.admin),
    }


def attach(client, order_id: int, name: str):
    return client.post(
        "/documents/upload",
        {"file": (io.BytesIO(PDF + name.encode()), name), "attach": f"order:{order_id}"},
        content_type="multipart/form-data",
    )


def test_both_parties_see_an_orders_documents_and_a_third_organization_does_not(
    app, client, other_client, db, world
):
    order = world["order"]
    client.login(world["vendor_member"].email)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "No documents attached." in page
    assert f"/documents/upload?attach=order:{order.id}" in page
    assert attach(client, order.id, "Invoice 7.pdf").status_code == 302
    invoice = db.scalars(select(Document)).one()
    assert (invoice.attached_type, invoice.attached_id) == (AttachedTo.order, order.id)
    link = f'href="/documents/{invoice.id}"'
    assert link in client.get(f"/orders/{order.id}").get_data(as_text=True)

    for user in ("buyer", "buyer_colleague"):  # the colleague did not place the order
        other_client.login(world[user].email)
        assert link in other_client.get(f"/orders/{order.id}").get_data(as_text=True)
        download = other_client.get(f"/documents/{invoice.id}/versions/1/download")
        assert download.status_code == 200 and download.data == PDF + b"Invoice 7.pdf"
        other_client.logout()

    # The buyer attaches too; the vendor sees it.
    other_client.login(world["buyer"].email)
    assert attach(other_client, order.id, "Delivery note.pdf").status_code == 302
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Delivery note" in page and "Invoice 7" in page

    rival = PortalClient(app)
    rival.login(world["rival"].email)
    for url in (
        f"/orders/{order.id}",
        f"/documents/{invoice.id}",
        f"/documents/{invoice.id}/versions/1/download",
        f"/documents/{invoice.id}/versions/1/preview",
    ):
        assert rival.get(url).status_code == 404, url
    assert link not in rival.get("/documents/?q=Invoice").get_data(as_text=True)
    refused = attach(rival, order.id, "Forged.pdf")
    assert refused.status_code == 404  # an order they may not see
    assert db.scalar(select(Document).where(Document.title == "Forged")) is None

    manager = PortalClient(app)
    manager.login(world["vendor_manager"].email)  # the explainer names the order as the reason
    why = manager.get(f"/documents/{invoice.id}").get_data(as_text=True)
    assert why.count(f"attached to order #{order.id}") >= 2 and "Delta" in why


def test_a_detached_document_leaves_the_other_partys_view(client, other_client, db, world):
    order = world["order"]
    client.login(world["vendor_member"].email)
    attach(client, order.id, "Invoice 7.pdf")
    invoice = db.scalars(select(Document)).one()
    other_client.login(world["buyer"].email)
    assert other_client.get(f"/documents/{invoice.id}").status_code == 200
    detached = client.post(f"/documents/{invoice.id}/detach")
    assert detached.status_code == 302
    assert other_client.get(f"/documents/{invoice.id}").status_code == 404
    page = other_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "No documents attached." in page
