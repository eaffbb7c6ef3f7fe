"""The vendor channel dashboard and a partner scorecard, live through the sharing predicate, vs
the bare aggregate SQL of the same figures, at PostgreSQL scale.

    .venv/bin/python bench/dashboard.py [--leads 1000000] [--runs 40] [--reuse] [--keep]

Creates (and drops at the end, unless --keep) the database ``concord_bench_dashboard`` with
``bench/sharing_inbox.py``'s generator (organizations, partnerships, leads, grants, rules,
shares), then gives the claimed leads a life: claim and acceptance times, a seventh converted
into deals at every stage (2% of them registrations awaiting review) with their ownership and
participation grants, and a tenth of the pool returned once (lapsed or declined). It times the
whole dashboard of vendor 1's manager (``service.vendor_dashboard``) against the same figures
written by hand without any sharing predicate, and the scorecard of the partner with the most
leads of vendor 1 (``service.scorecard``) as that partner sees it.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sharing_inbox import generate
from sqlalchemy import select
from sqlalchemy.orm import Session

import app.areas  # noqa: F401 - every area registers its record kind
from migrations import runner
from partners.db import make_engine
from partners.models import Partnership, User
from partners.roles import OrgStatus, Tier
from portal.analytics import service
from portal.analytics.figures import Filters

DATABASE = "concord_bench_dashboard"
VENDOR = 1

LIFE = """
UPDATE lead SET claimed_at = created_at + (id % 97) * interval '1 hour',
       accepted_at = CASE WHEN id % 3 <> 0
                          THEN created_at + (id % 97 + id % 41) * interval '1 hour' END,
       status = CASE WHEN id % 7 = 1 THEN 'converted' WHEN id % 3 = 0 THEN 'claimed'
                     ELSE 'working' END
WHERE status = 'working';
INSERT INTO lead_exclusion (lead_id, organization_id, cause, reason, created_at)
SELECT id, 21 + id % 980, CASE WHEN id % 20 = 0 THEN 'declined' ELSE 'claim_expired' END, '',
       created_at + interval '3 days'
FROM lead WHERE status = 'available' AND id % 10 = 0;
INSERT INTO deal (owner_org_id, partner_org_id, lead_id, name, customer, customer_key,
                  customer_domain, vat_number, contact_name, contact_email, country, region,
                  industry, product_line, amount, stage, registration, decision_reason, notes,
                  created_at, updated_at)
SELECT owner_org_id, claimed_by_org_id, id, company, company, lower(company), '', '', '', '', 'DE',
       region, industry, product_line, amount,
       (ARRAY['prospecting','qualification','proposal','negotiation','won','lost'])[1 + id % 6],
       CASE WHEN id % 50 = 1 THEN 'submitted' END, '', '', created_at, now()
FROM lead WHERE status = 'converted';
INSERT INTO deal_grant (audience_id, deal_id, source_kind, source_id, level)
SELECT a.id, d.id, 1, d.owner_org_id, 4 FROM deal d
JOIN audience a ON a.key = 'org:' || d.owner_org_id;
INSERT INTO deal_grant (audience_id, deal_id, source_kind, source_id, level)
SELECT a.id, d.id, 2, d.partner_org_id, 3 FROM deal d
JOIN audience a ON a.key = 'org:' || d.partner_org_id;
"""

#: The vendor dashboard's figures written by hand over the vendor's own rows: what the same
#: numbers cost with no sharing predicate and no ORM.
BARE = [
    """SELECT count(*) FILTER (WHERE status <> 'new'),
              count(*) FILTER (WHERE claimed_at IS NOT NULL),
              count(*) FILTER (WHERE claimed_at IS NOT NULL AND accepted_at IS NOT NULL),
              count(*) FILTER (WHERE claimed_at IS NOT NULL AND status = 'converted'),
              count(*) FILTER (WHERE claimed_at IS NOT NULL AND status = 'converted' AND EXISTS (
                  SELECT 1 FROM deal d WHERE d.lead_id = lead.id AND d.stage = 'won'))
       FROM lead WHERE owner_org_id = %(v)s""",
    """SELECT percentile_cont(0.5)
         WITHIN GROUP (ORDER BY extract(epoch FROM claimed_at - created_at))
       FROM lead WHERE owner_org_id = %(v)s AND claimed_at IS NOT NULL""",
    """SELECT percentile_cont(0.5)
         WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - claimed_at))
       FROM lead WHERE owner_org_id = %(v)s AND accepted_at IS NOT NULL""",
    """SELECT x.cause, count(*) FROM lead_exclusion x JOIN lead l ON l.id = x.lead_id
       WHERE l.owner_org_id = %(v)s GROUP BY x.cause""",
    """SELECT count(*) FROM deal WHERE owner_org_id = %(v)s AND registration = 'submitted'""",
    """SELECT stage, count(*), sum(amount) FROM deal WHERE owner_org_id = %(v)s GROUP BY stage""",
    """SELECT o.name, count(*), sum(d.amount) FROM deal d LEFT JOIN organization o
         ON o.id = d.partner_org_id
       WHERE d.owner_org_id = %(v)s AND d.stage NOT IN ('won', 'lost') GROUP BY o.name""",
    """SELECT p.tier, d.region, count(*) FILTER (WHERE d.stage = 'won'), count(*),
              sum(d.amount) FILTER (WHERE d.stage = 'won')
       FROM deal d LEFT JOIN partnership p ON p.parent_id = %(v)s AND p.child_id = d.partner_org_id
       WHERE d.owner_org_id = %(v)s AND d.stage IN ('won', 'lost') GROUP BY p.tier, d.region""",
]


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _p(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _report(label: str, samples: list[float]) -> float:
    p50, p95 = _p(samples)
    print(f"{label:42} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    return p95


def time_all(url: str, runs: int) -> None:
    engine = make_engine(url)
    try:
        _time(engine, url, runs)
    finally:
        engine.dispose()


def _time(engine, url: str, runs: int) -> None:
    ours, bare, partner = [], [], []
    with Session(engine) as db, psycopg.connect(url) as raw:
        manager = db.get(User, VENDOR)
        assert manager is not None
        # Rules reach the top tier's partners most: the first active platinum partner.
        link = db.scalars(
            select(Partnership)
            .where(
                Partnership.parent_id == VENDOR,
                Partnership.status == OrgStatus.active,
                Partnership.tier == Tier.platinum,
            )
            .order_by(Partnership.id)
        ).first()
        assert link is not None
        partner_user_id = link.child_id
        partner_user = db.get(User, partner_user_id)  # the generator gives organization i user i
        received = service.scorecard(db, partner_user, link).table("scorecard").rows[0][1]
        owned = raw.execute(
            "SELECT count(*) FROM lead WHERE owner_org_id = %s", (VENDOR,)
        ).fetchone()[0]
        print(f"vendor {VENDOR}: {owned:,} leads; partner {link.child_id} sees {received:,}")
        for _ in range(runs):
            start = time.perf_counter()
            service.vendor_dashboard(db, manager, Filters())
            ours.append(_ms(start))
            db.rollback()
            start = time.perf_counter()
            for sql in BARE:
                raw.execute(sql, {"v": VENDOR}).fetchall()
            bare.append(_ms(start))
            raw.rollback()
            start = time.perf_counter()
            service.scorecard(db, partner_user, link)
            partner.append(_ms(start))
            db.rollback()
    half = runs // 2  # the first half warms caches
    ours_p95 = _report("vendor dashboard (service, live)", ours[half:])
    bare_p95 = _report("same figures, bare aggregate SQL", bare[half:])
    print(f"ratio of p95 ours/bare: {ours_p95 / bare_p95:.2f}")
    _report(f"scorecard of partner {partner_user_id}, as itself", partner[half:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time an existing database")
    args = parser.parse_args()
    url = args.url.rsplit("/", 1)[0] + f"/{DATABASE}"
    if not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            conn.execute(f"CREATE DATABASE {DATABASE}")
        engine = make_engine(url)
        runner.upgrade(engine)
        engine.dispose()
        start = time.perf_counter()
        generate(url, args.leads, random.Random(7))
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in LIFE.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("VACUUM ANALYZE")
        print(f"generated {args.leads:,} leads in {time.perf_counter() - start:.0f} s")
    try:
        time_all(url, args.runs)
    finally:
        if not args.keep:
            with psycopg.connect(args.url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {DATABASE}")


if __name__ == "__main__":
    main()
