"""EDIFACT ORDERS / ORDRSP / DESADV / INVOIC ↔ business documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..documents import (
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
from ..model import Segment, Value
from ..writer import trim
from .common import (
    EDIFACT_PURPOSE,
    PURPOSES,
    from_date,
    from_decimal,
    required_date,
    to_date,
    to_decimal,
)

LINE_ACTION = {"accepted": "5", "changed": "3", "rejected": "7", "backordered": "6"}
_LINE_READ = {v: k for k, v in LINE_ACTION.items()} | {"2": "rejected", "10": "rejected"}
RESPONSE = {"accepted": "29", "changed": "4", "rejected": "27"}
_RESPONSE_READ = {v: k for k, v in RESPONSE.items()}


def _composite(value: Value) -> Value:
    if not isinstance(value, tuple):
        return value
    parts = trim(list(value))
    return tuple(parts) if len(parts) > 1 else (parts[0] if parts else "")


def _seg(tag: str, *elements: Value) -> Segment:
    return Segment(tag, trim([_composite(e) for e in elements]))


def _dtm(qualifier: str, value: date | None) -> Segment:
    return _seg("DTM", (qualifier, from_date(value), "102"))


def _find_dtm(segs: list[Segment], qualifier: str) -> date | None:
    for s in segs:
        if s.tag == "DTM" and s.get(1, 1) == qualifier:
            return to_date(s.get(1, 2), s.get(1, 3) or "102")
    return None


def _split(body: list[Segment]) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    """Header (before the first LIN), line groups, summary (after UNS)."""
    header: list[Segment] = []
    lines: list[list[Segment]] = []
    summary: list[Segment] = []
    part = header
    for seg in body:
        if seg.tag == "LIN" and part is not summary:
            lines.append([seg])
            part = lines[-1]
        elif seg.tag == "UNS":
            part = summary
        else:
            part.append(seg)
    return header, lines, summary


def _reference(segs: list[Segment], qualifier: str) -> tuple[str, date | None]:
    for i, s in enumerate(segs):
        if s.tag == "RFF" and s.get(1, 1) == qualifier:
            after = segs[i + 1 : i + 2]
            return s.get(1, 2), _find_dtm(after, "171")
    return "", None


def _currency(segs: list[Segment]) -> str:
    return next((s.get(1, 2) for s in segs if s.tag == "CUX"), "")


# -- parties and items ----------------------------------------------------------------
def _parties(segs: list[Segment]) -> list[Party]:
    parties = []
    for s in segs:
        if s.tag != "NAD":
            continue
        lines = [c for c in s.composite(5) if c]
        address = Address(lines, s.get(6), s.get(7, 1), s.get(8), s.get(9))
        has_address = bool(
            lines or address.city or address.state or address.postal_code or address.country
        )
        parties.append(
            Party(
                s.get(1),
                s.get(4, 1) or s.get(3, 1),
                s.get(2, 1),
                s.get(2, 3),
                address if has_address else None,
            )
        )
    return parties


def _write_parties(parties: list[Party]) -> Iterator[Segment]:
    for p in parties:
        a = p.address or Address()
        yield _seg(
            "NAD",
            p.role,
            (p.id, "", p.id_qualifier) if p.id else "",
            "",
            (p.name,) if p.name else "",
            tuple(a.lines[:4]),
            a.city,
            (a.state,),
            a.postal_code,
            a.country,
        )


def _product_ids(group: list[Segment]) -> list[ProductId]:
    lin = group[0]
    ids = [ProductId(lin.get(3, 2), lin.get(3, 1))] if lin.get(3, 1) else []
    for s in group:
        if s.tag == "PIA":
            ids += [ProductId(s.get(i, 2), s.get(i, 1)) for i in range(2, 7) if s.get(i, 1)]
    return ids


def _description(group: list[Segment]) -> str:
    return next((s.get(3, 4) for s in group if s.tag == "IMD" and s.get(3, 4)), "")


def _qty(group: list[Segment], qualifier: str) -> tuple[Decimal | None, str]:
    for s in group:
        if s.tag == "QTY" and s.get(1, 1) == qualifier:
            return to_decimal(s.get(1, 2)), s.get(1, 3)
    return None, ""


def _price(group: list[Segment]) -> Decimal | None:
    return next((to_decimal(s.get(1, 2)) for s in group if s.tag == "PRI"), None)


def _write_item(
    number: str, ids: list[ProductId], description: str, action: str = ""
) -> Iterator[Segment]:
    first = (ids[0].value, ids[0].qualifier) if ids else ""
    yield _seg("LIN", number, action, first)
    for pid in ids[1:]:
        yield _seg("PIA", "1", (pid.value, pid.qualifier))
    if description:
        yield _seg("IMD", "F", "", ("", "", "", description))


def _qty_seg(qualifier: str, quantity: Decimal | None, unit: str) -> Segment:
    return _seg("QTY", (qualifier, from_decimal(quantity), unit))


def _purpose(bgm: Segment) -> str:
    return EDIFACT_PURPOSE.get(bgm.get(3), bgm.get(3) or "original")


def _bgm(code: str, number: str, purpose: str) -> Segment:
    return _seg("BGM", (code,), (number,), PURPOSES.get(purpose, ("", purpose))[1])


# -- ORDERS ---------------------------------------------------------------------------
def read_orders(body: list[Segment]) -> PurchaseOrder:
    header, lines, _ = _split(body)
    bgm = next(s for s in header if s.tag == "BGM")
    order = PurchaseOrder(
        number=bgm.get(2, 1),
        date=required_date(_date_text(header, "137"), "DTM+137"),
        purpose=_purpose(bgm),
        order_type=bgm.get(1, 1),
        requested_delivery_date=_find_dtm(header, "2"),
        currency=_currency(header),
        parties=_parties(header),
    )
    for group in lines:
        quantity, unit = _qty(group, "21")
        order.lines.append(
            OrderLine(
                line_number=group[0].get(1),
                quantity=quantity or Decimal(0),
                unit=unit,
                unit_price=_price(group),
                product_ids=_product_ids(group),
                description=_description(group),
                requested_delivery_date=_find_dtm(group, "2"),
            )
        )
    return order


def _date_text(segs: list[Segment], qualifier: str) -> str:
    for s in segs:
        if s.tag == "DTM" and s.get(1, 1) == qualifier:
            value = to_date(s.get(1, 2), s.get(1, 3) or "102")
            return from_date(value)
    return ""


def write_orders(po: PurchaseOrder) -> list[Segment]:
    segs = [_bgm(po.order_type or "220", po.number, po.purpose), _dtm("137", po.date)]
    if po.requested_delivery_date:
        segs.append(_dtm("2", po.requested_delivery_date))
    segs += _write_parties(po.parties)
    if po.currency:
        segs.append(_seg("CUX", ("2", po.currency, "9")))
    for line in po.lines:
        segs += _write_item(line.line_number, line.product_ids, line.description)
        segs.append(_qty_seg("21", line.quantity, line.unit))
        if line.requested_delivery_date:
            segs.append(_dtm("2", line.requested_delivery_date))
        if line.unit_price is not None:
            segs.append(_seg("PRI", ("AAA", from_decimal(line.unit_price))))
    segs += [_seg("UNS", "S"), _seg("CNT", ("2", str(len(po.lines))))]
    return segs


# -- ORDRSP ---------------------------------------------------------------------------
def read_ordrsp(body: list[Segment]) -> PurchaseOrderAck:
    header, lines, _ = _split(body)
    bgm = next(s for s in header if s.tag == "BGM")
    order_number, order_date = _reference(header, "ON")
    ack = PurchaseOrderAck(
        order_number=order_number,
        order_date=order_date or required_date("", "RFF+ON DTM+171"),
        status=_RESPONSE_READ.get(bgm.get(3), "changed"),
        ack_number=bgm.get(2, 1),
        ack_date=_find_dtm(header, "137"),
        currency=_currency(header),
        parties=_parties(header),
    )
    for group in lines:
        quantity, unit = _qty(group, "21")
        acknowledged, _ = _qty(group, "113")
        ack.lines.append(
            AckLine(
                line_number=group[0].get(1),
                status=_LINE_READ.get(group[0].get(2), "changed"),
                quantity=quantity or Decimal(0),
                unit=unit,
                unit_price=_price(group),
                product_ids=_product_ids(group),
                description=_description(group),
                acknowledged_quantity=acknowledged,
                scheduled_date=_find_dtm(group, "69"),
            )
        )
    return ack


def write_ordrsp(ack: PurchaseOrderAck) -> list[Segment]:
    segs = [_seg("BGM", ("231",), (ack.ack_number,), RESPONSE.get(ack.status, "4"))]
    if ack.ack_date:
        segs.append(_dtm("137", ack.ack_date))
    segs += [_seg("RFF", ("ON", ack.order_number)), _dtm("171", ack.order_date)]
    segs += _write_parties(ack.parties)
    if ack.currency:
        segs.append(_seg("CUX", ("2", ack.currency, "9")))
    for line in ack.lines:
        segs += _write_item(
            line.line_number, line.product_ids, line.description, LINE_ACTION[line.status]
        )
        segs.append(_qty_seg("21", line.quantity, line.unit))
        if line.acknowledged_quantity is not None:
            segs.append(_qty_seg("113", line.acknowledged_quantity, line.unit))
        if line.scheduled_date:
            segs.append(_dtm("69", line.scheduled_date))
        if line.unit_price is not None:
            segs.append(_seg("PRI", ("AAA", from_decimal(line.unit_price))))
    segs += [_seg("UNS", "S"), _seg("CNT", ("2", str(len(ack.lines))))]
    return segs


# -- DESADV ---------------------------------------------------------------------------
def read_desadv(body: list[Segment]) -> ShipNotice:
    first_cps = next((i for i, s in enumerate(body) if s.tag == "CPS"), len(body))
    header = body[:first_cps]
    bgm = next(s for s in header if s.tag == "BGM")
    stamp = next((s for s in header if s.tag == "DTM" and s.get(1, 1) == "137"), None)
    text = stamp.get(1, 2) if stamp else ""
    notice = ShipNotice(
        shipment_id=bgm.get(2, 1),
        date=required_date(text, "DTM+137", "203"),
        time=text[8:12] if len(text) >= 12 else "0000",
        purpose=_purpose(bgm),
        ship_date=_find_dtm(header, "11"),
        bill_of_lading=_reference(header, "BM")[0],
        tracking_number=_reference(header, "CN")[0],
        parties=_parties(header),
    )
    for s in header:
        if s.tag == "TDT":
            notice.carrier = s.get(5, 1)
        elif s.tag == "MEA" and s.get(1) == "WT":
            notice.gross_weight, notice.weight_unit = to_decimal(s.get(3, 2)), s.get(3, 1)
    orders: dict[str, ShipOrder] = {}
    sscc: str | None = None
    item: ShipItem | None = None
    group: list[Segment] = []

    def flush() -> None:
        if item is None:
            return
        number, when = _reference(group, "ON")
        order = orders.get(number)
        if order is None:
            order = orders[number] = ShipOrder(number, when)
            notice.orders.append(order)
        if sscc is None:
            order.items.append(item)
            return
        package = next((p for p in order.packages if p.sscc == sscc), None)
        if package is None:
            package = Package(sscc)
            order.packages.append(package)
        package.items.append(item)

    for s in body[first_cps:]:
        if s.tag in ("CPS", "LIN"):
            flush()
            item, group = None, []
            if s.tag == "CPS":
                sscc = None
                continue
            item = ShipItem(s.get(1), Decimal(0))
            group = [s]
        elif s.tag == "GIN" and s.get(1) == "BJ" and item is None:
            sscc = s.get(2, 1)
        elif item is not None:
            group.append(s)
            if s.tag == "QTY" and s.get(1, 1) == "12":
                item.quantity, item.unit = to_decimal(s.get(1, 2)) or Decimal(0), s.get(1, 3)
        if item is not None and s.tag in ("PIA", "IMD", "LIN"):
            item.product_ids, item.description = _product_ids(group), _description(group)
    flush()
    return notice


def write_desadv(notice: ShipNotice) -> list[Segment]:
    stamp = f"{from_date(notice.date)}{(notice.time or '0000')[:4]}"
    segs = [_bgm("351", notice.shipment_id, notice.purpose), _seg("DTM", ("137", stamp, "203"))]
    if notice.ship_date:
        segs.append(_dtm("11", notice.ship_date))
    if notice.gross_weight is not None:
        segs.append(
            _seg("MEA", "WT", ("AAB",), (notice.weight_unit, from_decimal(notice.gross_weight)))
        )
    for qualifier, value in (("BM", notice.bill_of_lading), ("CN", notice.tracking_number)):
        if value:
            segs.append(_seg("RFF", (qualifier, value)))
    segs += _write_parties(notice.parties)
    if notice.carrier:
        segs.append(_seg("TDT", "20", "", "", "", (notice.carrier, "", "182")))
    segs.append(_seg("CPS", "1"))
    level = 1

    def items(order: ShipOrder, entries: list[ShipItem]) -> Iterator[Segment]:
        for item in entries:
            yield from _write_item(item.line_number, item.product_ids, item.description)
            yield _qty_seg("12", item.quantity, item.unit)
            yield _seg("RFF", ("ON", order.order_number))
            if order.order_date:
                yield _dtm("171", order.order_date)

    for order in notice.orders:
        for package in order.packages:
            level += 1
            segs += [
                _seg("CPS", str(level), "1"),
                _seg("PAC", "1"),
                _seg("PCI", "33E"),
                _seg("GIN", "BJ", (package.sscc,)),
            ]
            segs += items(order, package.items)
        if order.items:
            level += 1
            segs.append(_seg("CPS", str(level), "1"))
            segs += items(order, order.items)
    segs.append(_seg("CNT", ("2", str(sum(1 for s in segs if s.tag == "LIN")))))
    return segs


# -- INVOIC ---------------------------------------------------------------------------
def read_invoic(body: list[Segment]) -> Invoice:
    header, lines, summary = _split(body)
    bgm = next(s for s in header if s.tag == "BGM")
    order_number, order_date = _reference(header, "ON")
    invoice = Invoice(
        number=bgm.get(2, 1),
        date=required_date(_date_text(header, "137") or _date_text(header, "3"), "DTM+137"),
        order_number=order_number,
        order_date=order_date,
        purpose=_purpose(bgm),
        currency=_currency(header),
        parties=_parties(header),
    )
    for group in lines:
        quantity, unit = _qty(group, "47")
        invoice.lines.append(
            InvoiceLine(
                line_number=group[0].get(1),
                quantity=quantity or Decimal(0),
                unit=unit,
                unit_price=_price(group),
                product_ids=_product_ids(group),
                description=_description(group),
            )
        )
    for i, s in enumerate(summary):
        if s.tag == "MOA" and s.get(1, 1) in ("86", "77") and invoice.total_amount is None:
            invoice.total_amount = to_decimal(s.get(1, 2))
        elif s.tag == "TAX":
            following = summary[i + 1 : i + 2]
            amount = next(
                (
                    to_decimal(m.get(1, 2))
                    for m in following
                    if m.tag == "MOA" and m.get(1, 1) == "124"
                ),
                None,
            )
            invoice.taxes.append(Tax(s.get(2, 1), amount, to_decimal(s.get(5, 4))))
    return invoice


def write_invoic(invoice: Invoice) -> list[Segment]:
    segs = [_bgm("380", invoice.number, invoice.purpose), _dtm("137", invoice.date)]
    if invoice.order_number:
        segs.append(_seg("RFF", ("ON", invoice.order_number)))
        if invoice.order_date:
            segs.append(_dtm("171", invoice.order_date))
    segs += _write_parties(invoice.parties)
    if invoice.currency:
        segs.append(_seg("CUX", ("2", invoice.currency, "4")))
    for line in invoice.lines:
        segs += _write_item(line.line_number, line.product_ids, line.description)
        segs.append(_qty_seg("47", line.quantity, line.unit))
        if line.unit_price is not None:
            segs.append(_seg("PRI", ("AAA", from_decimal(line.unit_price))))
    segs += [_seg("UNS", "S"), _seg("CNT", ("2", str(len(invoice.lines))))]
    if invoice.total_amount is not None:
        segs.append(_seg("MOA", ("86", from_decimal(invoice.total_amount))))
    for tax in invoice.taxes:
        segs.append(_seg("TAX", "7", (tax.type,), "", "", ("", "", "", from_decimal(tax.rate))))
        if tax.amount is not None:
            segs.append(_seg("MOA", ("124", from_decimal(tax.amount))))
    return segs
