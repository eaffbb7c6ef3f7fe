"""X12 850 / 855 / 856 / 810 ↔ business documents."""

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
from ..model import Segment
from ..writer import trim
from .common import (
    PURPOSES,
    X12_PURPOSE,
    MappingError,
    from_date,
    from_decimal,
    required_date,
    to_date,
    to_decimal,
)

ACK_STATUS = {"accepted": "IA", "changed": "IC", "rejected": "IR", "backordered": "IB"}
_ACK_READ = {
    "IA": "accepted",
    "AC": "accepted",
    "AR": "accepted",
    "IR": "rejected",
    "R1": "rejected",
    "R2": "rejected",
    "R3": "rejected",
    "R4": "rejected",
    "ID": "rejected",
    "IB": "backordered",
}
BAK_STATUS = {"accepted": "AD", "changed": "AC", "rejected": "RD"}
_BAK_READ = {
    "AD": "accepted",
    "AK": "accepted",
    "AT": "accepted",
    "AC": "changed",
    "AE": "changed",
    "RD": "rejected",
    "RJ": "rejected",
    "RF": "rejected",
    "RO": "rejected",
}


def _seg(tag: str, *elements: str) -> Segment:
    return Segment(tag, trim(list(elements)))


def _product_ids(seg: Segment, start: int, end: int) -> list[ProductId]:
    """Qualifier/value pairs from element ``start`` on; pairs past the last element are empty."""
    get = seg.get
    end = min(end, len(seg.elements))
    return [ProductId(get(i), value) for i in range(start, end, 2) if (value := get(i + 1))]


def _product_elements(ids: list[ProductId]) -> list[str]:
    return [x for p in ids for x in (p.qualifier, p.value)]


# -- parties (N1 loop) ----------------------------------------------------------------
def _read_party(segs: list[Segment], i: int) -> tuple[Party, int]:
    n1 = segs[i]
    party = Party(n1.get(1), n1.get(2), n1.get(4), n1.get(3))
    i += 1
    while i < len(segs) and segs[i].tag in ("N2", "N3", "N4", "REF", "PER"):
        seg = segs[i]
        if seg.tag in ("N3", "N4"):
            party.address = party.address or Address()
        if seg.tag == "N3" and party.address is not None:
            party.address.lines += [v for v in (seg.get(1), seg.get(2)) if v]
        elif seg.tag == "N4" and party.address is not None:
            a = party.address
            a.city, a.state, a.postal_code, a.country = (seg.get(k) for k in (1, 2, 3, 4))
        i += 1
    return party, i


def _write_parties(parties: list[Party]) -> Iterator[Segment]:
    for p in parties:
        yield _seg("N1", p.role, p.name, p.id_qualifier if p.id else "", p.id)
        if p.address is not None:
            lines = p.address.lines
            for k in range(0, len(lines), 2):
                yield _seg("N3", *lines[k : k + 2])
            a = p.address
            if a.city or a.state or a.postal_code or a.country:
                yield _seg("N4", a.city, a.state, a.postal_code, a.country)


def _parties(body: list[Segment]) -> list[Party]:
    parties, i = [], 0
    while i < len(body):
        if body[i].tag == "N1":
            party, i = _read_party(body, i)
            parties.append(party)
        else:
            i += 1
    return parties


def _header(body: list[Segment], stop: str) -> list[Segment]:
    out = []
    for seg in body:
        if seg.tag == stop:
            break
        out.append(seg)
    return out


def _loops(body: list[Segment], trigger: str, stop: tuple[str, ...]) -> list[list[Segment]]:
    loops: list[list[Segment]] = []
    for seg in body:
        if seg.tag == trigger:
            loops.append([seg])
        elif seg.tag in stop:
            break
        elif loops:
            loops[-1].append(seg)
    return loops


def _first(segs: list[Segment], tag: str, qualifier: str | None = None) -> Segment | None:
    """The first ``tag`` segment (whose first element is ``qualifier``, when given)."""
    for seg in segs:
        if seg.tag == tag and (qualifier is None or seg.get(1) == qualifier):
            return seg
    return None


def _description(loop: list[Segment]) -> str:
    pid = _first(loop, "PID", "F")
    return pid.get(5) if pid else ""


def _dtm(segs: list[Segment], qualifier: str) -> date | None:
    dtm = _first(segs, "DTM", qualifier)
    return to_date(dtm.get(2)) if dtm else None


# -- 850 ------------------------------------------------------------------------------
def read_850(body: list[Segment]) -> PurchaseOrder:
    order = _read_850_header(_header(body, "PO1"))
    order.lines = [_read_850_line(loop) for loop in _loops(body, "PO1", ("CTT", "SE"))]
    return order


def _read_850_header(header: list[Segment]) -> PurchaseOrder:
    beg = _first(header, "BEG")
    if beg is None:
        raise MappingError("850 has no header segment")
    cur = _first(header, "CUR")
    purpose = beg.get(1)
    return PurchaseOrder(
        number=beg.get(3),
        date=required_date(beg.get(5), "BEG05"),
        purpose=X12_PURPOSE.get(purpose, purpose),
        order_type=beg.get(2),
        requested_delivery_date=_dtm(header, "002"),
        currency=cur.get(2) if cur else "",
        parties=_parties(header),
    )


def _read_850_line(loop: list[Segment]) -> OrderLine:
    get = loop[0].get
    return OrderLine(
        line_number=get(1),
        quantity=to_decimal(get(2)) or Decimal(0),
        unit=get(3),
        unit_price=to_decimal(get(4)),
        product_ids=_product_ids(loop[0], 6, 26),
        description=_description(loop),
        requested_delivery_date=_dtm(loop, "002"),
    )


def write_850(po: PurchaseOrder) -> list[Segment]:
    segs = [
        _seg(
            "BEG",
            PURPOSES.get(po.purpose, (po.purpose,))[0],
            po.order_type or "SA",
            po.number,
            "",
            from_date(po.date),
        )
    ]
    if po.currency:
        segs.append(_seg("CUR", "BY", po.currency))
    if po.requested_delivery_date:
        segs.append(_seg("DTM", "002", from_date(po.requested_delivery_date)))
    segs += _write_parties(po.parties)
    for line in po.lines:
        segs.append(
            _seg(
                "PO1",
                line.line_number,
                from_decimal(line.quantity),
                line.unit,
                from_decimal(line.unit_price),
                "",
                *_product_elements(line.product_ids),
            )
        )
        if line.description:
            segs.append(_seg("PID", "F", "", "", "", line.description))
        if line.requested_delivery_date:
            segs.append(_seg("DTM", "002", from_date(line.requested_delivery_date)))
    segs.append(_seg("CTT", str(len(po.lines))))
    return segs


# -- 855 ------------------------------------------------------------------------------
def read_855(body: list[Segment]) -> PurchaseOrderAck:
    header = _header(body, "PO1")
    bak = next(s for s in header if s.tag == "BAK")
    cur = next((s for s in header if s.tag == "CUR"), None)
    ack = PurchaseOrderAck(
        order_number=bak.get(3),
        order_date=required_date(bak.get(4), "BAK04"),
        status=_BAK_READ.get(bak.get(2), "changed"),
        ack_number=bak.get(6),
        ack_date=to_date(bak.get(9)),
        purpose=X12_PURPOSE.get(bak.get(1), bak.get(1)),
        currency=cur.get(2) if cur else "",
        parties=_parties(header),
    )
    for loop in _loops(body, "PO1", ("CTT", "SE")):
        po1 = loop[0]
        ack_seg = next((s for s in loop if s.tag == "ACK"), None)
        ack.lines.append(
            AckLine(
                line_number=po1.get(1),
                status=_ACK_READ.get(ack_seg.get(1), "changed") if ack_seg else "accepted",
                quantity=to_decimal(po1.get(2)) or Decimal(0),
                unit=po1.get(3),
                unit_price=to_decimal(po1.get(4)),
                product_ids=_product_ids(po1, 6, 26),
                description=_description(loop),
                acknowledged_quantity=to_decimal(ack_seg.get(2)) if ack_seg else None,
                scheduled_date=to_date(ack_seg.get(5)) if ack_seg else None,
            )
        )
    return ack


def write_855(ack: PurchaseOrderAck) -> list[Segment]:
    segs = [
        _seg(
            "BAK",
            PURPOSES.get(ack.purpose, (ack.purpose,))[0],
            BAK_STATUS.get(ack.status, "AC"),
            ack.order_number,
            from_date(ack.order_date),
            "",
            ack.ack_number,
            "",
            "",
            from_date(ack.ack_date),
        )
    ]
    if ack.currency:
        segs.append(_seg("CUR", "SE", ack.currency))
    segs += _write_parties(ack.parties)
    for line in ack.lines:
        segs.append(
            _seg(
                "PO1",
                line.line_number,
                from_decimal(line.quantity),
                line.unit,
                from_decimal(line.unit_price),
                "",
                *_product_elements(line.product_ids),
            )
        )
        if line.description:
            segs.append(_seg("PID", "F", "", "", "", line.description))
        has_qty = line.acknowledged_quantity is not None
        segs.append(
            _seg(
                "ACK",
                ACK_STATUS[line.status],
                from_decimal(line.acknowledged_quantity),
                line.unit if has_qty else "",
                "068" if line.scheduled_date else "",
                from_date(line.scheduled_date),
            )
        )
    segs.append(_seg("CTT", str(len(ack.lines))))
    return segs


# -- 856 ------------------------------------------------------------------------------
def read_856(body: list[Segment]) -> ShipNotice:
    bsn = next(s for s in body if s.tag == "BSN")
    notice = ShipNotice(
        shipment_id=bsn.get(2),
        date=required_date(bsn.get(3), "BSN03"),
        time=bsn.get(4),
        purpose=X12_PURPOSE.get(bsn.get(1), bsn.get(1)),
    )
    orders: dict[str, ShipOrder] = {}
    packages: dict[str, tuple[ShipOrder, Package]] = {}

    def order_for(parent: str) -> ShipOrder:
        if parent in orders:
            return orders[parent]
        if parent in packages:
            return packages[parent][0]
        order = orders[parent] = ShipOrder("")  # items or packages without an order level
        notice.orders.append(order)
        return order

    for loop in _loops(body, "HL", ("CTT", "SE")):
        hl_id, parent, code = (loop[0].get(i) for i in (1, 2, 3))
        if code == "S":
            _shipment_level(notice, loop)
        elif code == "O":
            prf = next((s for s in loop if s.tag == "PRF"), None)
            orders[hl_id] = ShipOrder(
                prf.get(1) if prf else "", to_date(prf.get(4)) if prf else None
            )
            notice.orders.append(orders[hl_id])
        elif code in ("P", "T"):
            man = next((s for s in loop if s.tag == "MAN"), None)
            order = order_for(parent)
            packages[hl_id] = (order, Package(man.get(2) if man else ""))
            order.packages.append(packages[hl_id][1])
        elif code == "I":
            lin = next((s for s in loop if s.tag == "LIN"), None)
            sn1 = next((s for s in loop if s.tag == "SN1"), None)
            item = ShipItem(
                line_number=lin.get(1) if lin else "",
                quantity=(to_decimal(sn1.get(2)) if sn1 else None) or Decimal(0),
                unit=sn1.get(3) if sn1 else "",
                product_ids=_product_ids(lin, 2, 32) if lin else [],
                description=_description(loop),
            )
            if parent in packages:
                packages[parent][1].items.append(item)
            else:
                order_for(parent).items.append(item)
    return notice


def _shipment_level(notice: ShipNotice, loop: list[Segment]) -> None:
    notice.ship_date = _dtm(loop, "011")
    for seg in loop:
        if seg.tag == "TD1" and seg.get(7):
            notice.gross_weight, notice.weight_unit = to_decimal(seg.get(7)), seg.get(8)
        elif seg.tag == "TD5" and seg.get(3):
            notice.carrier = seg.get(3)
        elif seg.tag == "REF" and seg.get(1) == "BM":
            notice.bill_of_lading = seg.get(2)
        elif seg.tag == "REF" and seg.get(1) == "CN":
            notice.tracking_number = seg.get(2)
    notice.parties = _parties(loop)


def write_856(notice: ShipNotice) -> list[Segment]:
    segs = [
        _seg(
            "BSN",
            PURPOSES.get(notice.purpose, (notice.purpose,))[0],
            notice.shipment_id,
            from_date(notice.date),
            notice.time or "0000",
        )
    ]
    hl = 1
    segs.append(_seg("HL", "1", "", "S", "1"))
    if notice.gross_weight is not None:
        segs.append(
            _seg(
                "TD1",
                "",
                "",
                "",
                "",
                "",
                "G",
                from_decimal(notice.gross_weight),
                notice.weight_unit,
            )
        )
    if notice.carrier:
        segs.append(_seg("TD5", "", "2", notice.carrier))
    if notice.bill_of_lading:
        segs.append(_seg("REF", "BM", notice.bill_of_lading))
    if notice.tracking_number:
        segs.append(_seg("REF", "CN", notice.tracking_number))
    if notice.ship_date:
        segs.append(_seg("DTM", "011", from_date(notice.ship_date)))
    segs += _write_parties(notice.parties)

    def items(parent: int, entries: list[ShipItem]) -> Iterator[Segment]:
        nonlocal hl
        for item in entries:
            hl += 1
            yield _seg("HL", str(hl), str(parent), "I", "0")
            yield _seg("LIN", item.line_number, *_product_elements(item.product_ids))
            yield _seg("SN1", "", from_decimal(item.quantity), item.unit)
            if item.description:
                yield _seg("PID", "F", "", "", "", item.description)

    for order in notice.orders:
        hl += 1
        order_hl = hl
        segs.append(_seg("HL", str(hl), "1", "O", "1"))
        segs.append(_seg("PRF", order.order_number, "", "", from_date(order.order_date)))
        for package in order.packages:
            hl += 1
            segs.append(_seg("HL", str(hl), str(order_hl), "P", "1"))
            segs.append(_seg("MAN", "GM", package.sscc))
            segs += items(hl, package.items)
        segs += items(order_hl, order.items)
    segs.append(_seg("CTT", str(hl)))
    return segs


# -- 810 ------------------------------------------------------------------------------
def read_810(body: list[Segment]) -> Invoice:
    header = _header(body, "IT1")
    big = next(s for s in header if s.tag == "BIG")
    cur = next((s for s in header if s.tag == "CUR"), None)
    invoice = Invoice(
        number=big.get(2),
        date=required_date(big.get(1), "BIG01"),
        order_number=big.get(4),
        order_date=to_date(big.get(3)),
        purpose=X12_PURPOSE.get(big.get(8), big.get(8)) if big.get(8) else "original",
        currency=cur.get(2) if cur else "",
        parties=_parties(header),
    )
    for loop in _loops(body, "IT1", ("TDS", "CTT", "SE")):
        it1 = loop[0]
        invoice.lines.append(
            InvoiceLine(
                line_number=it1.get(1),
                quantity=to_decimal(it1.get(2)) or Decimal(0),
                unit=it1.get(3),
                unit_price=to_decimal(it1.get(4)),
                product_ids=_product_ids(it1, 6, 26),
                description=_description(loop),
            )
        )
    summary = body[next((i for i, s in enumerate(body) if s.tag == "TDS"), len(body)) :]
    for seg in summary:
        if seg.tag == "TDS":
            invoice.total_amount = Decimal(int(seg.get(1) or 0)).scaleb(-2)
        elif seg.tag == "TXI":
            invoice.taxes.append(Tax(seg.get(1), to_decimal(seg.get(2)), to_decimal(seg.get(3))))
    return invoice


def write_810(invoice: Invoice) -> list[Segment]:
    purpose = "" if invoice.purpose == "original" else PURPOSES[invoice.purpose][0]
    segs = [
        _seg(
            "BIG",
            from_date(invoice.date),
            invoice.number,
            from_date(invoice.order_date),
            invoice.order_number,
            "",
            "",
            "",
            purpose,
        )
    ]
    if invoice.currency:
        segs.append(_seg("CUR", "SE", invoice.currency))
    segs += _write_parties(invoice.parties)
    for line in invoice.lines:
        segs.append(
            _seg(
                "IT1",
                line.line_number,
                from_decimal(line.quantity),
                line.unit,
                from_decimal(line.unit_price),
                "",
                *_product_elements(line.product_ids),
            )
        )
        if line.description:
            segs.append(_seg("PID", "F", "", "", "", line.description))
    total = invoice.total_amount if invoice.total_amount is not None else Decimal(0)
    segs.append(_seg("TDS", str(int((total * 100).to_integral_value()))))
    for tax in invoice.taxes:
        segs.append(_seg("TXI", tax.type, from_decimal(tax.amount), from_decimal(tax.rate)))
    segs.append(_seg("CTT", str(len(invoice.lines))))
    return segs
