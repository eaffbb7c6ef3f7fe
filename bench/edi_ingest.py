"""Ingest of purchase orders into the portal database, as a ratio to parsing the same file.

    .venv/bin/python bench/edi_ingest.py [--orders 10000] [--lines 3] [--database-url URL]

Generates one X12 850 interchange carrying ``--orders`` purchase orders (our writer), then in
the same run times (1) `parse()` of the file alone — parse + envelope + 850 schema validation —
and (2) the portal's `ingest()`: store the file, parse, create every order through the order
service, write the 997, all in one transaction on PostgreSQL (a scratch database, migrated).
Prints orders/s for both and the ratio (target: ingest ≥ 25 % of parse speed).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from app.demo_edi import interchange  # noqa: E402
from documents.storage import open_storage  # noqa: E402
from integrations.edi import parse  # noqa: E402
from integrations.edi_exchange.ingest import ingest  # noqa: E402
from migrations import runner  # noqa: E402
from partners.db import make_engine, make_session_factory  # noqa: E402
from partners.roles import OrgKind  # noqa: E402

from factories import context, create_org, create_partnership, trading_partner  # noqa: E402
from support.postgres import postgres_server, scratch_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--database-url", help="an existing server's maintenance URL")
    args = parser.parse_args()

    with (
        postgres_server() as server,
        scratch_database(args.database_url or server, "concord_bench_ingest") as url,
        tempfile.TemporaryDirectory() as scratch,
    ):
        engine = make_engine(url)
        runner.upgrade(engine)
        factory = make_session_factory(engine)
        storage = open_storage(Path(scratch).as_uri())
        with factory() as db:
            vendor = create_org(db, OrgKind.vendor, "Acme")
            distributor = create_org(db, OrgKind.distributor, "Delta")
            create_partnership(db, vendor, distributor)
            profile = trading_partner(db, vendor, distributor)
            db.commit()
            numbers = [f"PO-{n:06d}" for n in range(args.orders)]
            payload = interchange(profile, 1, *numbers)
            print(f"{args.orders} purchase orders, {len(payload) / 2**20:.1f} MB")

            start = time.perf_counter()
            result = parse(io.BytesIO(payload))
            parse_seconds = time.perf_counter() - start
            assert result.ok and len(result.transactions) == args.orders

            start = time.perf_counter()
            report = ingest(context(db, storage=storage), profile, io.BytesIO(payload), "bench.edi")
            db.commit()
            ingest_seconds = time.perf_counter() - start
            assert len(report.orders) == args.orders
        engine.dispose()

    parse_rate, ingest_rate = args.orders / parse_seconds, args.orders / ingest_seconds
    print(f"parse alone : {parse_seconds:7.2f} s  {parse_rate:9.0f} orders/s")
    print(f"ingest      : {ingest_seconds:7.2f} s  {ingest_rate:9.0f} orders/s")
    print(f"ratio       : {ingest_rate / parse_rate:7.1%} of parse speed (target >= 25%)")


if __name__ == "__main__":
    main()
