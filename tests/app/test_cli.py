"""The `concord` console script, run as a user runs it: a real process on a real database."""

import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.demo_edi import interchange
from documents.storage import open_storage
from partners.db import make_engine, make_session_factory
from partners.models import ApiToken, Organization, Partnership, User
from partners.roles import OrgKind, Role
from partners.tokens import hash_secret
from portal.leads import imports
from portal.leads.models import ImportStatus, Lead, LeadImport
from portal.orders.models import Order

from factories import context, create_org, create_user, trading_partner

CONCORD = str(Path(sys.executable).parent / "concord")


@pytest.fixture
def concord(fresh_database_url, tmp_path):
    env = {
        **os.environ,
        "CONCORD_DATABASE_URL": fresh_database_url,
        "CONCORD_INSTANCE_PATH": str(tmp_path / "inst"),
    }

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [CONCORD, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
        )

    assert run("db", "upgrade").returncode == 0
    return run


def _session(url: str):
    return make_session_factory(make_engine(url))()


def test_org_user_and_token_commands(concord, fresh_database_url):
    vendor = concord("org", "create", "Acme Networks", "--kind", "vendor")
    assert vendor.returncode == 0, vendor.stderr
    assert vendor.stdout == "acme-networks\n"
    partner = concord(
        "org",
        "create",
        "Bluebird",
        "--kind",
        "partner",
        "--vendor",
        "acme-networks",
        "--tier",
        "gold",
        "--region",
        "EMEA",
    )
    assert partner.stdout == "bluebird\n"

    created = concord(
        "user",
        "create",
        "Pat@Bluebird.example",
        "--org",
        "bluebird",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert created.returncode == 0, created.stderr
    token = concord("token", "create", "pat@bluebird.example")
    assert token.returncode == 0
    raw = token.stdout.strip()
    assert raw.startswith("cnc_") and len(raw) > 40

    with _session(fresh_database_url) as db:
        org = db.scalar(select(Organization).where(Organization.slug == "bluebird"))
        link = db.scalar(select(Partnership).where(Partnership.child_id == org.id))
        assert (link.tier.value, link.region) == ("gold", "EMEA")
        user = db.scalar(select(User).where(User.email == "pat@bluebird.example"))
        assert user.role.value == "admin" and user.is_active
        stored = db.scalar(select(ApiToken))
        assert stored.token_hash == hash_secret(raw) and raw not in (
            stored.prefix + stored.token_hash
        )


def test_cli_errors_are_clear(concord):
    bad = concord(
        "user",
        "create",
        "x@y.example",
        "--org",
        "missing",
        "--password-stdin",
        stdin="long password 1\n",
    )
    assert bad.returncode == 1 and "no organization with slug 'missing'" in bad.stderr
    concord("org", "create", "Acme", "--kind", "vendor")
    weak = concord(
        "user", "create", "x@y.example", "--org", "acme", "--password-stdin", stdin="short\n"
    )
    assert weak.returncode == 1 and "at least 10 characters" in weak.stderr
    assert concord("token", "create", "nobody@y.example").returncode == 1


def test_seed_demo_prints_logins_and_runs_once(concord):
    first = concord("seed-demo", "--if-empty")
    assert "admin@acme.example" in first.stdout and "concord-demo-2026" in first.stdout
    second = concord("seed-demo", "--if-empty")
    assert "already has data" in second.stdout and "admin@acme.example" in second.stdout


def test_edi_commands_are_part_of_concord(tmp_path):
    sample = tmp_path / "bad.edi"
    sample.write_text("ISA*00*garbage~")
    env = {**os.environ, "CONCORD_INSTANCE_PATH": str(tmp_path / "inst")}
    result = subprocess.run(
        [CONCORD, "edi", "parse", str(sample)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    assert re.search(r"^1:ISA:\d*: ISA segment is incomplete", result.stderr, re.MULTILINE)


def test_drop_folder_then_storage_verify_and_sweep(concord, fresh_database_url, tmp_path):
    assert concord("org", "create", "Acme", "--kind", "vendor").returncode == 0
    assert (
        concord("org", "create", "Delta", "--kind", "distributor", "--vendor", "acme").returncode
        == 0
    )
    with _session(fresh_database_url) as db:
        orgs = {o.slug: o for o in db.scalars(select(Organization))}
        profile = trading_partner(db, orgs["acme"], orgs["delta"], transport="folder")
        payload = interchange(profile, 901, "PO-CLI")
        db.commit()
    inbox = tmp_path / "exchange" / "delta" / "in"
    inbox.mkdir(parents=True)
    (inbox / "po.edi").write_bytes(payload)

    run = concord("edi", "folder", str(tmp_path / "exchange"), "--settle", "0")
    assert run.returncode == 0, run.stderr
    assert "/delta/processed/" in run.stdout and "/delta/out/" in run.stdout
    with _session(fresh_database_url) as db:
        assert db.scalar(select(Order.number)) == "PO-CLI"

    assert concord("storage", "verify").returncode == 0
    storage = open_storage((tmp_path / "inst" / "documents").as_uri())
    orphan = storage.put(io.BytesIO(b"bytes no row refers to"))
    old = time.time() - 7200
    for path in (tmp_path / "inst" / "documents").rglob(orphan.sha256):
        os.utime(path, (old, old))
    swept = concord("storage", "sweep", "--grace-hours", "1")
    assert swept.stdout.strip() == f"removed {orphan.sha256}"
    assert not storage.exists(orphan.sha256)

    [stored] = (tmp_path / "inst" / "documents").rglob(hashlib.sha256(payload).hexdigest())
    stored.write_bytes(b"tampered")
    verify = concord("storage", "verify")
    assert verify.returncode == 1 and "corrupt" in verify.stdout


def _queued_import(database_url: str, storage_root: Path) -> int:
    """A vendor's CSV import, uploaded and started (its job queued), committed."""
    storage = open_storage(storage_root.as_uri())
    db = _session(database_url)
    member = create_user(db, create_org(db, OrgKind.vendor), Role.member)
    ctx = context(db, member, storage=storage)
    data = io.BytesIO(b"Company,Email\nAlpha,ann@alpha.example\nBeta,bob@beta.example\n")
    lead_import = imports.upload(ctx, "leads.csv", data)
    imports.start_import(ctx, lead_import.id, imports.ImportOptions(lead_import.mapping))
    db.commit()
    return lead_import.id


def test_worker_once_runs_the_queued_jobs_and_exits(concord, fresh_database_url, tmp_path):
    import_id = _queued_import(fresh_database_url, tmp_path / "inst" / "documents")
    result = concord("worker", "--once")
    assert result.returncode == 0, result.stderr
    assert "1 job(s) run." in result.stderr
    with _session(fresh_database_url) as db:
        assert db.get(LeadImport, import_id).status == ImportStatus.imported
        companies = db.scalars(select(Lead.company).where(Lead.import_id == import_id)).all()
    assert sorted(companies) == ["Alpha", "Beta"]
    assert "0 job(s) run." in concord("worker", "--once").stderr


def test_worker_stops_on_sigterm(concord, fresh_database_url, tmp_path):
    env = {
        **os.environ,
        "CONCORD_DATABASE_URL": fresh_database_url,
        "CONCORD_INSTANCE_PATH": str(tmp_path / "inst"),
    }
    worker = subprocess.Popen(
        [CONCORD, "worker", "--poll", "0.2"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert "started" in worker.stderr.readline()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        rest = worker.stderr.read()
    finally:
        worker.kill()
    assert "Stopping after the job in hand." in rest and "stopped" in rest


def test_events_replay_status_and_pause(concord):
    assert "No consumer named feed" in concord("events", "pause", "feed").stderr
    org = concord("org", "create", "Acme Networks", "--kind", "vendor")  # an audited change
    assert org.returncode == 0, org.stderr
    replayed = concord("events", "replay", "feed", "--since", "2026-01-01T00:00")
    assert replayed.returncode == 0, replayed.stderr
    assert "feed starts again after event 0." in replayed.stderr
    assert concord("events", "status").stdout == "feed: at event 0, 1 behind, running\n"
    assert concord("events", "pause", "feed").returncode == 0
    assert concord("events", "status").stdout == "feed: at event 0, 1 behind, paused\n"
    assert "feed resumed." in concord("events", "pause", "feed", "--resume").stderr
