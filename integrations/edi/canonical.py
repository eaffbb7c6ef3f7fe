"""Canonical JSON: one deterministic, standard-neutral shape for what a file contained.

Dates are ISO 8601, amounts and quantities decimal strings, keys in a fixed order, so the
output can be diffed, hashed and stored.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from .documents import ProductId
from .errors import EdiError, Level
from .mapping import MappingError, to_document
from .model import FunctionalGroup, Interchange, ParseResult, Status, Transaction

FORMAT = "concord.edi/1"
_STATUS = {
    Status.ACCEPTED: "accepted",
    Status.ACCEPTED_WITH_ERRORS: "accepted_with_errors",
    Status.PARTIALLY_ACCEPTED: "partially_accepted",
    Status.REJECTED: "rejected",
}
_KINDS = {
    "PurchaseOrder": "purchase_order",
    "PurchaseOrderAck": "purchase_order_ack",
    "ShipNotice": "ship_notice",
    "Invoice": "invoice",
}


def iso_date(text: str) -> str:
    """YYMMDD / CCYYMMDD → YYYY-MM-DD (unchanged if it is not a date)."""
    if text.isdigit() and len(text) in (6, 8):
        full = text if len(text) == 8 else "20" + text
        return f"{full[:4]}-{full[4:6]}-{full[6:8]}"
    return text


def iso_time(text: str) -> str:
    return f"{text[:2]}:{text[2:4]}" if text.isdigit() and len(text) >= 4 else text


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, ProductId):
        return {"qualifier": value.qualifier, "kind": value.kind, "value": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def document_json(document: object) -> dict[str, Any]:
    """A business document as canonical JSON (``kind`` first, then the model's fields)."""
    body = _value(document)
    return {"kind": _KINDS[type(document).__name__], **body}


def _transaction(tx: Transaction, standard: str, mapping_errors: list[EdiError]) -> dict:
    document = None
    try:
        doc = to_document(tx, standard) if tx.segments else None
        document = document_json(doc) if doc is not None else None
    except MappingError as exc:
        mapping_errors.append(
            EdiError(
                Level.TRANSACTION,
                "",
                f"{tx.type} {tx.control_number} cannot be read as a business document: {exc}",
                standard=standard,
                transaction=tx.control_number,
                transaction_type=tx.type,
                segment_tag=tx.segments[0].tag,
                line=tx.segments[0].line,
                segment_index=tx.segments[0].index,
            )
        )
    return {
        "type": tx.type,
        "control_number": tx.control_number,
        "version": tx.version,
        "implementation_reference": tx.implementation_reference,
        "status": _STATUS[tx.status],
        "validated": tx.supported,
        "segment_count": tx.segment_count,
        "document": document,
    }


def _group(group: FunctionalGroup, standard: str, mapping_errors: list[EdiError]) -> dict:
    return {
        "functional_id": group.functional_id,
        "control_number": group.control_number,
        "sender": group.sender,
        "receiver": group.receiver,
        "date": iso_date(group.date),
        "time": iso_time(group.time),
        "version": group.version,
        "implicit": group.implicit,
        "status": _STATUS[group.status],
        "transactions": [_transaction(t, standard, mapping_errors) for t in group.transactions],
    }


def _interchange(i: Interchange, mapping_errors: list[EdiError]) -> dict:
    return {
        "standard": i.standard,
        "control_number": i.control_number,
        "sender": {"qualifier": i.sender_qualifier, "id": i.sender},
        "receiver": {"qualifier": i.receiver_qualifier, "id": i.receiver},
        "date": iso_date(i.date),
        "time": iso_time(i.time),
        "version": i.version,
        "test": i.test,
        "acknowledgment_requested": i.acknowledgment_requested,
        "status": _STATUS[i.status],
        "groups": [_group(g, i.standard, mapping_errors) for g in i.groups],
    }


def to_canonical_json(parse_result: ParseResult) -> dict[str, Any]:
    """The canonical JSON dict for a `ParseResult` (pass it to ``json.dumps`` as is)."""
    mapping_errors: list[EdiError] = []
    interchanges = [_interchange(i, mapping_errors) for i in parse_result.interchanges]
    errors = [*parse_result.errors, *mapping_errors]
    return {
        "format": FORMAT,
        "ok": not any(e.is_error for e in errors),
        "interchanges": interchanges,
        "errors": [e.as_dict() for e in errors],
    }
