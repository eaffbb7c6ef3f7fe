"""Delimiters on real layouts: whatever separators and line layout a partner uses, the same
segments come out (X12 from the ISA's fixed positions, EDIFACT from UNA/UNB)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from edi_factories import OWN_SAMPLES

from integrations.edi import ReaderOptions, parse

X12 = (OWN_SAMPLES / "850_004010.edi").read_bytes()
EDI = (OWN_SAMPLES / "orders_d96a.edi").read_bytes()
UNA = (OWN_SAMPLES / "orders_d01b_una.edi").read_bytes()


def segments(data: bytes) -> list[tuple[str, list[object]]]:
    result = parse(data)
    assert result.ok, [str(e) for e in result.errors if e.is_error]
    return [(s.tag, s.elements) for t in result.transactions for s in t.segments]


def layout(after: bytes) -> Callable[[bytes], bytes]:
    """Put ``after`` (the partner's line layout) after every terminator instead of LF."""
    return lambda d: d.replace(b"~\n", b"~" + after)


def terminator(term: bytes, after: bytes = b"") -> Callable[[bytes], bytes]:
    return lambda d: d.replace(b"~\n", term + after)


X12_LAYOUTS = {
    "LF": layout(b"\n"),
    "CR": layout(b"\r"),
    "CRLF": layout(b"\r\n"),
    "none": layout(b""),
    "CRLF + indentation": layout(b"\r\n   "),
    "LF + tab": layout(b"\n\t"),
    "CR + indentation": layout(b"\r  "),
    "blank lines": layout(b"\r\n\r\n"),
    "spaces before CRLF": layout(b"  \r\n"),
    "LF as terminator": terminator(b"\n"),
    "LF as terminator, indented": terminator(b"\n", b"  "),
    "CR as terminator": terminator(b"\r"),
    "CRLF as terminator, indented": terminator(b"\r\n", b"    "),
    "0x1D": terminator(b"\x1d"),
    "0x1D + CRLF + indentation": terminator(b"\x1d", b"\r\n  "),
    "0x85": terminator(b"\x85"),
    "0x85 + LF": terminator(b"\x85", b"\n"),
    "pipe": terminator(b"|"),
    "pipe + CRLF + indentation": terminator(b"|", b"\r\n "),
    "star, bar elements": lambda d: d.replace(b"*", b"|").replace(b"~\n", b"*\r\n  "),
    "BOM": lambda d: b"\xef\xbb\xbf" + d,
    "BOM + CRLF": lambda d: b"\xef\xbb\xbf" + d.replace(b"~\n", b"~\r\n"),
}


@pytest.mark.parametrize("name", sorted(X12_LAYOUTS))
def test_x12_layouts_give_the_same_segments(name: str) -> None:
    assert segments(X12_LAYOUTS[name](X12)) == segments(X12)


@pytest.mark.parametrize("name", ["LF as terminator", "CR as terminator", "0x1D", "pipe"])
def test_x12_terminator_is_the_character_after_isa16(name: str) -> None:
    data = X12_LAYOUTS[name](X12)
    interchange = parse(data).interchanges[0]
    assert interchange.delimiters.segment == data[105:106].decode("latin-1")
    assert interchange.delimiters.component == ">"


def test_x12_indented_newline_terminator_does_not_split_on_blanks() -> None:
    """A space after an LF terminator is indentation, not the terminator (N1*BY*ACME RETAIL)."""
    result = parse(X12.replace(b"~\n", b"\n  "))
    assert result.interchanges[0].delimiters.segment == "\n"
    n1 = next(s for s in result.transactions[0].segments if s.tag == "N1")
    assert n1.get(2) == "ACME RETAIL"


EDIFACT_LAYOUTS = {
    "LF": lambda d: d,
    "CR": lambda d: d.replace(b"'\n", b"'\r"),
    "CRLF": lambda d: d.replace(b"'\n", b"'\r\n"),
    "none": lambda d: d.replace(b"'\n", b"'"),
    "CRLF + indentation": lambda d: d.replace(b"'\n", b"'\r\n\t  "),
    "BOM": lambda d: b"\xef\xbb\xbf" + d,
    "UNA then indentation": lambda d: b"UNA:+.? '\r\n  " + d.replace(b"'\n", b"'\r\n  "),
    "UNA with 0x1D": lambda d: b"UNA:+.? \x1d" + d.replace(b"'\n", b"\x1d\r\n"),
    "UNA with LF": lambda d: b"UNA:+.? \n" + d.replace(b"'\n", b"\n  "),
}


@pytest.mark.parametrize("name", sorted(EDIFACT_LAYOUTS))
def test_edifact_layouts_give_the_same_segments(name: str) -> None:
    assert segments(EDIFACT_LAYOUTS[name](EDI)) == segments(EDI)


def test_several_interchanges_each_with_its_own_layout_and_standard() -> None:
    data = b"".join(
        [
            b"\xef\xbb\xbf" + X12,
            X12_LAYOUTS["pipe + CRLF + indentation"](X12),
            EDIFACT_LAYOUTS["UNA with 0x1D"](EDI),
            b"\r\n",
            EDI,  # no UNA after one: back to the level A defaults
            X12_LAYOUTS["LF as terminator, indented"](X12),
            UNA,
        ]
    )
    result = parse(data, ReaderOptions(allow_indentation=True))
    assert [i.standard for i in result.interchanges] == ["X12"] * 2 + ["EDIFACT"] * 2 + [
        "X12",
        "EDIFACT",
    ]
    assert [i.delimiters.segment for i in result.interchanges] == ["~", "|", "\x1d", "'", "\n", "~"]
    assert not [e for e in result.errors if e.is_error and e.code != "025"]
    expected = segments(X12) + segments(X12) + segments(EDI) * 2 + segments(X12) + segments(UNA)
    assert [(s.tag, s.elements) for t in result.transactions for s in t.segments] == expected


def test_unterminated_last_segment_is_a_warning_on_its_own_line() -> None:
    result = parse(X12.rstrip(b"~\n"))
    [warning] = [e for e in result.errors if "no segment terminator" in e.message]
    assert not warning.is_error and warning.line == X12.count(b"\n")
