"""Transaction sets and messages we have no table for (270, 835, 834, 210, 322, QUOTES, …):
the envelope is checked, the segments are parsed generically, and the acknowledgment says
"not supported" for that set (AK5/IK5 R 1, CONTRL UCM 4 / 17) instead of accepting it."""

from __future__ import annotations

import pytest
from edi_factories import OWN_SAMPLES

from integrations.edi import Envelope, acknowledge, parse, to_canonical_json, to_document, write

X12 = (OWN_SAMPLES / "850_004010.edi").read_bytes()
EDI = (OWN_SAMPLES / "orders_d96a.edi").read_bytes()
HEAD, TAIL = X12[: X12.index(b"ST*")], X12[X12.index(b"GE*") :]
PO = X12[X12.index(b"ST*") : X12.index(b"GE*")]

BODIES = {
    "270": (
        b"HS",
        b"BHT*0022*13*10001234*20240506*1319~\nHL*1**20*1~\nNM1*PR*2*ABC*****PI*842610001~\n",
    ),
    "835": (
        b"HP",
        b"BPR*I*100*C*ACH*CCP*01*999999992*DA*123456*1512345678**01*999988880*DA*98765*20240506~\nTRN*1*12345*1512345678~\nCLP*7722337*1*226*132**12*119932404007801~\n",
    ),
    "834": (b"BE", b"BGN*00*12456*20240506*1200****2~\nINS*Y*18*030*XN*A*E**FT~\n"),
    "210": (b"IM", b"B3**INV1*PRO1*PP**20240506*1500****SCAC~\nLX*1~\nL5*1*WIDGETS~\n"),
    "322": (b"SO", b"ZC1**REF1*ARV~\nQ5*A*20240506*1200*ATL~\n"),
}


def x12(type_: str, body: bytes, count: int = 1) -> bytes:
    gs, seg = BODIES[type_][0], BODIES[type_][1]
    tx = b"".join(
        b"ST*%s*%04d~\n" % (type_.encode(), n) + seg + b"SE*%d*%04d~\n" % (seg.count(b"~") + 2, n)
        for n in range(1, count + 1)
    )
    return HEAD.replace(b"GS*PO", b"GS*" + gs) + tx + TAIL.replace(b"GE*1", b"GE*%d" % count)


US = Envelope("X12", sender="CONCORD", receiver="", control_number=7)


@pytest.mark.parametrize("type_", sorted(BODIES))
def test_unknown_x12_sets_parse_generically_and_are_acknowledged_not_supported(type_: str) -> None:
    data = x12(type_, BODIES[type_][1], count=2)
    result = parse(data)
    assert result.ok, [str(e) for e in result.errors]
    assert [t.supported for t in result.transactions] == [False, False]
    body = result.transactions[0].segments[1:-1]
    assert [s.tag for s in body] == [
        line.split(b"*")[0].decode() for line in BODIES[type_][1].split(b"~\n")[:-1]
    ]
    assert to_document(result.transactions[0], "X12") is None
    assert to_canonical_json(result)["ok"] is True
    for kind, tag in (("997", b"AK5"), ("999", b"IK5")):
        [ack] = acknowledge(result, US, kind=kind)
        text = write(ack)
        assert text.count(tag + b"*R*1~") == 2 and b"AK9*R*2*2*0~" in text


def test_envelope_errors_are_still_found_in_unknown_sets() -> None:
    data = x12("835", BODIES["835"][1]).replace(b"SE*5*0001", b"SE*9*0001")
    result = parse(data)
    assert not result.ok and any(e.segment_tag == "SE" for e in result.errors)
    text = write(acknowledge(result, US)[0])
    assert b"AK5*R*1*4~" in text


def test_a_group_with_known_and_unknown_sets_is_partially_accepted() -> None:
    data = (
        HEAD
        + PO
        + x12("835", BODIES["835"][1])[len(HEAD) :]
        .replace(b"*0001~", b"*0002~")
        .replace(b"GE*1", b"GE*2")
    )
    result = parse(data)
    assert result.ok, [str(e) for e in result.errors]
    text = write(acknowledge(result, US)[0])
    assert b"AK5*A~" in text and b"AK5*R*1~" in text and b"AK9*P*2*2*1~" in text


@pytest.mark.parametrize("message", ["QUOTES", "IFTSTA", "PRICAT"])
def test_unknown_edifact_messages_get_a_contrl_saying_not_supported(message: str) -> None:
    result = parse(EDI.replace(b"ORDERS", message.encode()))
    assert result.ok and [t.supported for t in result.transactions] == [False]
    [ack] = acknowledge(
        result, Envelope("EDIFACT", sender="CONCORD", receiver="", control_number=7)
    )
    assert b"UCM+1+%s:D:96A:UN+4+17+UNH+2'" % message.encode() in write(ack)


@pytest.mark.parametrize("type_", sorted(BODIES))
def test_garbled_unknown_sets_never_crash(type_: str) -> None:
    data = x12(type_, BODIES[type_][1])
    for cut in range(len(HEAD), len(data), 7):
        result = parse(data[:cut] + b"*~~**\n" + data[cut:])
        acknowledge(result, US)
        to_canonical_json(result)
