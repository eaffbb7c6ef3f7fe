"""Demo purchase orders, written as EDI by our own writer and addressed like a trading partner
(make run loads a few; the tests and benchmarks build their interchanges with it too)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from integrations.edi import (
    Envelope,
    OrderLine,
    Party,
    ProductId,
    PurchaseOrder,
    write_documents,
)


def purchase_order(number: str, lines: int = 2) -> PurchaseOrder:
    return PurchaseOrder(
        number=number,
        date=date(2026, 11, 2),
        requested_delivery_date=date(2026, 11, 20),
        currency="USD",
        parties=[Party(role="BY", name="Delta Distribution", id="DELTA", id_qualifier="92")],
        lines=[
            OrderLine(
                line_number=str(n),
                quantity=Decimal(10 * n),
                unit="EA",
                unit_price=Decimal("12.50"),
                product_ids=[ProductId("VP", f"SW-{n:03}"), ProductId("BP", f"D-{n}")],
                description=f"Switch model {n}",
            )
            for n in range(1, lines + 1)
        ],
    )


def interchange(profile, control_number: int, *numbers: str, sender: str = "") -> bytes:
    """One interchange from the distributor to us, carrying one purchase order per number."""
    envelope = Envelope(
        standard=profile.standard,
        sender=sender or profile.their_id,
        receiver=profile.our_id,
        control_number=control_number,
        sender_qualifier=profile.their_qualifier,
        receiver_qualifier=profile.our_qualifier,
        version=profile.version,
    )
    return write_documents([purchase_order(n) for n in numbers], envelope)
