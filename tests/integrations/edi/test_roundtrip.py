"""Round trips for every supported set, and interoperability with independent parsers."""

from __future__ import annotations

import io
import warnings

import pytest
from edi_factories import OWN_SAMPLES, SAMPLE_TYPES, document, envelope, own_samples

from integrations.edi import (
    EDIFACT,
    X12,
    Delimiters,
    from_document,
    parse,
    to_document,
    write,
    write_documents,
)
from integrations.edi.writer import EdiWriteError, build_interchange

SAMPLES = sorted(p.name for p in OWN_SAMPLES.glob("*.edi"))


def test_committed_samples_match_the_writer() -> None:
    assert {name: (OWN_SAMPLES / name).read_bytes() for name in SAMPLES} == own_samples()


@pytest.mark.parametrize("name", SAMPLES)
def test_own_sample_is_valid_and_round_trips(name: str) -> None:
    result = parse(OWN_SAMPLES / name)
    assert result.ok, [str(e) for e in result.errors]
    assert result.errors == []
    [interchange] = result.interchanges
    again = parse(write(interchange))
    assert again.interchanges == result.interchanges
    [tx] = interchange.transactions
    doc = to_document(tx, interchange.standard)
    assert doc is not None
    rewritten = parse(write_documents([doc], envelope(interchange.standard, version=tx.version)))
    assert to_document(rewritten.transactions[0], interchange.standard) == doc


@pytest.mark.parametrize("kind", sorted(SAMPLE_TYPES))
@pytest.mark.parametrize("standard", [X12, EDIFACT])
def test_document_model_round_trip(kind: str, standard: str) -> None:
    doc = document(kind, standard)
    result = parse(write_documents([doc], envelope(standard)))
    assert result.ok, [str(e) for e in result.errors]
    assert to_document(result.transactions[0], standard) == doc


@pytest.mark.parametrize(
    "delimiters",
    [
        Delimiters("*", ">", "~", "^", suffix="\n"),
        Delimiters("|", ":", "\n", "^"),
        Delimiters("\x1d", "\x1f", "\x1c", "\x1e"),
        Delimiters("!", "\\", "'", None, suffix="\r\n"),
    ],
)
def test_x12_separators_per_partner(delimiters: Delimiters) -> None:
    doc = document("purchase_order", X12)
    data = write_documents([doc], envelope(X12, version="005010", delimiters=delimiters))
    result = parse(data)
    assert result.ok, [str(e) for e in result.errors]
    assert result.interchanges[0].delimiters.element == delimiters.element
    assert data.index(delimiters.segment.encode()) + 1 == 106  # fixed-width ISA
    assert to_document(result.transactions[0], X12) == doc


def test_edifact_una_and_release_character() -> None:
    doc = document("purchase_order", EDIFACT)
    doc.parties[0].name = "O'NEIL + CO: 100? SURE"
    plain = write_documents([doc], envelope(EDIFACT))
    assert not plain.startswith(b"UNA") and b"O?'NEIL ?+ CO?: 100?? SURE" in plain
    custom = write_documents(
        [doc], envelope(EDIFACT, delimiters=Delimiters("*", "=", "~", None, "!"))
    )
    assert custom.startswith(b"UNA=*.! ~")
    for data in (plain, custom):
        assert to_document(parse(data).transactions[0], EDIFACT) == doc


def test_writer_refuses_data_that_contains_a_separator() -> None:
    doc = document("purchase_order", X12)
    doc.lines[0].description = "10*20 WIDGET"
    with pytest.raises(EdiWriteError, match="separator"):
        write_documents([doc], envelope(X12))
    latin = document("purchase_order", EDIFACT)
    latin.parties[0].name = "MÜNCHEN"
    with pytest.raises(EdiWriteError, match="UNOA"):
        write_documents([latin], envelope(EDIFACT, syntax_id="UNOA"))
    assert "MÜNCHEN".encode("latin-1") in write_documents([latin], envelope(EDIFACT))


def test_control_numbers_and_counts_of_built_interchange() -> None:
    docs = [
        document("purchase_order", X12),
        document("invoice", X12),
        document("purchase_order", X12),
    ]
    interchange = build_interchange(
        [from_document(d, X12) for d in docs], envelope(X12, control_number=7)
    )
    assert interchange.header.get(13) == "000000007"
    assert [g.functional_id for g in interchange.groups] == ["PO", "IN"]
    assert interchange.trailer.elements == ["2", "000000007"]
    po_group = interchange.groups[0]
    assert po_group.trailer.elements == ["2", "1"]
    assert [t.control_number for t in po_group.transactions] == ["0001", "0002"]
    result = parse(write(interchange))
    assert result.ok and len(result.transactions) == 3


# -- interoperability -------------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in SAMPLES if not n[0].isdigit()])
def test_pydifact_reads_our_edifact(name: str) -> None:
    from pydifact.segmentcollection import Interchange as PydifactInterchange

    data = (OWN_SAMPLES / name).read_bytes().decode("latin-1")
    ours = parse(OWN_SAMPLES / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = PydifactInterchange.from_str(data)
        segments = list(theirs.segments)
    body = [s for s in ours.interchanges[0].transactions[0].segments]
    assert [s.tag for s in segments] == [s.tag for s in body]
    for mine, other in zip(body, segments, strict=True):
        flat = [list(v) if isinstance(v, tuple) else v for v in mine.elements]
        assert flat == other.elements


@pytest.mark.parametrize("name", [n for n in SAMPLES if n[0].isdigit()])
def test_pyx12_reads_our_x12(name: str) -> None:
    from pyx12.x12file import X12Reader

    text = (OWN_SAMPLES / name).read_bytes().decode("ascii")
    reader = X12Reader(io.StringIO(text))
    tags = [seg.get_seg_id() for seg in reader]
    assert list(reader.pop_errors()) == []
    ours = parse(OWN_SAMPLES / name)
    expected = ["ISA", "GS", *[s.tag for s in ours.transactions[0].segments], "GE", "IEA"]
    assert tags == expected
