"""Envelope and schema validation: each problem is reported with its code and position."""

from __future__ import annotations

import pytest
from edi_factories import OWN_SAMPLES

from integrations.edi import Level, ReaderOptions, Status, parse
from integrations.edi.schema import BUILTIN

X12_850 = (OWN_SAMPLES / "850_004010.edi").read_text()
ORDERS = (OWN_SAMPLES / "orders_d96a.edi").read_text()


def errors(text: str, options: ReaderOptions | None = None) -> set[tuple]:
    result = parse(text.encode("latin-1"), options)
    return {
        (e.level.name, e.code, e.line, e.segment_tag, e.element, e.component)
        for e in result.errors
        if e.is_error
    }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # mandatory element missing: PO102 is required by C0302 once PO103 is there
        ("PO1*1*10*EA", "PO1*1**EA", ("ELEMENT", "2", 14, "PO1", 2, None)),
        # BEG03 mandatory
        ("BEG*00*SA*PO-1001**", "BEG*00*SA***", ("ELEMENT", "1", 4, "BEG", 3, None)),
        # invalid date / time / numeric / too long / code list
        (
            "BEG*00*SA*PO-1001**20240506",
            "BEG*00*SA*PO-1001**20240231",
            ("ELEMENT", "8", 4, "BEG", 5, None),
        ),
        ("PO1*1*10*EA*10.25", "PO1*1*1O*EA*10.25", ("ELEMENT", "6", 14, "PO1", 2, None)),
        ("CUR*BY*USD", "CUR*BY*USDX", ("ELEMENT", "5", 5, "CUR", 2, None)),
        ("PID*F****WIDGET SIZE 1", "PID*Q****WIDGET SIZE 1", ("ELEMENT", "7", 15, "PID", 1, None)),
        # too many elements
        ("CTT*3", "CTT*3*1*1*1*1*1*1*1*1", ("ELEMENT", "3", 21, "CTT", 8, None)),
        # segment problems: unknown tag, not in set, out of sequence, missing mandatory
        ("CTT*3~", "ZZZ*1~\nCTT*3~", ("SEGMENT", "1", 21, "ZZZ", None, None)),
        ("CTT*3~", "BSN*00*1*20240101*1200~\nCTT*3~", ("SEGMENT", "6", 21, "BSN", None, None)),
        (
            "CUR*BY*USD~\nDTM*002*20240520~",
            "DTM*002*20240520~\nCUR*BY*USD~",
            ("SEGMENT", "7", 6, "CUR", None, None),
        ),
        # envelope: SE count, ST/SE control, GE count, IEA control
        ("SE*20*0001", "SE*21*0001", ("TRANSACTION", "4", 22, "SE", 1, None)),
        ("SE*20*0001", "SE*20*0002", ("TRANSACTION", "3", 22, "SE", 2, None)),
        ("GE*1*1", "GE*2*1", ("GROUP", "5", 23, "GE", 1, None)),
        ("GE*1*1", "GE*1*9", ("GROUP", "4", 23, "GE", 2, None)),
        ("IEA*1*000000042", "IEA*1*000000043", ("INTERCHANGE", "001", 24, "IEA", 2, None)),
        ("IEA*1*000000042", "IEA*2*000000042", ("INTERCHANGE", "021", 24, "IEA", 1, None)),
        ("*0708*U*00401*", "*0768*U*00401*", ("INTERCHANGE", "015", 1, "ISA", 10, None)),
    ],
)
def test_x12_850_errors(old: str, new: str, expected: tuple) -> None:
    assert old in X12_850
    assert expected in errors(X12_850.replace(old, new, 1))


def test_missing_mandatory_segment_and_loop() -> None:
    no_beg = "\n".join(line for line in X12_850.splitlines() if not line.startswith("BEG"))
    no_beg = no_beg.replace("SE*20*", "SE*19*")
    found = errors(no_beg)
    assert ("SEGMENT", "3", 4, "BEG", None, None) in found
    no_lines = "\n".join(
        line
        for line in X12_850.splitlines()
        if not line.startswith(("PO1", "PID", "DTM*002*20240521"))
    )
    no_lines = no_lines.replace("SE*20*", "SE*13*")
    assert ("SEGMENT", "3", 14, "PO1", None, None) in errors(no_lines)


def test_truncated_file_reports_missing_trailers() -> None:
    cut = X12_850[: X12_850.index("PO1*2")]
    found = errors(cut)
    assert ("TRANSACTION", "2", 15, "SE", None, None) in found
    assert ("GROUP", "3", 15, "GE", None, None) in found
    assert ("INTERCHANGE", "023", 15, "IEA", None, None) in found


def test_status_per_transaction_and_group() -> None:
    two = X12_850.replace(
        "GE*1*1", "ST*850*0002~\nBEG*00*SA*X**20240101~\nPO1*1*1*EA~\nSE*4*0002~\nGE*2*1"
    )
    result = parse(two.encode())
    statuses = [t.status for t in result.transactions]
    assert statuses == [Status.ACCEPTED, Status.ACCEPTED]
    bad = two.replace("SE*4*0002", "SE*5*0002")
    result = parse(bad.encode())
    assert [t.status for t in result.transactions] == [Status.ACCEPTED, Status.REJECTED]
    assert result.interchanges[0].groups[0].status is Status.PARTIALLY_ACCEPTED


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("QTY+21:10:EA", "QTY+21::EA", ("ELEMENT", "13", 14, "QTY", 1, 2)),
        ("QTY+21:10:EA", "QTY+21:1X:EA", ("ELEMENT", "37", 14, "QTY", 1, 2)),
        ("DTM+137:20240506:102", "DTM+137:20241306:102", ("ELEMENT", "12", 4, "DTM", 1, 2)),
        ("UNS+S", "UNS+X", ("ELEMENT", "12", 29, "UNS", 1, None)),
        ("BGM+220+PO-1001+9", "BGM+220+PO-1001+9+A+B+C", ("ELEMENT", "16", 3, "BGM", 5, None)),
        ("CUX+2:USD:9", "CUX+2:USD:9:1:2", ("ELEMENT", "16", 9, "CUX", 1, None)),
        ("UNS+S'\nCNT", "CNT+2:3'\nUNS+S'\nCNT", ("SEGMENT", "15", 30, "UNS", None, None)),
        ("UNT+30+1", "UNT+29+1", ("TRANSACTION", "29", 31, "UNT", 1, None)),
        ("UNT+30+1", "UNT+30+2", ("TRANSACTION", "28", 31, "UNT", 2, None)),
        ("UNZ+1+42", "UNZ+2+42", ("INTERCHANGE", "29", 32, "UNZ", 1, None)),
        ("UNZ+1+42", "UNZ+1+43", ("INTERCHANGE", "28", 32, "UNZ", 2, None)),
    ],
)
def test_edifact_orders_errors(old: str, new: str, expected: tuple) -> None:
    assert old in ORDERS
    assert expected in errors(ORDERS.replace(old, new, 1))


def test_edifact_missing_unz_and_unt() -> None:
    no_unz = ORDERS[: ORDERS.index("UNZ")]
    assert ("INTERCHANGE", "13", 31, "UNZ", None, None) in errors(no_unz)
    no_unt = ORDERS[: ORDERS.index("UNT")]
    assert ("TRANSACTION", "13", 30, "UNT", None, None) in errors(no_unt)


def test_unoa_character_set() -> None:
    text = ORDERS.replace("UNOC", "UNOA").replace("ACME RETAIL", "Acme Retail")
    assert errors(text) == set()  # lenient by default: UNOA checked as UNOB
    strict = errors(text, ReaderOptions.strict())
    assert ("ELEMENT", "21", 6, "NAD", 4, None) in strict


def test_unknown_transaction_sets_are_envelope_checked_only() -> None:
    text = X12_850.replace("ST*850", "ST*204").replace("ZZZ", "")
    result = parse(text.encode())
    assert result.ok
    assert result.transactions[0].supported is False
    broken = parse(text.replace("SE*20*", "SE*9*").encode())
    assert [e.code for e in broken.errors] == ["4"]


def test_errors_carry_full_context() -> None:
    result = parse(X12_850.replace("PO1*1*10*EA", "PO1*1**EA").encode())
    [error] = [e for e in result.errors if e.level is Level.ELEMENT]
    assert (error.interchange, error.group, error.transaction, error.transaction_type) == (
        "000000042",
        "1",
        "0001",
        "850",
    )
    assert (error.segment_position, error.segment_index, error.line) == (12, 14, 14)
    assert error.element_ref == "330" and error.trigger is None  # PO1 starts its own loop
    assert str(error) == (
        "14:PO1:2: Segment PO1 at position 12: element PO102 (quantity "
        "ordered) is required by rule C0302 but is empty"
    )


def test_partner_schema_layer() -> None:
    partner = BUILTIN.layer()
    schema = BUILTIN.get("X12", "850", "004010")
    assert schema is not None
    partner.add(schema.require("PO1", 4).restrict_codes("PO1", 3, ["CA"]).limit_loop("PO1", 2))
    found = errors(X12_850, ReaderOptions(schemas=partner))
    assert ("ELEMENT", "7", 14, "PO1", 3, None) in found  # EA not in the partner's list
    assert ("SEGMENT", "4", 19, "PO1", None, None) in found  # third line over the limit
    assert errors(X12_850) == set()  # the built-in schema is untouched


def test_raise_for_errors_carries_every_error() -> None:
    from integrations.edi import EdiParseError

    parse(X12_850.encode()).raise_for_errors()
    bad = parse(X12_850.replace("SE*20*0001", "SE*21*0001").encode())
    with pytest.raises(EdiParseError, match="22:SE:1") as caught:
        bad.raise_for_errors()
    assert caught.value.errors == bad.errors
