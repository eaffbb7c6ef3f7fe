"""Distributors' purchase orders arrive by EDI: orders once, acknowledgments always, raw kept."""

import io
from decimal import Decimal

import pytest

from app.demo_edi import interchange
from documents.storage import open_storage
from integrations.edi import parse
from integrations.edi_exchange.ingest import ingest
from integrations.edi_exchange.models import Direction, EdiInterchange, InterchangeStatus
from partners.roles import OrgKind, Tier
from portal.orders.models import Order

from factories import context, create_org, create_partnership, trading_partner


@pytest.fixture
def storage(tmp_path):
    return open_storage((tmp_path / "files").as_uri())


@pytest.fixture
def profile(db):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    distributor = create_org(db, OrgKind.distributor, "Delta")
    create_partnership(db, vendor, distributor, tier=Tier.platinum)
    return trading_partner(db, vendor, distributor)


@pytest.fixture
def receive(db, storage, profile):
    def run(payload: bytes, filename: str = "po.edi", target=None):
        return ingest(
            context(db, storage=storage), target or profile, io.BytesIO(payload), filename
        )

    return run


def _text(storage, row: EdiInterchange) -> str:
    return b"".join(storage.open(row.blob_sha256)).decode()


def test_purchase_orders_become_orders_and_get_a_997(db, storage, receive, profile):
    report = receive(interchange(profile, 101, "PO-1", "PO-2"))
    assert [o.number for o in report.orders] == ["PO-1", "PO-2"]
    order = db.get(Order, report.orders[0].id)
    assert (order.owner_org_id, order.buyer_org_id, order.source) == (
        profile.vendor_org_id,
        profile.organization_id,
        "edi",
    )
    assert [line.quantity for line in order.lines] == [Decimal(10), Decimal(20)]
    assert order.lines[0].product_id("vendor_part") == "SW-001"
    [row] = report.received
    assert (row.status, row.orders_created, row.contents) == (
        InterchangeStatus.accepted,
        2,
        "850 (2)",
    )
    assert storage.exists(row.blob_sha256)
    [ack] = report.acknowledgments
    text = _text(storage, ack)
    assert "AK1*PO*" in text and "AK9*A*2*2*2" in text
    assert ack.responds_to_id == row.id and ack.direction == Direction.outbound


def test_a_repeated_interchange_creates_nothing_and_gets_the_same_ack(
    db, storage, receive, profile
):
    first = receive(interchange(profile, 102, "PO-1"))
    again = receive(interchange(profile, 102, "PO-1"), "po-resent.edi")
    assert again.orders == [] and db.query(Order).count() == 1
    [dup] = again.received
    assert dup.status == InterchangeStatus.duplicate and dup.duplicate_of_id == first.received[0].id
    assert "already received" in dup.notes[0]
    assert again.acknowledgments[0].blob_sha256 == first.acknowledgments[0].blob_sha256


def test_duplicate_is_recognised_across_files_with_other_content(db, receive, profile):
    receive(interchange(profile, 103, "PO-1"))
    other = receive(interchange(profile, 103, "PO-9"), "other.edi")
    assert other.received[0].status == InterchangeStatus.duplicate
    assert db.query(Order).filter_by(number="PO-9").count() == 0


def test_envelope_error_rejects_the_whole_interchange(db, storage, receive, profile):
    payload = interchange(profile, 104, "PO-1", "PO-2").replace(
        b"IEA*1*000000104", b"IEA*1*000000999"
    )
    report = receive(payload)
    assert report.orders == [] and db.query(Order).count() == 0
    [row] = report.received
    assert row.status == InterchangeStatus.rejected
    assert any(e["level"] == "interchange" for e in row.errors)
    assert storage.exists(row.blob_sha256)
    assert "TA1*000000104*" in _text(storage, report.acknowledgments[0])


def test_half_valid_interchange_creates_only_the_good_order(db, storage, receive, profile):
    payload = interchange(profile, 105, "PO-1", "PO-2")
    lines = payload.split(b"~")
    # Empty the quantity of the second purchase order's first line.
    second_po1 = [i for i, seg in enumerate(lines) if seg.strip().startswith(b"PO1*")][2]
    fields = lines[second_po1].split(b"*")
    fields[2] = b""
    lines[second_po1] = b"*".join(fields)
    report = receive(b"~".join(lines))
    assert [o.number for o in report.orders] == ["PO-1"]
    [row] = report.received
    assert row.status == InterchangeStatus.partially_accepted and row.orders_created == 1
    ack = _text(storage, report.acknowledgments[0])
    assert "AK5*A" in ack and "AK5*R" in ack and "AK3*PO1*" in ack and "AK9*P*2*2*1" in ack


def test_a_control_character_in_a_purchase_order_is_refused_by_segment(db, receive, profile):
    payload = interchange(profile, 106, "PO-1", "PO-2").replace(b"PO-2", b"PO\x00-2")
    report = receive(payload)
    assert [o.number for o in report.orders] == ["PO-1"]
    [row] = report.received
    [note] = [n for n in row.notes if "control character" in n]
    assert note.startswith("850 0002: segment BEG on line ")
    assert note.endswith(
        ", element BEG03, contains an invisible control character (U+0000) at position 3; "
        "no order was created."
    )
    assert [o.number for o in db.query(Order)] == ["PO-1"]


def test_edifact_orders_get_a_contrl(db, storage, receive, profile):
    profile.standard, profile.version, profile.acknowledgment = "EDIFACT", "D96A", "CONTRL"
    report = receive(interchange(profile, 106, "PO-E1"))
    assert [o.number for o in report.orders] == ["PO-E1"]
    contrl = _text(storage, report.acknowledgments[0])
    assert "UNH+" in contrl and "CONTRL:D:3:UN" in contrl and "UCI+106+" in contrl


def test_misaddressed_interchange_is_refused_without_an_answer(db, receive, profile):
    report = receive(interchange(profile, 107, "PO-1", sender="SOMEONEELSE"))
    [row] = report.received
    assert row.status == InterchangeStatus.rejected
    assert row.notes == [f"Sent by ZZ:SOMEONEELSE, but this partner is ZZ:{profile.their_id}."]
    assert report.orders == [] and report.acknowledgments == []


def test_a_purchase_order_number_seen_before_is_not_created_twice(db, receive, profile):
    receive(interchange(profile, 108, "PO-1"))
    report = receive(interchange(profile, 109, "PO-1", "PO-3"))
    assert [o.number for o in report.orders] == ["PO-3"]
    assert "PO-1 was already received" in report.received[0].notes[0]


def test_unreadable_file_is_kept_and_rejected(db, storage, receive):
    report = receive(b"this is not EDI at all")
    [row] = report.received
    assert row.status == InterchangeStatus.rejected and row.errors
    assert storage.exists(row.blob_sha256) and report.orders == []


def test_acknowledgment_control_numbers_never_repeat(db, storage, receive, profile):
    numbers = []
    for n in range(3):
        report = receive(interchange(profile, 200 + n, f"PO-{n}"))
        numbers.append(report.acknowledgments[0].control_number)
    assert len(set(numbers)) == 3
    result = parse(io.BytesIO(b"".join(storage.open(report.acknowledgments[0].blob_sha256))))
    assert result.ok and result.interchanges[0].receiver.strip() == profile.their_id


def _repeated_st02(payload: bytes) -> bytes:
    return payload.replace(b"ST*850*0002", b"ST*850*0001").replace(b"*0002~", b"*0001~")


def test_a_repeated_st02_is_refused_when_the_profile_reads_strictly(db, storage, receive, profile):
    payload = _repeated_st02(interchange(profile, 107, "PO-1", "PO-2"))
    lenient = receive(payload)
    assert [o.number for o in lenient.orders] == ["PO-1", "PO-2"]
    assert any("more than one" in e["message"] for e in lenient.received[0].errors)
    profile.strict = True
    strict = receive(_repeated_st02(interchange(profile, 108, "PO-3", "PO-4")))
    assert [o.number for o in strict.orders] == ["PO-3"]
    assert strict.received[0].status == InterchangeStatus.partially_accepted
    ack = _text(storage, strict.acknowledgments[0])
    assert "AK5*R*23" in ack and "AK9*P*2*2*1" in ack
