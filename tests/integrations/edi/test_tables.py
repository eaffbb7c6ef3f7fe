"""Complete segment tables: the 004010 tables come from one checked-in data file, and what the
standard allows at a position is accepted there (not only what our own samples use)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from edi_factories import OWN_SAMPLES

from integrations.edi import parse
from integrations.edi.schema import BUILTIN
from integrations.edi.schema.core import LoopSpec
from integrations.edi.schema.x12 import SEGMENT_NAMES
from integrations.edi.schema.x12_segments import SEGMENTS

TABLES = Path(__file__).resolve().parents[3] / "integrations/edi/schema/data/x12_004010.json"


def tags(loop: LoopSpec) -> set[str]:
    found: set[str] = set()
    for child in loop.children:
        found |= tags(child) if isinstance(child, LoopSpec) else {child.tag}
    return found


@pytest.mark.parametrize("type_", ["850", "855", "856", "810", "997", "999"])
@pytest.mark.parametrize("version", ["004010", "005010"])
def test_every_segment_of_a_table_is_defined(type_: str, version: str) -> None:
    schema = BUILTIN.get("X12", type_, version)
    assert schema is not None
    used = tags(schema.root)
    if type_ in ("997", "999"):
        assert used <= set(SEGMENTS)
    else:
        assert used <= set(SEGMENT_NAMES), used - set(SEGMENT_NAMES)
        assert all(SEGMENT_NAMES[t] for t in used)


def test_the_data_file_is_the_only_source_and_names_agree_with_the_dictionary() -> None:
    data = json.loads(TABLES.read_text())
    assert set(data["transaction_sets"]) == {"850", "855", "856", "810"}
    for tag, spec in SEGMENTS.items():
        if tag in SEGMENT_NAMES:
            assert SEGMENT_NAMES[tag] == spec.name


def _insert(sample: str, before: bytes, extra: bytes) -> bytes:
    data = (OWN_SAMPLES / sample).read_bytes()
    at = data.index(before)
    count = extra.count(b"~")
    body = data[:at] + extra + data[at:]
    se = body.index(b"\nSE*") + 4
    n = int(body[se : body.index(b"*", se)])
    return body[:se] + str(n + count).encode() + body[body.index(b"*", se) :]


@pytest.mark.parametrize(
    ("sample", "before", "extra"),
    [
        # AMT before the N1 loops and the SPI loop after them, in the 850 header
        ("850_004010.edi", b"N1*BY", b"AMT*TT*100~\nREF*ZZ*BUDGET-7~\n"),
        ("850_004010.edi", b"PO1*", b"SPI*00~\nREF*ZZ*SPEC-1~\nN1*ZZ*ENGINEER~\n"),
        # CTP loop and MEA in the 850 PO1 loop
        ("850_004010.edi", b"PID*F****WIDGET SIZE 1", b"CTP**RES*12.5~\nMEA**WT*2*LB~\n"),
        # MEA and the CLD loop in the 856 HL loop
        ("856_004010.edi", b"TD1*", b"MEA*PD*G*60.5*LB~\n"),
        ("856_004010.edi", b"DTM*011", b"CLD*2*30~\nREF*BM*BOL-1~\n"),
        # CTP in the 810 IT1 loop
        ("810_004010.edi", b"PID*F****WIDGET~", b"CTP**RES*10.25~\n"),
    ],
)
def test_what_the_standard_allows_is_accepted(sample: str, before: bytes, extra: bytes) -> None:
    data = _insert(sample, before, extra)
    result = parse(data)
    assert result.ok, [str(e) for e in result.errors]
    assert not result.errors


def test_a_segment_the_table_does_not_allow_there_is_still_refused() -> None:
    data = _insert("856_004010.edi", b"DTM*011", b"BEG*00*SA*PO-1**20240506~\n")
    result = parse(data)
    assert not result.ok and any(e.segment_tag == "BEG" for e in result.errors)


def _insert_edifact(sample: str, before: bytes, extra: bytes) -> bytes:
    data = (OWN_SAMPLES / sample).read_bytes()
    at = data.index(before)
    body = data[:at] + extra + data[at:]
    unt = body.index(b"\nUNT+") + 5
    end = body.index(b"+", unt)
    return body[:unt] + str(int(body[unt:end]) + extra.count(b"'")).encode() + body[end:]


@pytest.mark.parametrize(
    ("sample", "before", "extra"),
    [
        # TDT (with its LOC) inside ORDRSP's line-item group
        ("ordrsp_d96a.edi", b"LIN+2+", b"TDT+20++30+31'\nLOC+11+DEHAM'\n"),
        # PCD after ALC in INVOIC's line allowance group
        ("invoic_d96a.edi", b"LIN+2+", b"ALC+A++++DI'\nPCD+1:5'\nMOA+204:5.13'\n"),
    ],
)
def test_what_the_edifact_directory_allows_is_accepted(
    sample: str, before: bytes, extra: bytes
) -> None:
    result = parse(_insert_edifact(sample, before, extra))
    assert result.ok, [str(e) for e in result.errors]
