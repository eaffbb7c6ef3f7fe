"""Transactions ↔ business documents, for both standards.

`to_document` maps a received transaction (None for types without a business model);
`from_document` produces the body segments for a document in the requested standard.
"""

from __future__ import annotations

from collections.abc import Callable

from ..delimiters import EDIFACT, X12
from ..documents import Document, Invoice, PurchaseOrder, PurchaseOrderAck, ShipNotice
from ..model import Segment, Transaction
from . import edifact, x12
from .common import MappingError

_READERS: dict[tuple[str, str], Callable[[list[Segment]], Document]] = {
    (X12, "850"): x12.read_850,
    (X12, "855"): x12.read_855,
    (X12, "856"): x12.read_856,
    (X12, "810"): x12.read_810,
    (EDIFACT, "ORDERS"): edifact.read_orders,
    (EDIFACT, "ORDRSP"): edifact.read_ordrsp,
    (EDIFACT, "DESADV"): edifact.read_desadv,
    (EDIFACT, "INVOIC"): edifact.read_invoic,
}
_WRITERS: dict[tuple[str, type], tuple[str, Callable]] = {
    (X12, PurchaseOrder): ("850", x12.write_850),
    (X12, PurchaseOrderAck): ("855", x12.write_855),
    (X12, ShipNotice): ("856", x12.write_856),
    (X12, Invoice): ("810", x12.write_810),
    (EDIFACT, PurchaseOrder): ("ORDERS", edifact.write_orders),
    (EDIFACT, PurchaseOrderAck): ("ORDRSP", edifact.write_ordrsp),
    (EDIFACT, ShipNotice): ("DESADV", edifact.write_desadv),
    (EDIFACT, Invoice): ("INVOIC", edifact.write_invoic),
}


def to_document(transaction: Transaction, standard: str) -> Document | None:
    """The business document in ``transaction``; None if its type has no model.

    Raises `MappingError` when a supported document lacks data the model needs.
    """
    reader = _READERS.get((standard, transaction.type))
    if reader is None:
        return None
    try:
        return reader(transaction.body)
    except StopIteration as exc:  # a mandatory header segment is absent
        raise MappingError(f"{transaction.type} has no header segment") from exc


def from_document(document: Document, standard: str) -> tuple[str, list[Segment]]:
    """(transaction type, body segments) for ``document`` in ``standard``."""
    type_, writer = _WRITERS[(standard, type(document))]
    return type_, writer(document)


__all__ = ["MappingError", "from_document", "to_document"]
