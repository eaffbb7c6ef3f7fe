"""Lead CSV import on PostgreSQL: rows/s through the job, as a ratio to a bare COPY of the
same rows into the lead table, measured in the same run.

    .venv/bin/python bench/lead_import.py [--rows 100000] [--runs 3] [--existing 200000]
                                          [--database-url URL]

A scratch database (``concord_bench_import``, migrated, dropped afterwards) gets a vendor with
30 partners at mixed tiers, four sharing rules (all partners; gold and above in EMEA; one named
partner for retail; partners with a score of 60 or more) and ``--existing`` leads of its own,
so that the duplicate lookups and the inserts meet populated indexes. Each run generates a CSV
of ``--rows`` new leads (about 5 % free-mail addresses, 1 % repeating an earlier row's domain)
and times, as the portal does them:

1. **upload**: ``imports.upload`` (size, UTF-8 and CSV checks of the whole file, stored);
2. **preview**: ``imports.check`` with the guessed mapping (every row cleaned and checked, the
   duplicate lookups), what the mapping page does on each request;
3. **job**: ``Worker.run_next`` on the queued ``leads.import`` job, committed: read and check
   the file again, find duplicates, COPY in chunks of 5,000, score, ``grant_new_leads``, the
   audit entry, progress through its own connection;
4. **ceiling**: ``COPY lead (…) FROM STDIN`` of the same rows, already cleaned (prepared before
   the clock starts), on a raw psycopg connection, one transaction, rolled back afterwards.

Prints rows/s for each, the job's rows/s as a ratio of the ceiling's, and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

import app.areas  # noqa: E402, F401 - every area registers its record kind
from documents.storage import open_storage  # noqa: E402
from migrations import runner  # noqa: E402
from partners.db import make_engine, make_session_factory  # noqa: E402
from partners.jobs import Job, JobStatus, Worker  # noqa: E402
from partners.models import User  # noqa: E402
from partners.roles import OrgKind, Role, Tier  # noqa: E402
from partners.sharing import AccessLevel  # noqa: E402
from partners.sharing.models import GranteeKind  # noqa: E402
from partners.sharing.rules import Grantee  # noqa: E402
from portal.leads import imports  # noqa: E402
from portal.leads.import_csv import clean_row, guess_mapping  # noqa: E402
from portal.leads.models import ImportStatus, LeadImport  # noqa: E402
from portal.leads.service import LeadDetails  # noqa: E402

from factories import context, create_org, create_partnership, create_rule, create_user  # noqa: E402
from support.postgres import postgres_server, scratch_database  # noqa: E402

HEADER = ["Company", "Contact", "Email", "Country", "Region", "Industry", "Product line",
          "Campaign", "Amount", "Score"]  # fmt: skip
REGIONS = ("EMEA", "NA", "APAC", "LATAM")
INDUSTRIES = ("retail", "health", "energy", "finance", "manufacturing", "public")
COUNTRIES = ("DE", "FR", "GB", "US", "CA", "JP", "BR", "NL")
COPY_COLUMNS = ("owner_org_id", "company", "contact_name", "contact_email", "email_domain",
                "country", "region", "industry", "product_line", "campaign", "score", "amount",
                "status", "created_at", "updated_at")  # fmt: skip


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def generate(rows: int, run: int) -> bytes:
    """A CSV of new leads; domains are unique to the run, so runs do not duplicate each other."""
    rng = random.Random(run)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(rows):
        if rng.random() < 0.05:
            email = f"person{run}.{n}@gmail.com"
        else:
            domain = n - 1 if n and rng.random() < 0.01 else n
            email = f"contact{n}@r{run}-company{domain}.example"
        writer.writerow(
            [
                f"Company {run}-{n}",
                f"Contact {n}",
                email,
                rng.choice(COUNTRIES),
                rng.choice(REGIONS),
                rng.choice(INDUSTRIES),
                f"line-{n % 7}",
                f"CMP-{n % 13}",
                f"{rng.randint(1000, 500000)}.{n % 100:02d}",
                rng.randint(0, 100),
            ]
        )
    return out.getvalue().encode()


def prepared_rows(data: bytes, owner_id: int) -> list[tuple]:
    """The file's rows as the lead columns they become, for the ceiling's COPY."""
    reader = csv.reader(io.StringIO(data.decode()))
    mapping = guess_mapping(next(reader))
    now = datetime.now(UTC)
    rows = []
    for values in reader:
        details, problems = clean_row(values, mapping)
        assert not problems, problems
        columns = LeadDetails(**details).columns()
        rows.append((owner_id, *(columns[c] for c in COPY_COLUMNS[1:12]), "available", now, now))
    return rows


def ceiling(url: str, rows: list[tuple]) -> float:
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        start = time.perf_counter()
        with conn.cursor().copy(f"COPY lead ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        elapsed = time.perf_counter() - start
        conn.rollback()
    return elapsed


def arrange(factory) -> tuple[int, int]:
    """The vendor, its partners and rules, its existing leads; returns (vendor, member) ids."""
    with factory() as db:
        vendor = create_org(db, OrgKind.vendor, "Acme")
        manager = create_user(db, vendor, Role.manager)
        member = create_user(db, vendor, Role.member)
        partners = [create_org(db) for _ in range(30)]
        tiers = list(Tier)
        for n, partner in enumerate(partners):
            create_partnership(db, vendor, partner, tier=tiers[n % 4], region=REGIONS[n % 4])
        create_rule(db, manager, Grantee(GranteeKind.all_partners), AccessLevel.view)
        create_rule(db, manager, Grantee(GranteeKind.tier, tier=Tier.gold), regions=("EMEA",))
        create_rule(
            db,
            manager,
            Grantee(GranteeKind.organization, partners[0].id),
            industries=("retail",),
        )
        create_rule(db, manager, Grantee(GranteeKind.all_partners), score_min=60)
        db.commit()
        return vendor.id, member.id


def seed_existing(engine, vendor_id: int, count: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                """INSERT INTO lead (owner_org_id, company, contact_name, contact_email,
                   email_domain, country, region, industry, product_line, score, status,
                   created_at, updated_at)
                   SELECT :vendor, 'Existing ' || n, '', 'c' || n || '@old' || n || '.example',
                          'old' || n || '.example', 'DE', 'EMEA', 'retail', '', n % 101,
                          'new', now(), now()
                   FROM generate_series(1, :count) AS n"""
            ),
            {"vendor": vendor_id, "count": count},
        )
        conn.execute(text("ANALYZE lead"))


def one_run(factory, worker: Worker, storage, url: str, ids: tuple[int, int], run: int, rows: int):
    vendor_id, member_id = ids
    data = generate(rows, run)
    prepared = prepared_rows(data, vendor_id)
    with factory() as db:
        ctx = context(db, db.get(User, member_id), storage=storage)
        holder: dict[str, LeadImport] = {}

        def upload() -> None:
            holder["import"] = imports.upload(ctx, f"bench-{run}.csv", io.BytesIO(data))
            db.commit()

        upload_s = timed(upload)
        lead_import = holder["import"]
        found: dict[str, imports.Check] = {}
        preview_s = timed(
            lambda: found.setdefault("check", imports.check(ctx, lead_import, lead_import.mapping))
        )
        duplicates = len(found.pop("check").duplicates)
        options = imports.ImportOptions(lead_import.mapping, publish=True)
        imports.start_import(ctx, lead_import.id, options)
        db.commit()
        job_s = timed(worker.run_next)
        db.expire_all()
        done = db.get(LeadImport, lead_import.id)
        job = db.get(Job, done.job_id)
        assert job.status == JobStatus.done, (job.message, job.last_error)
        assert done.status == ImportStatus.imported and done.duplicate_count == duplicates
        imported = done.imported_count
    ceiling_s = ceiling(url, prepared)
    print(
        f"run {run}: {rows:,} rows, {len(data) / 2**20:.1f} MB, {duplicates:,} duplicates | "
        f"upload {upload_s:.2f} s | preview {preview_s:.2f} s | "
        f"job {job_s:.2f} s ({imported / job_s:,.0f} rows/s) | "
        f"ceiling COPY {ceiling_s:.2f} s ({rows / ceiling_s:,.0f} rows/s) | "
        f"ratio {(imported / job_s) / (rows / ceiling_s):.1%}"
    )
    return (imported / job_s) / (rows / ceiling_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--existing", type=int, default=200_000)
    parser.add_argument("--database-url", help="an existing server's maintenance URL")
    args = parser.parse_args()
    with (
        postgres_server() as server,
        scratch_database(args.database_url or server, "concord_bench_import") as url,
        tempfile.TemporaryDirectory() as scratch,
    ):
        engine = make_engine(url)
        runner.upgrade(engine)
        factory = make_session_factory(engine)
        storage = open_storage(Path(scratch).as_uri())
        ids = arrange(factory)
        seed_existing(engine, ids[0], args.existing)
        worker = Worker(factory, lambda db, actor: context(db, actor, storage=storage))
        ratios = [
            one_run(factory, worker, storage, url, ids, run, args.rows)
            for run in range(1, args.runs + 1)
        ]
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"median ratio {statistics.median(ratios):.1%} of the bare COPY's rows/s over "
        f"{args.runs} run(s); peak RSS of this process {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
