"""The search box for partners at 1M leads: through the sharing predicate vs the bare
full-text query.

    .venv/bin/python bench/search.py [--leads 1000000] [--reuse] [--keep] [--url …/postgres]

Generates ``concord_bench`` with ``bench/sharing_inbox.py``'s data (or, with ``--reuse``, times
the one there after migrating it to head, which builds the search indexes), then for 100 random
partner users times the search's lead query (``portal.search.service``: the kind's scoped
select, 11 rows) against the same full-text query without the sharing predicate, for a rare
term ("Company 4711": about a hundred leads by prefix) and a common one ("company": every lead),
and the whole search (every kind the user may open). Target: p95 ours ≤ 1.5 × p95 bare.
"""

import argparse
import random
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sharing_inbox import DATABASE, ORGANIZATIONS, VENDORS, _ms, _percentiles, generate
from sqlalchemy import select
from sqlalchemy.orm import Session

import app.areas  # noqa: F401 - every area registers its record kind
from migrations import runner
from partners.db import make_engine
from partners.models import User
from portal.leads.models import Lead
from portal.search import service
from portal.search.matching import text_matches

USERS_TIMED = 100
#: A partner manager opens neither partners' pages nor People (admins only).
PARTNER_MAY_OPEN = {kind.endpoint for kind in service.KINDS} - {"partnerships.detail", "admin.user"}


def _bare(term: str):
    found = text_matches(term, "postgresql", Lead.company, Lead.contact_name)
    return select(Lead).where(found).order_by(Lead.id.desc()).limit(service.LIMIT + 1)


def time_search(url: str, leads: int, rng: random.Random) -> None:
    engine = make_engine(url)
    partners = [org for org in range(VENDORS + 1, ORGANIZATIONS + 1) if org % 10]
    user_ids = rng.sample(partners, USERS_TIMED)
    terms = {
        "rare": [f"Company {rng.randint(1, leads)}" for _ in user_ids],
        "common": ["company"] * len(user_ids),
    }
    with Session(engine) as db:
        for label, words in terms.items():
            ours, bare, whole, hits = [], [], [], 0
            for user_id, term in list(zip(user_ids, words, strict=True)) * 2:  # pass 1 warms
                user = db.get(User, user_id)
                query = service.Query(user, term, "postgresql", db)
                start = time.perf_counter()
                rows = db.scalars(service.KINDS[0].select(query).limit(service.LIMIT + 1)).all()
                ours.append(_ms(start))
                hits += len(rows)
                start = time.perf_counter()
                db.scalars(_bare(term)).all()
                bare.append(_ms(start))
                start = time.perf_counter()
                service.search(db, user, term, PARTNER_MAY_OPEN.__contains__)
                whole.append(_ms(start))
            half = len(ours) // 2
            print(f"{label} term ({hits // 2 / len(user_ids):.1f} lead hits per partner):")
            print(f"  partner's leads   {_percentiles(ours[half:])}")
            print(f"  bare full text    {_percentiles(bare[half:])}")
            print(f"  partner, all kinds {_percentiles(whole[half:])}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time an existing database")
    parser.add_argument("--database", default=DATABASE, help="another name than sharing_inbox's")
    args = parser.parse_args()
    database = args.database
    bench_url = args.url.rsplit("/", 1)[0] + f"/{database}"
    rng = random.Random(7)
    if not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database}")
            conn.execute(f"CREATE DATABASE {database}")
    start = time.perf_counter()
    runner.upgrade(make_engine(bench_url))  # on --reuse: builds the search indexes if missing
    if not args.reuse:
        generate(bench_url, args.leads, rng)
    print(f"ready in {_ms(start) / 1000:.0f} s")
    with psycopg.connect(bench_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) lead, lead_grant")
    time_search(bench_url, args.leads, rng)
    if not args.keep:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {database}")


if __name__ == "__main__":
    main()
