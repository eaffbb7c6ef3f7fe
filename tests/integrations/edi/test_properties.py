"""Property tests: any legal separators round-trip; mutated or cut input never crashes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from edi_factories import OWN_SAMPLES, document, envelope
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from integrations.edi import (
    EDIFACT,
    X12,
    Address,
    Delimiters,
    OrderLine,
    Party,
    ProductId,
    PurchaseOrder,
    parse,
    to_canonical_json,
    to_document,
    write_documents,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
X12_TEXT = (
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/#", min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
EDIFACT_TEXT = (
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/'+:?*", min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
SEPARATORS = "*|!^~>:;@`{}\\=%&$\x1c\x1d\x1e\x1f"
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def delimiters(draw: st.DrawFn, standard: str) -> Delimiters:
    pool = SEPARATORS.replace("-", "").replace("/", "").replace("#", "")
    if standard == EDIFACT:
        pool = "".join(c for c in pool if c not in "'+:?*")
    chars = draw(st.lists(st.sampled_from(pool), min_size=5, max_size=5, unique=True))
    element, component, segment, repetition, release = chars
    if standard == X12:
        if draw(st.booleans()):
            segment = "\n"
        return Delimiters(
            element,
            component,
            segment,
            repetition,
            suffix=draw(st.sampled_from(["", "\n", "\r\n"])) if segment != "\n" else "",
        )
    return Delimiters(
        element, component, segment, None, release, suffix=draw(st.sampled_from(["", "\n"]))
    )


@st.composite
def orders(draw: st.DrawFn, standard: str) -> PurchaseOrder:
    text = X12_TEXT if standard == X12 else EDIFACT_TEXT
    ids = text.filter(lambda t: len(t) >= 2)
    postal = st.text("0123456789", min_size=3, max_size=9)
    parties = [
        Party(
            role,
            draw(text),
            draw(ids),
            "92",
            Address([draw(text)], draw(ids), "", draw(postal), "US")
            if draw(st.booleans())
            else None,
        )
        for role in draw(st.lists(st.sampled_from(["BY", "ST", "SU"]), max_size=3, unique=True))
    ]
    lines = [
        OrderLine(
            str(n),
            draw(amounts),
            "EA",
            draw(st.none() | amounts),
            [
                ProductId(q, draw(text))
                for q in draw(
                    st.lists(st.sampled_from(["BP", "VN", "UP"]), max_size=3, unique=True)
                )
            ],
            draw(st.just("") | text),
            draw(st.none() | dates),
        )
        for n in range(1, draw(st.integers(1, 5)) + 1)
    ]
    return PurchaseOrder(
        draw(text),
        draw(dates),
        order_type="SA" if standard == X12 else "220",
        requested_delivery_date=draw(st.none() | dates),
        currency=draw(st.sampled_from(["", "USD", "EUR"])),
        parties=parties,
        lines=lines,
    )


@SETTINGS
@given(st.data())
def test_x12_orders_round_trip_with_any_separators(data: st.DataObject) -> None:
    po = data.draw(orders(X12))
    d = data.draw(delimiters(X12))
    result = parse(write_documents([po], envelope(X12, version="005010", delimiters=d)))
    assert result.ok, [str(e) for e in result.errors]
    assert to_document(result.transactions[0], X12) == po


@SETTINGS
@given(st.data())
def test_edifact_orders_round_trip_with_any_separators(data: st.DataObject) -> None:
    po = data.draw(orders(EDIFACT))
    d = data.draw(delimiters(EDIFACT))
    result = parse(write_documents([po], envelope(EDIFACT, delimiters=d)))
    assert result.ok, [str(e) for e in result.errors]
    assert to_document(result.transactions[0], EDIFACT) == po


VALID = [
    (OWN_SAMPLES / n).read_bytes()
    for n in ("850_004010.edi", "orders_d96a.edi", "orders_d01b_una.edi", "856_004010.edi")
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "delete", "insert", "replace"]))
        at = draw(st.integers(0, len(data)))
        if kind == "cut":
            del data[at:]
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif kind == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=8)
                | st.sampled_from(
                    [b"~", b"*", b"'", b"+", b":", b"?", b"\n", b"ISA", b"UNA", b"SE*1*1~"]
                )
            )
        else:
            data[at : at + 1] = draw(st.binary(min_size=1, max_size=1))
    return bytes(data)


#: Found by this test: a Latin-1 "¹" passes ``str.isdigit`` but not ``int``, and crashed the
#: date check of a DTM segment.
SUPERSCRIPT_IN_A_DATE = VALID[0].replace(b"DTM*002*20240520", b"DTM*002*2024\xb9520", 1)
assert VALID[0] != SUPERSCRIPT_IN_A_DATE


@settings(max_examples=300, deadline=None)
@given(mutated())
@example(SUPERSCRIPT_IN_A_DATE)
@example(SUPERSCRIPT_IN_A_DATE.replace(b"2024\xb9520", b"\xb90240520"))
def test_mutated_input_never_crashes_and_errors_are_located(data: bytes) -> None:
    result = parse(data)
    for error in result.errors:
        assert error.line is not None and error.line >= 1
        assert error.message
    if not result.ok:
        assert any(e.is_error for e in result.errors)


LAYOUTS = ["", "\n", "\r\n", "\r", "\r\n  ", "\n\t", "  \r\n\t  ", "\r\n\r\n"]
DOCUMENT_KINDS = ["purchase_order", "order_ack", "ship_notice", "invoice"]


def _without_warnings(canonical: dict) -> dict:
    """Indentation is reported as a warning; everything else must be identical."""
    assert all(e["severity"] == "warning" for e in canonical["errors"]), canonical["errors"]
    return {**canonical, "errors": []}


@SETTINGS
@given(st.data())
def test_any_interchange_with_any_layout_parses_to_the_same_canonical_json(
    data: st.DataObject,
) -> None:
    """What our writer produces, with any separators and any line layout after the
    terminators (CR, LF, CRLF, blank lines, indentation), reads back as the same canonical JSON
    as the plain file (the tolerated indentation aside, which is a warning)."""
    standard = data.draw(st.sampled_from([X12, EDIFACT]))
    kind = data.draw(st.sampled_from(DOCUMENT_KINDS))
    doc = document(kind, standard)
    version = data.draw(
        st.sampled_from(["004010", "005010"] if standard == X12 else ["D96A", "D01B"])
    )
    plain = write_documents([doc], envelope(standard, version=version))
    expected = _without_warnings(to_canonical_json(parse(plain)))
    d = data.draw(delimiters(standard))
    layout = "" if d.segment in "\r\n" else data.draw(st.sampled_from(LAYOUTS))
    laid_out = replace(d, suffix=layout)
    text = write_documents([doc], envelope(standard, version=version, delimiters=laid_out))
    if data.draw(st.booleans()):
        text = b"\xef\xbb\xbf" + text
    result = parse(text)
    assert result.ok, [str(e) for e in result.errors]
    assert _without_warnings(to_canonical_json(result)) == expected
