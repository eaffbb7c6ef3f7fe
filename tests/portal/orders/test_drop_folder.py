"""The drop-folder transport: files in, orders made, acknowledgments out, each exactly once."""

import os
import time
from pathlib import Path

import pytest

from app.demo_edi import interchange
from documents.storage import open_storage
from integrations.edi_exchange import folder
from partners.roles import OrgKind
from portal.orders.models import Order

from factories import context, create_org, create_partnership, trading_partner


@pytest.fixture
def setup(db, tmp_path):
    vendor = create_org(db, OrgKind.vendor, "Acme")
    distributor = create_org(db, OrgKind.distributor, "Delta")
    create_partnership(db, vendor, distributor)
    profile = trading_partner(db, vendor, distributor, transport="folder")
    db.commit()  # the folder job opens sessions of its own
    storage = open_storage((tmp_path / "files").as_uri())
    return profile, tmp_path / "exchange", storage


def _drop(root, profile, name: str, payload: bytes, age: float = 10) -> None:
    inbox = root / profile.organization.slug / "in"
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_bytes(payload)
    past = time.time() - age
    os.utime(path, (past, past))


def test_files_are_ingested_once_and_answers_delivered_once(db, session_factory, setup):
    profile, root, storage = setup
    _drop(root, profile, "po1.edi", interchange(profile, 801, "PO-F1"))
    _drop(root, profile, "po2.edi", interchange(profile, 802, "PO-F2"), age=0)  # still uploading
    run = folder.exchange(
        root, session_factory, lambda s: context(s, storage=storage), settle_seconds=5
    )
    assert len(run.ingested) == 1 and run.failed == []
    assert db.query(Order).filter_by(number="PO-F1").count() == 1
    base = root / profile.organization.slug
    assert [p.name for p in (base / "in").iterdir()] == ["po2.edi"]
    [ack] = run.delivered
    assert b"AK9*A*1*1*1" in (base / "out" / os.path.basename(ack)).read_bytes()

    again = folder.exchange(
        root, session_factory, lambda s: context(s, storage=storage), settle_seconds=0
    )
    assert len(again.ingested) == 1 and len(again.delivered) == 1  # po2 and its ack only
    assert db.query(Order).count() == 2


def test_a_crash_puts_the_file_aside_with_the_reason(db, session_factory, setup):
    profile, root, _storage = setup
    _drop(root, profile, "po.edi", interchange(profile, 803, "PO-F3"))
    run = folder.exchange(
        root, session_factory, lambda s: context(s, storage=None), settle_seconds=0
    )
    [failed] = run.failed
    assert "needs document storage" in Path(failed + ".error.txt").read_text()
    assert db.query(Order).count() == 0
