"""Document factories and sample locations shared by the EDI tests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from integrations.edi.delimiters import Delimiters
from integrations.edi.documents import (
    AckLine,
    Address,
    Invoice,
    InvoiceLine,
    OrderLine,
    Package,
    Party,
    ProductId,
    PurchaseOrder,
    PurchaseOrderAck,
    ShipItem,
    ShipNotice,
    ShipOrder,
    Tax,
)
from integrations.edi.mapping import from_document
from integrations.edi.writer import Envelope, build_interchange, write

HERE = Path(__file__).resolve().parent
OWN_SAMPLES = HERE / "samples"
REPO_ROOT = HERE.parents[2]
#: The 24 third-party conformance files (byte-exact copies of ../shared/edi-samples, each under
#: its origin's license: see the README there), kept in the repository so the suite never skips.
CONFORMANCE_SAMPLES = OWN_SAMPLES / "conformance"
STAMP = datetime(2024, 5, 6, 7, 8)


def envelope(standard: str, **overrides: object) -> Envelope:
    values: dict[str, object] = {
        "sender": "CONCORD",
        "receiver": "PARTNER",
        "control_number": 42,
        "timestamp": STAMP,
    }
    values.update(overrides)
    return Envelope(standard, **values)  # type: ignore[arg-type]


def parties() -> list[Party]:
    return [
        Party(
            "BY",
            "ACME RETAIL",
            "5412345000013",
            "9",
            Address(["1 MAIN ST", "SUITE 2"], "SPRINGFIELD", "IL", "62701", "US"),
        ),
        Party(
            "ST",
            "ACME DC 7",
            "0003947268292",
            "92",
            Address(["99 DOCK RD"], "JOLIET", "IL", "60431", "US"),
        ),
        Party("SU", "WIDGETS INC", "987654321", "9"),
    ]


def purchase_order(lines: int = 3, standard: str = "X12") -> PurchaseOrder:
    return PurchaseOrder(
        number="PO-1001",
        date=date(2024, 5, 6),
        currency="USD",
        order_type="SA" if standard == "X12" else "220",
        requested_delivery_date=date(2024, 5, 20),
        parties=parties(),
        lines=[
            OrderLine(
                str(n),
                Decimal(10 * n),
                "EA",
                Decimal("9.25") + n,
                [
                    ProductId("BP", f"BUY-{n}"),
                    ProductId("VN", f"VEND-{n}"),
                    ProductId("UP", f"01234567890{n}"),
                ],
                f"WIDGET SIZE {n}",
                date(2024, 5, 21) if n == 2 else None,
            )
            for n in range(1, lines + 1)
        ],
    )


def order_ack() -> PurchaseOrderAck:
    return PurchaseOrderAck(
        order_number="PO-1001",
        order_date=date(2024, 5, 6),
        status="changed",
        ack_number="ACK-77",
        ack_date=date(2024, 5, 7),
        currency="USD",
        parties=parties()[:1],
        lines=[
            AckLine(
                "1",
                "accepted",
                Decimal(10),
                "EA",
                Decimal("10.25"),
                [ProductId("BP", "B1")],
                "WIDGET",
                Decimal(10),
                date(2024, 5, 20),
            ),
            AckLine(
                "2",
                "changed",
                Decimal(20),
                "EA",
                None,
                [ProductId("BP", "B2")],
                "",
                Decimal(15),
                date(2024, 5, 27),
            ),
            AckLine("3", "rejected", Decimal(5), "EA", None, [], "", Decimal(0)),
        ],
    )


def ship_notice() -> ShipNotice:
    return ShipNotice(
        shipment_id="SHIP-9",
        date=date(2024, 5, 8),
        time="1430",
        ship_date=date(2024, 5, 8),
        carrier="UPSN",
        tracking_number="1Z999",
        bill_of_lading="BOL-1",
        gross_weight=Decimal("60.5"),
        weight_unit="LB",
        parties=parties()[1:2],
        orders=[
            ShipOrder(
                "PO-1001",
                date(2024, 5, 6),
                packages=[
                    Package(
                        "000123456789012345",
                        [ShipItem("1", Decimal(10), "EA", [ProductId("BP", "B1")], "WIDGET")],
                    )
                ],
                items=[ShipItem("2", Decimal(15), "EA", [ProductId("VN", "V2")])],
            ),
            ShipOrder(
                "PO-1002",
                None,
                items=[ShipItem("1", Decimal(1), "CA", [ProductId("UP", "012345678905")])],
            ),
        ],
    )


def invoice() -> Invoice:
    return Invoice(
        number="INV-5",
        date=date(2024, 5, 9),
        order_number="PO-1001",
        order_date=date(2024, 5, 6),
        currency="USD",
        parties=parties()[:2],
        lines=[
            InvoiceLine(
                "1", Decimal(10), "EA", Decimal("10.25"), [ProductId("BP", "B1")], "WIDGET"
            ),
            InvoiceLine("2", Decimal(15), "EA", Decimal("3.5"), [ProductId("VN", "V2")]),
        ],
        total_amount=Decimal("155.00"),
        taxes=[Tax("VA", Decimal("12.40"), Decimal("8"))],
    )


DOCUMENTS = {
    "purchase_order": purchase_order,
    "order_ack": order_ack,
    "ship_notice": ship_notice,
    "invoice": invoice,
}
SAMPLE_TYPES = {
    "purchase_order": ("850", "ORDERS"),
    "order_ack": ("855", "ORDRSP"),
    "ship_notice": ("856", "DESADV"),
    "invoice": ("810", "INVOIC"),
}


def document(kind: str, standard: str) -> object:
    if kind == "purchase_order":
        return purchase_order(standard=standard)
    return DOCUMENTS[kind]()


def own_samples() -> dict[str, bytes]:
    """Our sample corpus, as the writer produces it from the factories above."""
    samples: dict[str, bytes] = {}
    for kind, (x12, edifact) in SAMPLE_TYPES.items():
        for standard, name, version in (("X12", x12, "004010"), ("EDIFACT", edifact, "D96A")):
            body = from_document(document(kind, standard), standard)
            interchange = build_interchange([body], envelope(standard, version=version))
            samples[f"{name.lower()}_{version.lower()}.edi"] = write(interchange)
    po = purchase_order()
    pipes = Delimiters("|", ":", "\n", "^")
    interchange = build_interchange(
        [from_document(po, "X12")], envelope("X12", version="005010", delimiters=pipes)
    )
    samples["850_005010_pipes.edi"] = write(interchange)
    po = purchase_order(standard="EDIFACT")
    po.parties[0].name = "O'REILLY + SONS: 50? PERCENT"
    una = Delimiters("*", "=", "~", None, "?", suffix="\r\n")
    interchange = build_interchange(
        [from_document(po, "EDIFACT")],
        envelope("EDIFACT", version="D01B", association="EAN010", delimiters=una),
    )
    samples["orders_d01b_una.edi"] = write(interchange)
    return samples
