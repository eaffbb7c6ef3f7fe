"""The 24 real-world conformance files: each parses, or is refused for a stated, located reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.edi import parse, to_canonical_json
from integrations.edi.errors import Severity

# file → (ok, {(code, line, segment tag, element) of every error}, extra checks)
EXPECTED: dict[str, tuple[bool, set[tuple[str, int, str, int | None]]]] = {
    "xlate__staedi/invoice810_po850_dual.edi": (True, set()),
    "xlate__staedi/simple810.edi": (True, set()),
    "xlate__staedi/simple997.edi": (True, set()),
    "xlate__staedi/simple997-multiple-interchanges.edi": (True, set()),
    "xlate__staedi/simple999.edi": (True, set()),
    "xlate__staedi/multi-tx-transaction-type.edi": (True, set()),
    "xlate__staedi/ts210_80char.edi": (True, set()),
    "xlate__staedi/invoic_d97b_una.edi": (True, set()),
    "xlate__staedi/orders-with-group.edi": (
        False,
        {
            ("39", 3, "UNH", 2),  # association code EAN008B longer than an..6
            ("29", 20, "UNT", 1),  # UNT says 21 segments, the message has 18
        },
    ),
    "xlate__staedi/invoic_d93a_una.edi": (
        False,
        {
            ("12", 7, "DTM", 1),  # 19999715 is not a date
            ("21", 8, "NAD", 6),  # "ü" is not in UNOA
            ("21", 9, "NAD", 6),
        },
    ),
    "aaronhuggins__node-x12/850.edi": (True, set()),
    "aaronhuggins__node-x12/850_2.edi": (True, set()),
    "aaronhuggins__node-x12/850_3.edi": (True, set()),
    "aaronhuggins__node-x12/850_fat.edi": (True, set()),
    "aaronhuggins__node-x12/855.edi": (True, set()),
    "aaronhuggins__node-x12/856.edi": (True, set()),
    "indice-co__EDI.Net/x12.850.issue135.edi": (
        False,
        {
            ("3", 23, "DTM", 7),  # "DTM*038*20190309" lacks "~": the next PO1 is swallowed
            ("8", 23, "DTM", 2),
            ("9", 23, "DTM", 3),
            ("5", 23, "DTM", 4),
            ("2", 23, "DTM", 6),
            ("7", 25, "CUR", None),  # the swallowed PO1's segments are now out of sequence
            ("7", 26, "PID", None),
            ("7", 27, "PO4", None),
            ("7", 28, "REF", None),
            ("7", 29, "REF", None),
            ("4", 89, "SE", 1),  # SE says 87, there are 86
        },
    ),
    "indice-co__EDI.Net/x12.850.edi": (False, {("001", 15, "IEA", 2)}),
    "indice-co__EDI.Net/x12.810a.edi": (True, set()),
    "indice-co__EDI.Net/edifact.ORDRSP.edi": (
        False,
        {
            ("28", 1, "UNT", 2),
            ("29", 1, "UNT", 1),
            ("28", 1, "UNZ", 2),
        },
    ),
    "indice-co__EDI.Net/edifact.01.multi-message.edi": (
        False,
        {
            ("29", 33, "UNT", 1),
            ("29", 64, "UNT", 1),
            ("28", 65, "UNZ", 2),
        },
    ),
    "nerdocs__pydifact/order.edi": (False, {("13", 18, "UNZ", None)}),  # no UNZ
    "nerdocs__pydifact/order2.edi": (False, {("13", 12, "UNZ", None)}),  # no UNZ
    "nerdocs__pydifact/invoice1.edi": (
        False,
        {
            ("12", 4, "DTM", 1),  # format 102 with 12 digits
            ("12", 17, "DTM", 1),
        },
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_outcome(shared_samples: Path, name: str) -> None:
    ok, expected = EXPECTED[name]
    result = parse(shared_samples / name)
    errors = {(e.code, e.line, e.segment_tag, e.element) for e in result.errors if e.is_error}
    assert errors == expected
    assert result.ok is ok
    assert to_canonical_json(result)["ok"] is ok
    for error in result.errors:
        assert error.line is not None and error.message


def test_all_samples_covered(shared_samples: Path) -> None:
    found = {str(p.relative_to(shared_samples)) for p in shared_samples.glob("*/*.edi")}
    assert found == set(EXPECTED)


def test_issue135_se_count_position(shared_samples: Path) -> None:
    result = parse(shared_samples / "indice-co__EDI.Net/x12.850.issue135.edi")
    [count] = [e for e in result.errors if e.segment_tag == "SE" and e.is_error]
    assert (count.segment_position, count.segment_index, count.line) == (86, 88, 89)
    assert (count.interchange, count.group, count.transaction) == ("000000001", "1", "0001")
    assert "87" in count.message and "86 segments" in count.message
    duplicate = [e for e in result.errors if e.code == "23"]
    assert duplicate[0].severity is Severity.WARNING and duplicate[0].line == 90


def test_tolerated_quirks_are_reported_as_warnings(shared_samples: Path) -> None:
    nbsp = parse(shared_samples / "indice-co__EDI.Net/x12.850.edi")
    assert any("non-breaking" in e.message for e in nbsp.errors if not e.is_error)
    unpadded = parse(shared_samples / "indice-co__EDI.Net/x12.810a.edi")
    assert unpadded.ok and any("fixed width" in e.message for e in unpadded.errors)
    wrapped = parse(shared_samples / "xlate__staedi/ts210_80char.edi")
    assert wrapped.transactions[0].segment_count == 31
    lf = parse(shared_samples / "aaronhuggins__node-x12/850_2.edi")
    assert lf.interchanges[0].delimiters.segment == "\n"
    many = parse(shared_samples / "xlate__staedi/simple997-multiple-interchanges.edi")
    assert [i.control_number for i in many.interchanges] == ["000000001", "000000002", "000000003"]
    dual = parse(shared_samples / "xlate__staedi/invoice810_po850_dual.edi")
    assert [t.supported for t in dual.transactions] == [True, True, False]  # 003010: envelope only
