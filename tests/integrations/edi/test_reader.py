"""The streaming reader: delimiters from the envelope, leniency switches, chunk boundaries."""

from __future__ import annotations

import io

import pytest
from edi_factories import OWN_SAMPLES

from integrations.edi import ReaderOptions, iter_transactions, parse
from integrations.edi.model import ParseResult

X12 = (OWN_SAMPLES / "850_004010.edi").read_bytes()
EDI = (OWN_SAMPLES / "orders_d96a.edi").read_bytes()


def tags(data: bytes, **options: object) -> list[str]:
    result = parse(data, ReaderOptions(**options))  # type: ignore[arg-type]
    return [s.tag for t in result.transactions for s in t.segments]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_chunk_boundaries_do_not_matter(chunk: int) -> None:
    for data in (X12, EDI, (OWN_SAMPLES / "orders_d01b_una.edi").read_bytes()):
        assert parse(data, ReaderOptions(chunk_size=chunk)) == parse(data)


@pytest.mark.parametrize(
    "variant",
    [
        lambda d: b"\xef\xbb\xbf" + d,  # BOM
        lambda d: d.replace(b"~\n", b"~\r\n"),  # CRLF after terminators
        lambda d: d.replace(b"~\n", b"~"),  # one long line
        lambda d: b"\n".join(d[i : i + 80] for i in range(0, len(d), 80)),  # 80-column wrap
        lambda d: d.replace(b"\nPO1", b"\n\t  PO1"),  # indentation
        lambda d: b"garbage from the VAN\r\n" + d,  # junk before ISA
    ],
)
def test_tolerated_x12_variants(variant) -> None:
    expected = tags(X12)
    data = variant(X12)
    result = parse(data)
    assert result.ok, [str(e) for e in result.errors]
    assert [s.tag for s in result.transactions[0].segments] == expected


def test_strict_options_refuse_what_lenient_ones_warn_about() -> None:
    junk = b"garbage\n" + X12
    assert parse(junk).ok
    assert not parse(junk, ReaderOptions.strict()).ok
    indented = X12.replace(b"\nPO1", b"\n  PO1")
    assert not parse(indented, ReaderOptions.strict()).ok


def test_newline_terminator_and_missing_component_separator() -> None:
    lf = X12.replace(b"~\n", b"\n").replace(b"*>\n", b"*>\n")
    result = parse(lf)
    assert result.ok and result.interchanges[0].delimiters.segment == "\n"
    no_isa16 = X12.replace(b"*P*>~", b"*P*~")
    result = parse(no_isa16)
    assert result.interchanges[0].delimiters.component is None
    assert [e.code for e in result.errors] == ["027"]


def test_repetition_separator_only_from_00402() -> None:
    v4 = parse(X12).interchanges[0]
    assert v4.delimiters.repetition is None  # ISA11 "U" in 00401
    v5 = parse((OWN_SAMPLES / "850_005010_pipes.edi").read_bytes()).interchanges[0]
    assert v5.delimiters.repetition == "^"


def test_several_interchanges_with_different_separators() -> None:
    pipes = (OWN_SAMPLES / "850_005010_pipes.edi").read_bytes()
    result = parse(X12 + pipes + b"\n\n" + X12)
    assert result.ok
    assert [i.delimiters.element for i in result.interchanges] == ["*", "|", "*"]


def test_ta1_before_gs_is_kept() -> None:
    data = X12.replace(b"GS*PO", b"TA1*000000001*240101*1200*A*000~\nGS*PO")
    result = parse(data)
    assert result.ok
    assert result.interchanges[0].ta1[0].get(4) == "A"


def test_edifact_level_b_defaults_and_release() -> None:
    data = EDI.replace(b"UNOC", b"UNOB").replace(b"'\n", b"\x1c").replace(b"+", b"\x1d")
    data = data.replace(b":", b"\x1f")
    result = parse(data)
    assert result.ok, [str(e) for e in result.errors]
    assert tags(data) == tags(EDI)
    released = EDI.replace(b"ACME RETAIL", b"ACME?'S ?+ CO?:?? LTD")
    party = parse(released).transactions[0].segments[4]
    assert party.get(4, 1) == "ACME'S + CO:? LTD"


def test_streaming_keeps_only_summaries() -> None:
    many = X12.replace(
        b"GE*1*1",
        b"".join(X12[X12.index(b"ST*") : X12.index(b"GE*")] for _ in range(4)) + b"GE*5*1",
    )
    result = ParseResult()
    received = [r.transaction for r in iter_transactions(io.BytesIO(many), result=result)]
    assert len(received) == 5 and all(t.segments for t in received)
    assert all(t.segments == [] for t in result.interchanges[0].groups[0].transactions)
    assert result.interchanges[0].groups[0].received == 5


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"ISA",
        b"UNA:+.? ",
        b"\xff\xfe\x00",
        b"ISA*00*",
        b"UNB+UNOC:3+A+B+240101:1200+1'UNH+1'",
    ],
)
def test_garbage_is_refused_with_a_position(data: bytes) -> None:
    result = parse(data)
    assert not result.ok
    assert all(e.line is not None for e in result.errors)
