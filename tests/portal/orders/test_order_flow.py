"""The vendor acknowledges, ships and invoices; the distributor gets 855, 856 and 810 by EDI."""

import io
from decimal import Decimal

import pytest

import integrations.edi_exchange.outbound  # noqa: F401 - connects outbound EDI to order events
from app.demo_edi import interchange
from documents.storage import open_storage
from integrations.edi import Invoice as EdiInvoice
from integrations.edi import PurchaseOrderAck, ShipNotice, parse, to_document
from integrations.edi_exchange.ingest import ingest
from integrations.edi_exchange.models import OrderDocument
from partners.context import Forbidden, ServiceError
from partners.roles import OrgKind, Role
from portal.orders.models import LineStatus, Order, OrderStatus
from portal.orders.service import (
    LineDecision,
    Shipment,
    acknowledge_order,
    invoice_order,
    ship_order,
)

from factories import context, create_org, create_partnership, create_user, trading_partner


@pytest.fixture
def storage(tmp_path):
    return open_storage((tmp_path / "files").as_uri())


@pytest.fixture
def world(db, storage):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    distributor = create_org(db, OrgKind.distributor, "Delta")
    create_partnership(db, vendor, distributor)
    profile = trading_partner(db, vendor, distributor)
    report = ingest(
        context(db, storage=storage), profile, io.BytesIO(interchange(profile, 1, "PO-7"))
    )
    return {
        "order": db.get(Order, report.orders[0].id),
        "clerk": create_user(db, vendor, Role.member),
        "viewer": create_user(db, vendor, Role.viewer),
        "buyer": create_user(db, distributor, Role.admin),
        "storage": storage,
    }


def _document(db, storage, order, kind):
    link = db.query(OrderDocument).filter_by(order_id=order.id, kind=kind).one()
    result = parse(io.BytesIO(b"".join(storage.open(link.interchange.blob_sha256))))
    assert result.ok, [str(e) for e in result.errors]
    [tx] = result.transactions
    return to_document(tx, result.interchanges[0].standard)


def test_acknowledge_ship_invoice_sends_855_856_810(db, world):
    order, storage = world["order"], world["storage"]
    ctx = context(db, world["clerk"], storage)
    _first, second = order.lines
    acknowledge_order(ctx, order, {second.id: LineDecision(LineStatus.changed, Decimal(15))})
    ack = _document(db, storage, order, "purchase_order_ack")
    assert (
        isinstance(ack, PurchaseOrderAck) and ack.order_number == "PO-7" and ack.status == "changed"
    )
    assert [(line.status, line.acknowledged_quantity) for line in ack.lines] == [
        ("accepted", Decimal(10)),
        ("changed", Decimal(15)),
    ]

    ship_order(ctx, order, Shipment(carrier="UPSN", tracking_number="1Z999"))
    notice = _document(db, storage, order, "ship_notice")
    assert isinstance(notice, ShipNotice) and notice.tracking_number == "1Z999"
    assert [item.quantity for item in notice.orders[0].items] == [Decimal(10), Decimal(15)]

    invoice_order(ctx, order, "INV-1001")
    bill = _document(db, storage, order, "invoice")
    assert (
        isinstance(bill, EdiInvoice) and bill.number == "INV-1001" and bill.order_number == "PO-7"
    )
    assert bill.total_amount == Decimal("312.50")  # (10 + 15) × 12.50
    assert order.status == OrderStatus.invoiced


def test_only_the_vendor_changes_an_order(db, world):
    order, storage = world["order"], world["storage"]
    with pytest.raises(Forbidden):
        acknowledge_order(context(db, world["buyer"], storage), order)
    with pytest.raises(Forbidden):
        acknowledge_order(context(db, world["viewer"], storage), order)
    with pytest.raises(ServiceError, match="must be acknowledged before it ships"):
        ship_order(context(db, world["clerk"], storage), order, Shipment())
    assert order.status == OrderStatus.received
