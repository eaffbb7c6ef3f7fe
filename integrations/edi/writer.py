"""Serialising segments and interchanges, with the separators a trading partner wants.

`write` turns an `Interchange` tree into bytes exactly as it stands (so parse → write →
parse is equal). `build_interchange` wraps business documents or transaction bodies in a new
envelope with correct control numbers and counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .delimiters import EDIFACT, EDIFACT_LEVEL_A, X12, X12_DEFAULT, Delimiters, una_string
from .model import FunctionalGroup, Interchange, Segment, Transaction, Value
from .reader import ISA_WIDTHS

# X12 functional identifier (GS01) per transaction set.
FUNCTIONAL_IDS = {
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "810": "IN",
    "997": "FA",
    "999": "FA",
    "860": "PC",
    "865": "CA",
    "846": "IB",
    "812": "CD",
    "820": "RA",
}
_ENCODINGS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "latin-1",
    "UNOY": "utf-8",
    "UNOW": "utf-8",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
}


class EdiWriteError(ValueError):
    """The data cannot be written with the chosen separators or character set."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sends to whom, and how: the per-trading-partner settings of an outbound interchange."""

    standard: str
    sender: str
    receiver: str
    control_number: int
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    version: str = ""  # "004010" / "005010" (GS08), "D96A" / "D01B" (UNH); default per standard
    test: bool = False
    acknowledgment_requested: bool = False
    delimiters: Delimiters | None = None
    syntax_id: str = "UNOC"  # EDIFACT character set
    syntax_version: str = "3"
    association: str = ""  # EDIFACT association assigned code (e.g. EAN008)
    application_sender: str = ""  # GS02 (default: sender)
    application_receiver: str = ""  # GS03 (default: receiver)
    timestamp: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def resolved_version(self) -> str:
        return self.version or ("004010" if self.standard == X12 else "D96A")

    @property
    def resolved_delimiters(self) -> Delimiters:
        if self.delimiters is not None:
            return self.delimiters
        if self.standard == X12:
            v5 = self.resolved_version >= "005"
            return X12_DEFAULT if v5 else Delimiters("*", ">", "~", None, suffix="\n")
        return Delimiters(**{**_asdict(EDIFACT_LEVEL_A), "suffix": "\n"})


def _asdict(d: Delimiters) -> dict[str, object]:
    return {k: getattr(d, k) for k in d.__slots__}


# -- segments --------------------------------------------------------------------------
def _escape(text: str, d: Delimiters, edifact: bool) -> str:
    if edifact and d.release:
        rel = d.release
        if any(c in text for c in d.service_chars()):
            text = text.replace(rel, rel + rel)
            for c in d.service_chars() - {rel}:
                text = text.replace(c, rel + c)
        return text
    bad = [c for c in d.service_chars() if c in text]
    if bad:
        raise EdiWriteError(f"value {text!r} contains the separator {bad[0]!r}")
    return text


def _value(value: Value, d: Delimiters, edifact: bool) -> str:
    if isinstance(value, list):
        if not d.repetition:
            raise EdiWriteError("repeated element but no repetition separator is set")
        return d.repetition.join(_value(v, d, edifact) for v in value)
    if isinstance(value, tuple):
        if not d.component:
            raise EdiWriteError("composite element but no component separator is set")
        parts = [_escape(v, d, edifact) for v in value]
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        return d.component.join(parts)
    return _escape(value, d, edifact)


def segment_text(seg: Segment, d: Delimiters, edifact: bool) -> str:
    """One segment with its terminator (and the writer's suffix, e.g. a newline)."""
    if seg.tag == "ISA":
        return _isa_text(seg, d)
    values = [_value(v, d, edifact) for v in seg.elements]
    while values and values[-1] == "":
        values.pop()
    return d.element.join([seg.tag, *values]) + d.segment + d.suffix


def _isa_text(seg: Segment, d: Delimiters) -> str:
    fields = [str(v) for v in seg.elements[:15]]
    if d.repetition and fields[11] >= "00402":
        fields[10] = d.repetition
    fields.append(d.component or "")
    return "ISA" + d.element + d.element.join(fields) + d.segment + d.suffix


def needs_una(d: Delimiters) -> bool:
    """True unless ``d`` are the level A defaults (the suffix does not matter)."""
    a = EDIFACT_LEVEL_A
    mine = (d.element, d.component, d.segment, d.release, d.decimal, d.repetition)
    return mine != (a.element, a.component, a.segment, a.release, a.decimal, a.repetition)


def trim(elements: list[Value]) -> list[Value]:
    """Drop trailing empty elements (and empty trailing components)."""
    out = list(elements)
    while out and out[-1] in ("", ()):
        out.pop()
    return out


# -- interchanges ----------------------------------------------------------------------
def write(
    interchange: Interchange, delimiters: Delimiters | None = None, encoding: str | None = None
) -> bytes:
    """Serialise ``interchange`` as it stands (its own delimiters unless others are given)."""
    encoding = encoding or _encoding(interchange)
    text = write_text(interchange, delimiters)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise EdiWriteError(
            f"character {bad!r} cannot be written in {interchange.version} ({encoding})"
        ) from exc


def write_text(interchange: Interchange, delimiters: Delimiters | None = None) -> str:
    d = delimiters or interchange.delimiters
    edifact = interchange.standard == EDIFACT
    parts: list[str] = []
    if edifact and needs_una(d):
        parts.append(una_string(d) + d.suffix)
    segs: list[Segment] = [interchange.header] if interchange.header else []
    segs += interchange.ta1
    for group in interchange.groups:
        if group.header:
            segs.append(group.header)
        for tx in group.transactions:
            segs += tx.segments
        if group.trailer:
            segs.append(group.trailer)
    if interchange.trailer:
        segs.append(interchange.trailer)
    parts += [segment_text(s, d, edifact) for s in segs]
    return "".join(parts)


def _encoding(interchange: Interchange) -> str:
    if interchange.standard == X12:
        return "utf-8"
    return _ENCODINGS.get(interchange.version.split(":")[0], "utf-8")


def build_interchange(
    transactions: list[tuple[str, list[Segment]]], envelope: Envelope
) -> Interchange:
    """Wrap transaction bodies (type, segments without header/trailer) in a fresh envelope.

    Control numbers: interchange = ``envelope.control_number``; groups and transaction sets
    are numbered from 1 within it. Counts are computed.
    """
    e, d = envelope, envelope.resolved_delimiters
    d.check()
    ts = e.timestamp
    ctl = str(e.control_number)
    if e.standard == X12:
        version = e.resolved_version
        isa_version = "00501" if version >= "005" else "00401"
        isa = Segment(
            "ISA",
            [
                "00",
                "",
                "00",
                "",
                e.sender_qualifier,
                e.sender,
                e.receiver_qualifier,
                e.receiver,
                ts.strftime("%y%m%d"),
                ts.strftime("%H%M"),
                d.repetition if d.repetition and isa_version >= "00402" else "U",
                isa_version,
                ctl.zfill(9),
                "1" if e.acknowledgment_requested else "0",
                "T" if e.test else "P",
            ],
        )
        isa.elements = [
            str(v).ljust(w)[:w] if i not in (10,) else v
            for i, (v, w) in enumerate(zip(isa.elements, ISA_WIDTHS, strict=False))
        ]
        interchange = Interchange(
            X12,
            e.sender_qualifier,
            e.sender,
            e.receiver_qualifier,
            e.receiver,
            ts.strftime("%y%m%d"),
            ts.strftime("%H%M"),
            ctl.zfill(9),
            isa_version,
            e.test,
            d,
            isa,
            acknowledgment_requested=e.acknowledgment_requested,
        )
        by_function: dict[str, list[tuple[str, list[Segment]]]] = {}
        for type_, body in transactions:
            by_function.setdefault(FUNCTIONAL_IDS.get(type_, "ZZ"), []).append((type_, body))
        for gno, (fid, items) in enumerate(by_function.items(), 1):
            gs = Segment(
                "GS",
                [
                    fid,
                    e.application_sender or e.sender,
                    e.application_receiver or e.receiver,
                    ts.strftime("%Y%m%d"),
                    ts.strftime("%H%M"),
                    str(gno),
                    "X",
                    version,
                ],
            )
            group = FunctionalGroup(
                fid, gs.get(2), gs.get(3), gs.get(4), gs.get(5), str(gno), version, header=gs
            )
            for tno, (type_, body) in enumerate(items, 1):
                number = str(tno).zfill(4)
                st = Segment("ST", [type_, number])
                if type_ == "999":
                    st.elements.append("005010X231")
                se = Segment("SE", [str(len(body) + 2), number])
                group.transactions.append(Transaction(type_, number, version, [st, *body, se]))
            group.trailer = Segment("GE", [str(len(items)), str(gno)])
            interchange.groups.append(group)
        interchange.trailer = Segment("IEA", [str(len(interchange.groups)), ctl.zfill(9)])
        return interchange
    version = e.resolved_version
    unb = Segment(
        "UNB",
        trim(
            [
                (e.syntax_id, e.syntax_version),
                (e.sender, e.sender_qualifier),
                (e.receiver, e.receiver_qualifier),
                (ts.strftime("%y%m%d"), ts.strftime("%H%M")),
                ctl,
                "",
                "",
                "",
                "1" if e.acknowledgment_requested else "",
                "",
                "1" if e.test else "",
            ]
        ),
    )
    interchange = Interchange(
        EDIFACT,
        e.sender_qualifier,
        e.sender,
        e.receiver_qualifier,
        e.receiver,
        unb.get(4, 1),
        unb.get(4, 2),
        ctl,
        f"{e.syntax_id}:{e.syntax_version}",
        e.test,
        d,
        unb,
        acknowledgment_requested=e.acknowledgment_requested,
    )
    group = FunctionalGroup("", e.sender, e.receiver, unb.get(4, 1), unb.get(4, 2), "", "")
    for mno, (type_, body) in enumerate(transactions, 1):
        ref = str(mno)
        ident: tuple[str, ...] = (type_, version[0], version[1:], "UN")
        if type_ == "CONTRL":
            ident = (
                ("CONTRL", "4", "1", "UN")
                if e.syntax_version == "4"
                else ("CONTRL", "D", "3", "UN")
            )
        elif e.association:
            ident += (e.association,)
        unh = Segment("UNH", [ref, ident])
        unt = Segment("UNT", [str(len(body) + 2), ref])
        group.transactions.append(
            Transaction(type_, ref, version, [unh, *body, unt], e.association)
        )
    interchange.groups.append(group)
    interchange.trailer = Segment("UNZ", [str(len(transactions)), ctl])
    return interchange
