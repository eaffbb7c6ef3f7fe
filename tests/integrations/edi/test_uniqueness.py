"""Strict means strict: a repeated ST02 in a group or UNH 0062 in an interchange (X12.6,
ISO 9735) is an error with ReaderOptions.strict() and a warning otherwise."""

from __future__ import annotations

from edi_factories import OWN_SAMPLES

from integrations.edi import ReaderOptions, parse
from integrations.edi.errors import Severity

X12 = (OWN_SAMPLES / "850_004010.edi").read_bytes()
EDI = (OWN_SAMPLES / "orders_d96a.edi").read_bytes()
X12_TX = X12[X12.index(b"ST*") : X12.index(b"GE*")]
EDI_MSG = EDI[EDI.index(b"UNH+") : EDI.index(b"UNZ+")]


def x12_group(control: bytes, *st02: bytes) -> bytes:
    body = b"".join(X12_TX.replace(b"0001~", n + b"~") for n in st02)
    gs = X12[X12.index(b"GS*") : X12.index(b"ST*")].replace(b"*1*X*", b"*" + control + b"*X*")
    return gs + body + b"GE*%d*%s~\n" % (len(st02), control)


def x12(*groups: bytes) -> bytes:
    return X12[: X12.index(b"GS*")] + b"".join(groups) + b"IEA*%d*000000042~\n" % len(groups)


def edifact(*refs: bytes) -> bytes:
    body = b"".join(
        EDI_MSG.replace(b"UNH+1+", b"UNH+" + r + b"+").replace(b"+1'", b"+" + r + b"'")
        for r in refs
    )
    return EDI[: EDI.index(b"UNH+")] + body + b"UNZ+%d+42'\n" % len(refs)


def duplicates(data: bytes, options: ReaderOptions) -> list[tuple[str, Severity, int]]:
    result = parse(data, options)
    return [(e.code, e.severity, e.line) for e in result.errors if "more than one" in e.message]


def test_x12_repeated_st02_in_a_group() -> None:
    data = x12(x12_group(b"1", b"0001", b"0002", b"0001"))
    second = data.count(b"\n", 0, data.rindex(b"ST*850*0001")) + 1
    assert duplicates(data, ReaderOptions()) == [("23", Severity.WARNING, second)]
    assert duplicates(data, ReaderOptions.strict()) == [("23", Severity.ERROR, second)]
    lenient, strict = parse(data), parse(data, ReaderOptions.strict())
    assert lenient.ok and not strict.ok
    assert [t.errors != [] for t in strict.transactions] == [False, False, True]


def test_x12_same_st02_in_two_groups_is_fine() -> None:
    data = x12(x12_group(b"1", b"0001"), x12_group(b"2", b"0001"))
    result = parse(data, ReaderOptions.strict())
    assert result.ok, [str(e) for e in result.errors]


def test_edifact_repeated_message_reference_in_an_interchange() -> None:
    data = edifact(b"1", b"2", b"1")
    assert [d[:2] for d in duplicates(data, ReaderOptions())] == [("26", Severity.WARNING)]
    assert [d[:2] for d in duplicates(data, ReaderOptions.strict())] == [("26", Severity.ERROR)]
    assert parse(data).ok and not parse(data, ReaderOptions.strict()).ok
    assert parse(edifact(b"1", b"2"), ReaderOptions.strict()).ok


def test_edifact_reference_is_unique_across_the_interchange_groups() -> None:
    msg = EDI_MSG
    ung = b"UNG+ORDERS+CONCORD:ZZ+PARTNER:ZZ+240506:0708+%d+UN+D:96A'\n"
    data = (
        EDI[: EDI.index(b"UNH+")]
        + (ung % 1)
        + msg
        + b"UNE+1+1'\n"
        + (ung % 2)
        + msg
        + b"UNE+1+2'\n"
        + b"UNZ+2+42'\n"
    )
    assert [d[:2] for d in duplicates(data, ReaderOptions.strict())] == [("26", Severity.ERROR)]


def test_the_same_reference_in_two_interchanges_is_fine() -> None:
    data = edifact(b"1") + edifact(b"1").replace(b"+42'", b"+43'")
    assert duplicates(data, ReaderOptions.strict()) == []
