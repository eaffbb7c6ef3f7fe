"""Ingest of purchase orders into the portal database, as a ratio to parsing the same file.

    .venv/bin/python bench/edi_ingest.py [--orders 10000] [--runs 3] [--database-url URL]

Generates X12 850 interchanges of ``--orders`` purchase orders each (our writer), then per run
times (1) `parse()` of the file alone — parse + envelope + 850 schema validation, the library
call `ingest()` makes — and (2) the portal's `ingest()` of the same file: store the file, parse,
create every order through the order service, write the 997, all in one transaction on
PostgreSQL (a scratch database, migrated), committed. Each run gets a new interchange (new
control number and PO numbers) in the same database, so later runs also check their numbers
against the earlier runs' orders. Prints orders/s for both, wall clock and this process's CPU
time, and the ratio per run and its median (target: ingest ≥ 25 % of parse speed).
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sqlalchemy.orm import Session  # noqa: E402

import app.areas  # noqa: E402, F401 - every area registers its record kind
from app.demo_edi import interchange  # noqa: E402
from documents.storage import open_storage  # noqa: E402
from integrations.edi import ParseResult, parse  # noqa: E402
from integrations.edi_exchange.ingest import ingest  # noqa: E402
from integrations.edi_exchange.models import TradingPartner  # noqa: E402
from migrations import runner  # noqa: E402
from partners.db import make_engine, make_session_factory  # noqa: E402
from partners.roles import OrgKind  # noqa: E402

from factories import context, create_org, create_partnership, trading_partner  # noqa: E402
from support.postgres import postgres_server, scratch_database  # noqa: E402


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``work``, started from a collected heap so that neither timing
    pays for garbage the other left; what ``work`` returns is freed after the clock stops."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    elapsed = time.perf_counter() - wall, time.process_time() - cpu
    del result
    return elapsed


def parse_alone(payload: bytes, orders: int) -> ParseResult:
    result = parse(io.BytesIO(payload))
    assert result.ok and len(result.transactions) == orders
    return result


def one_run(db: Session, storage, profile: TradingPartner, run: int, orders: int) -> float:
    """Time parse alone and the ingest of a new interchange of ``orders`` purchase orders;
    print both and return the ratio of their speeds."""
    payload = interchange(profile, run, *(f"PO-{run:02d}-{n:06d}" for n in range(orders)))

    def ingest_file() -> None:
        report = ingest(context(db, storage=storage), profile, io.BytesIO(payload), "bench.edi")
        db.commit()
        assert len(report.orders) == orders

    parse_wall, parse_cpu = timed(lambda: parse_alone(payload, orders))
    ingest_wall, ingest_cpu = timed(ingest_file)
    print(
        f"run {run}: {orders} orders, {len(payload) / 2**20:.1f} MB | "
        f"parse {parse_wall:.2f} s ({orders / parse_wall:,.0f} orders/s, CPU {parse_cpu:.2f} s)"
        f" | ingest {ingest_wall:.2f} s ({orders / ingest_wall:,.0f} orders/s, "
        f"CPU {ingest_cpu:.2f} s) | ratio {parse_wall / ingest_wall:.1%} "
        f"(CPU of this process: {parse_cpu / ingest_cpu:.1%})"
    )
    return parse_wall / ingest_wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="an existing server's maintenance URL")
    args = parser.parse_args()

    with (
        postgres_server() as server,
        scratch_database(args.database_url or server, "concord_bench_ingest") as url,
        tempfile.TemporaryDirectory() as scratch,
    ):
        engine = make_engine(url)
        runner.upgrade(engine)
        storage = open_storage(Path(scratch).as_uri())
        with make_session_factory(engine)() as db:
            vendor = create_org(db, OrgKind.vendor, "Acme")
            distributor = create_org(db, OrgKind.distributor, "Delta")
            create_partnership(db, vendor, distributor)
            profile = trading_partner(db, vendor, distributor)
            db.commit()
            ratios = [
                one_run(db, storage, profile, run, args.orders) for run in range(1, args.runs + 1)
            ]
        engine.dispose()
    print(
        f"median ratio {statistics.median(ratios):.1%} of parse speed over {args.runs} run(s) "
        "(target >= 25%)"
    )


if __name__ == "__main__":
    main()
