"""Concord's EDI library: ANSI X12 and UN/EDIFACT, read, validated, mapped, written, acknowledged.

A pure library (no Flask, no database). The portal ingests a file with::

    result = parse(path_or_bytes, ReaderOptions())          # or iter_transactions() to stream
    for interchange in result.interchanges:
        for tx in interchange.transactions:
            document = to_document(tx, interchange.standard)  # PurchaseOrder, Invoice, …
    responses = acknowledge(result, Envelope("X12", "OURID", "", next_control_number), "997")
    payload = [write(r) for r in responses]
"""

from .acks import acknowledge, contrl, functional_ack, ta1
from .canonical import document_json, to_canonical_json
from .delimiters import EDIFACT, X12, Delimiters
from .documents import (
    AckLine,
    Address,
    Document,
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
from .envelope import EdiReader, Received, iter_transactions, parse
from .errors import EdiError, EdiParseError, Level, Severity
from .mapping import MappingError, from_document, to_document
from .model import FunctionalGroup, Interchange, ParseResult, Segment, Status, Transaction
from .options import ReaderOptions
from .writer import EdiWriteError, Envelope, build_interchange, write, write_text


def write_documents(documents: list[Document], envelope: Envelope) -> bytes:
    """One interchange carrying ``documents`` in ``envelope.standard`` (the usual outbound call)."""
    bodies = [from_document(d, envelope.standard) for d in documents]
    return write(build_interchange(bodies, envelope))


__all__ = [
    "EDIFACT",
    "X12",
    "AckLine",
    "Address",
    "Delimiters",
    "Document",
    "EdiError",
    "EdiParseError",
    "EdiReader",
    "EdiWriteError",
    "Envelope",
    "FunctionalGroup",
    "Interchange",
    "Invoice",
    "InvoiceLine",
    "Level",
    "MappingError",
    "OrderLine",
    "Package",
    "ParseResult",
    "Party",
    "ProductId",
    "PurchaseOrder",
    "PurchaseOrderAck",
    "ReaderOptions",
    "Received",
    "Segment",
    "Severity",
    "ShipItem",
    "ShipNotice",
    "ShipOrder",
    "Status",
    "Tax",
    "Transaction",
    "acknowledge",
    "build_interchange",
    "contrl",
    "document_json",
    "from_document",
    "functional_ack",
    "iter_transactions",
    "parse",
    "ta1",
    "to_canonical_json",
    "to_document",
    "write",
    "write_documents",
    "write_text",
]
