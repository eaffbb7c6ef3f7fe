"""Business documents, independent of X12 or EDIFACT.

Codes that have no neutral meaning (party roles, identification qualifiers, product id
qualifiers, units) keep the value of the standard they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Union

# Product identifier qualifiers → a neutral kind (X12 data element 235 / EDIFACT 7143).
PRODUCT_ID_KINDS = {
    "BP": "buyer_part",
    "IN": "buyer_item",
    "CB": "buyer_catalog",
    "VN": "vendor_part",
    "VP": "vendor_part",
    "SA": "vendor_part",
    "VA": "vendor_part",
    "MG": "manufacturer_part",
    "MF": "manufacturer_part",
    "MP": "manufacturer_part",
    "UP": "upc",
    "UA": "upc",
    "UK": "gtin",
    "EN": "gtin",
    "EO": "gtin",
    "SRV": "gtin",
    "UI": "upc",
    "SK": "sku",
    "ST": "style",
    "PD": "description",
    "SN": "serial_number",
}


@dataclass(slots=True)
class Address:
    lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(slots=True)
class Party:
    role: str  # N101 / NAD 3035 (e.g. BY buyer, ST ship-to, SU/VN supplier)
    name: str = ""
    id: str = ""
    id_qualifier: str = ""  # N103 / NAD C082 3055 (agency: 9 = GS1, 92 = buyer…)
    address: Address | None = None


@dataclass(slots=True)
class ProductId:
    qualifier: str
    value: str

    @property
    def kind(self) -> str:
        return PRODUCT_ID_KINDS.get(self.qualifier, "other")


@dataclass(slots=True)
class OrderLine:
    line_number: str
    quantity: Decimal
    unit: str = ""
    unit_price: Decimal | None = None
    product_ids: list[ProductId] = field(default_factory=list)
    description: str = ""
    requested_delivery_date: date | None = None


@dataclass(slots=True)
class PurchaseOrder:
    number: str
    date: date
    purpose: str = "original"  # original | cancellation | change | replace | confirmation | …
    order_type: str = ""  # BEG02 / BGM C002 1001, as sent
    requested_delivery_date: date | None = None
    currency: str = ""
    parties: list[Party] = field(default_factory=list)
    lines: list[OrderLine] = field(default_factory=list)


@dataclass(slots=True)
class AckLine:
    line_number: str
    status: str  # accepted | changed | rejected | backordered
    quantity: Decimal  # ordered
    unit: str = ""
    unit_price: Decimal | None = None
    product_ids: list[ProductId] = field(default_factory=list)
    description: str = ""
    acknowledged_quantity: Decimal | None = None
    scheduled_date: date | None = None


@dataclass(slots=True)
class PurchaseOrderAck:
    order_number: str
    order_date: date
    status: str  # accepted | changed | rejected
    ack_number: str = ""
    ack_date: date | None = None
    purpose: str = "original"
    currency: str = ""
    parties: list[Party] = field(default_factory=list)
    lines: list[AckLine] = field(default_factory=list)


@dataclass(slots=True)
class ShipItem:
    line_number: str
    quantity: Decimal
    unit: str = ""
    product_ids: list[ProductId] = field(default_factory=list)
    description: str = ""


@dataclass(slots=True)
class Package:
    sscc: str  # serial shipping container code (MAN*GM / GIN+BJ)
    items: list[ShipItem] = field(default_factory=list)


@dataclass(slots=True)
class ShipOrder:
    order_number: str
    order_date: date | None = None
    packages: list[Package] = field(default_factory=list)
    items: list[ShipItem] = field(default_factory=list)  # shipped without a package level


@dataclass(slots=True)
class ShipNotice:
    shipment_id: str
    date: date
    time: str = "0000"  # HHMM
    purpose: str = "original"
    ship_date: date | None = None
    carrier: str = ""  # SCAC or carrier id
    tracking_number: str = ""
    bill_of_lading: str = ""
    gross_weight: Decimal | None = None
    weight_unit: str = ""
    parties: list[Party] = field(default_factory=list)
    orders: list[ShipOrder] = field(default_factory=list)


@dataclass(slots=True)
class InvoiceLine:
    line_number: str
    quantity: Decimal
    unit: str = ""
    unit_price: Decimal | None = None
    product_ids: list[ProductId] = field(default_factory=list)
    description: str = ""


@dataclass(slots=True)
class Tax:
    type: str  # TXI01 / TAX C241 5153 (e.g. VA, ST, VAT)
    amount: Decimal | None = None
    rate: Decimal | None = None  # percent


@dataclass(slots=True)
class Invoice:
    number: str
    date: date
    order_number: str = ""
    order_date: date | None = None
    purpose: str = "original"
    currency: str = ""
    parties: list[Party] = field(default_factory=list)
    lines: list[InvoiceLine] = field(default_factory=list)
    total_amount: Decimal | None = None
    taxes: list[Tax] = field(default_factory=list)


Document = Union[PurchaseOrder, PurchaseOrderAck, ShipNotice, Invoice]  # noqa: UP007
